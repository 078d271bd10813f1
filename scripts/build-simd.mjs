// Compile the engine's WebAssembly SIMD kernels (AssemblyScript, offline) into
// grader/interpreter/simd/kernels.wasm. Run by postinstall and on demand by the engine.
import { execFileSync } from 'node:child_process';
import process from 'node:process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const asc = join(dirname(require.resolve('assemblyscript/package.json')), 'bin', 'asc.js');
execFileSync(process.execPath, [
  asc,
  join(root, 'grader/interpreter/simd/kernels.as.ts'),
  '--outFile', join(root, 'grader/interpreter/simd/kernels.wasm'),
  '--runtime', 'stub',
  '--importMemory',
  '--noAssert',
  '--optimizeLevel', '3',
  '--shrinkLevel', '0',
  '--enable', 'simd',
], { stdio: 'inherit' });
