/**
 * The engine's compiled SIMD kernels: reads kernels.wasm from disk and compiles it, once per thread
 * ({@link compiledKernels}). Apart from engine.ts so that code which only starts inference threads (the
 * shared pool hands the compiled module to its threads) does not load the interpreter with it.
 *
 * kernels.wasm is compiled from grader/interpreter/simd/kernels.as.ts at install/build time only
 * (`npm run build:simd`, which postinstall runs): nothing builds at run time. It is found beside its
 * source, relative to this module, so the engine depends on no project layout (the compiled build
 * copies it to the same place).
 */
import v8 from 'node:v8';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const WASM = new URL('../interpreter/simd/kernels.wasm', import.meta.url);
const SOURCE = new URL('../interpreter/simd/kernels.as.ts', import.meta.url);

/** The newest modification time of the AssemblyScript sources beside `source` (it and what it imports). */
function sourcesTime(source: string): number {
  const dir = dirname(source);
  return Math.max(...readdirSync(dir).filter((f) => f.endsWith('.as.ts')).map((f) => statSync(join(dir, f)).mtimeMs));
}

/** The SIMD kernels are missing or older than their source: the install/build step has to run. */
export class SimdBuildError extends Error {
  override name = 'SimdBuildError';
}

/**
 * Compile the kernels' module from `wasm`. Refuses, naming the fix, when the file is missing or older
 * than `source` (when that is present): a stale module could compute with an older layout.
 */
export function loadSimdModule(wasm: URL = WASM, source: URL = SOURCE): WebAssembly.Module {
  const path = fileURLToPath(wasm);
  if (!existsSync(path)) {
    throw new SimdBuildError(`the engine's SIMD kernels are not built (${path} is missing): run \`npm run build:simd\` (or reinstall with \`npm ci\`)`);
  }
  const src = fileURLToPath(source);
  if (existsSync(src) && statSync(path).mtimeMs < sourcesTime(src)) {
    throw new SimdBuildError(`the engine's SIMD kernels are older than ${src}: run \`npm run build:simd\` to rebuild ${path}`);
  }
  return compileEagerly(readFileSync(path));
}

/** V8 flags that make a module compile every function at once and tier all of them up in the background. */
const EAGER = ['--no-wasm-lazy-compilation', '--no-wasm-dynamic-tiering'];
/** Their defaults, put back after our compile so that no other module in the process is affected. */
const DEFAULTS = ['--wasm-lazy-compilation', '--wasm-dynamic-tiering'];

/**
 * Compile the kernels with Liftoff for every function now and TurboFan for every function on V8's
 * background threads. By default V8 compiles each function on its first call with its baseline
 * compiler and optimises it only after it has run a budget of code: a small model (a 20 µs
 * inference) then runs for thousands of calls at about a third of the kernels' speed, which is what
 * a fresh process scoring a learner's model sees (bench/engine.ts on one small model: 3× slower than
 * after a large one). The flags are read when a module is compiled, so they are set around this
 * one compile only (about 15 ms of Liftoff on the calling thread; TurboFan's ~50 ms runs off it).
 * Flags the process was started with are left alone.
 */
function compileEagerly(bytes: Uint8Array): WebAssembly.Module {
  const given = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)].filter((a) => /wasm-lazy-compilation|wasm-dynamic-tiering/.test(a));
  if (given.length > 0) return new WebAssembly.Module(bytes);
  v8.setFlagsFromString(EAGER.join(' '));
  try {
    return new WebAssembly.Module(bytes);
  } finally {
    v8.setFlagsFromString(DEFAULTS.join(' '));
  }
}

let compiled: WebAssembly.Module | undefined;

/** The kernels compiled from the default kernels.wasm, once on this thread and then reused. */
export function compiledKernels(): WebAssembly.Module {
  return (compiled ??= loadSimdModule());
}
