/**
 * Gives each interpreter a WebAssembly memory of its own, bound to the SIMD kernels.
 *
 * The engine does no I/O: the compiled kernels module (kernels.wasm, built from kernels.as.ts at
 * install/build time by `npm run build:simd`) is handed in by the I/O edge, `grader/inference/engine.ts`
 * (`loadEngine()` / `createInterpreter()`), once per thread before the first interpreter is made.
 */

export interface SimdKernels {
  dotRows(w: number, x: number, rows: number, depth: number, out: number): void;
  padInput16(x: number, inH: number, inW: number, C: number, rows: number, cols: number, top: number, left: number, zp: number, out: number): void;
  depthwise(xpad: number, rowStride: number, pixelStride: number, C: number, w: number, kH: number, kW: number, outH: number, outW: number, q: number, out: number, acc: number): void;
  gemm(x: number, xStride: number, pixels: number, K: number, wp: number, N: number, q: number, out: number, acc: number, x16: number): void;
  conv(x: number, rowStride: number, pixelStride: number, rowStep: number, kH: number, rowPairs: number, outH: number, outW: number, wp: number, N: number, q: number, out: number, acc: number): void;
  im2col(x: number, inH: number, inW: number, C: number, kH: number, kW: number, strideH: number, strideW: number, dilH: number, dilW: number, padH: number, padW: number, outH: number, outW: number, zp: number, out: number): void;
  averagePool(x: number, inH: number, inW: number, C: number, outH: number, outW: number, strideH: number, strideW: number, filterH: number, filterW: number, padH: number, padW: number, actMin: number, actMax: number, acc: number, out: number): void;
  binary(a: number, aInner: number, aOuter: number, b: number, bInner: number, bOuter: number, inner: number, outer: number, out: number, q: number): void;
  lookup(x: number, n: number, table: number, out: number): void;
  lookupRows(x: number, xOuter: number, idx: number, idxOuter: number, inner: number, outer: number, table: number, out: number): void;
  clampInt8(x: number, n: number, lo: number, hi: number, out: number): void;
  maxPool(x: number, inH: number, inW: number, C: number, outH: number, outW: number, strideH: number, strideW: number, filterH: number, filterW: number, padH: number, padW: number, actMin: number, actMax: number, out: number): void;
  copyRuns(src: number, srcStride: number, dst: number, dstStride: number, run: number, rows: number): void;
  fill(dst: number, value: number, n: number): void;
  gather4(x: number, n0: number, s0: number, n1: number, s1: number, n2: number, s2: number, n3: number, s3: number, out: number): void;
  padInput16Repeat(x: number, inH: number, inW: number, C: number, m: number, rows: number, cols: number, top: number, left: number, zp: number, out: number): void;
  reduceSum(x: number, outer: number, reduce: number, inner: number, acc: number, init: number): void;
  requantRows(acc: number, rows: number, C: number, q: number, out: number): void;
  binaryTable(a: number, aInner: number, aOuter: number, b: number, bInner: number, bOuter: number, inner: number, outer: number, out: number, table: number): void;
  lookupF32(x: number, n: number, table: number, out: number): void;
  softmax(x: number, rows: number, depth: number, exps: number, terms: number, live: number, out: number): void;
  quantizeF32(x: number, n: number, scale: number, zp: number, out: number): void;
}

let compiled: WebAssembly.Module | undefined;

/** Hand the engine its compiled SIMD kernels (the edge does this once per thread; later calls replace it). */
export function provideSimdModule(module: WebAssembly.Module): void {
  compiled = module;
}

/** The kernels have been handed in on this thread. */
export const simdModuleProvided = (): boolean => compiled !== undefined;

/** The compiled kernels handed in on this thread, if any (a thread hands them to the threads it starts). */
export const providedSimdModule = (): WebAssembly.Module | undefined => compiled;

const PAGE = 65536;
/** The first page stays free for the kernels' own static data (a few bytes of scratch). */
export const RESERVED_BYTES = PAGE;

/** A memory of `bytes` (plus the reserved page) and the kernels bound to it. */
export function instantiate(bytes: number): { memory: WebAssembly.Memory; kernels: SimdKernels } {
  if (!compiled) throw new Error("the engine's SIMD kernels were not provided on this thread: create interpreters through grader/inference/engine.ts (createInterpreter, or loadEngine first)");
  const pages = Math.ceil((RESERVED_BYTES + bytes) / PAGE) + 1;
  const memory = new WebAssembly.Memory({ initial: pages, maximum: pages });
  const instance = new WebAssembly.Instance(compiled, { env: { memory } });
  return { memory, kernels: instance.exports as unknown as SimdKernels };
}
