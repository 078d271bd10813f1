/**
 * Loads the WebAssembly SIMD kernels and gives each interpreter a memory of its own.
 *
 * kernels.wasm is compiled from kernels.as.ts at install/build time only (`npm run build:simd`, which
 * postinstall runs): the engine never builds anything at run time. It is found next to this module,
 * so the engine depends on no project layout.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface SimdKernels {
  dotRows(w: number, x: number, rows: number, depth: number, out: number): void;
  padInput16(x: number, inH: number, inW: number, C: number, rows: number, cols: number, top: number, left: number, zp: number, out: number): void;
  depthwise(xpad: number, padW: number, C: number, w: number, kH: number, kW: number, strideH: number, strideW: number, dilH: number, dilW: number, outH: number, outW: number, q: number, out: number, acc: number): void;
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

const WASM = new URL('./kernels.wasm', import.meta.url);
const SOURCE = new URL('./kernels.as.ts', import.meta.url);

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
  return new WebAssembly.Module(readFileSync(path));
}

let compiled: WebAssembly.Module | undefined;

const PAGE = 65536;
/** The first page stays free for the kernels' own static data (a few bytes of scratch). */
export const RESERVED_BYTES = PAGE;

/** A memory of `bytes` (plus the reserved page) and the kernels bound to it. */
export function instantiate(bytes: number): { memory: WebAssembly.Memory; kernels: SimdKernels } {
  compiled ??= loadSimdModule();
  const pages = Math.ceil((RESERVED_BYTES + bytes) / PAGE) + 1;
  const memory = new WebAssembly.Memory({ initial: pages, maximum: pages });
  const instance = new WebAssembly.Instance(compiled, { env: { memory } });
  return { memory, kernels: instance.exports as unknown as SimdKernels };
}
