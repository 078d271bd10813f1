// Compile the engine's WebAssembly SIMD kernels (AssemblyScript, offline) into
// grader/interpreter/simd/kernels.wasm. Run by postinstall and `npm run build:simd` (after editing
// kernels.as.ts); the engine itself never builds (it refuses a missing or stale module, naming this).
// Each run writes its own temporary file and renames it into place: readers never see a half-written
// module.
import { execFileSync } from 'node:child_process';
import { renameSync, rmSync } from 'node:fs';
import process from 'node:process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const asc = join(dirname(require.resolve('assemblyscript/package.json')), 'bin', 'asc.js');
const out = join(root, 'grader/interpreter/simd/kernels.wasm');
const tmp = `${out}.${process.pid}.tmp`;
try {
  execFileSync(process.execPath, [
    asc,
    join(root, 'grader/interpreter/simd/kernels.as.ts'),
    '--outFile', tmp,
    '--runtime', 'stub',
    '--importMemory',
    '--noAssert',
    '--optimizeLevel', '3',
    '--shrinkLevel', '0',
    '--enable', 'simd',
  ], { stdio: 'inherit' });
  renameSync(tmp, out);
} finally {
  rmSync(tmp, { force: true });
}
