/**
 * The engine's I/O edge: hands the compiled WebAssembly SIMD kernels (read and compiled by
 * kernels-module.ts) to the pure engine (grader/interpreter), which does no I/O of its own. Every
 * interpreter outside the engine's own tests is made through {@link createInterpreter}, or after
 * {@link loadEngine} on that thread.
 */
import type { Graph } from '../tflite/graph.js';
import { Interpreter, type InterpreterOptions } from '../interpreter/interpreter.js';
import { provideSimdModule, providedSimdModule, simdModuleProvided } from '../interpreter/simd/runtime.js';
import { compiledKernels } from './kernels-module.js';

export { loadSimdModule, SimdBuildError } from './kernels-module.js';

/**
 * Load the kernels into the engine on this thread (once; later calls do nothing) and return their
 * compiled module. `compiled`: a module another thread compiled (passed in workerData), used as it
 * is: V8 shares a module's machine code between the threads of a process, so a thread that receives
 * one starts without compiling anything.
 */
export function loadEngine(compiled?: WebAssembly.Module): WebAssembly.Module {
  if (!simdModuleProvided()) provideSimdModule(compiled ?? compiledKernels());
  return providedSimdModule()!;
}

/** Prepare `graph` for inference (see {@link Interpreter.create}), loading the engine first if needed. */
export function createInterpreter(graph: Graph, options: InterpreterOptions = {}): Interpreter {
  loadEngine();
  return Interpreter.create(graph, options);
}
