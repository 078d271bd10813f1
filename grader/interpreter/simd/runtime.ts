/**
 * Loads the WebAssembly SIMD kernels (compiled from kernels.as.ts by scripts/build-simd.mjs, which
 * postinstall runs; built here on first use if missing) and gives each interpreter a memory of its own.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { fromRoot } from '../../../core/paths.js';

export interface SimdKernels {
  dotRows(w: number, x: number, rows: number, depth: number, out: number): void;
  padInput16(x: number, inH: number, inW: number, C: number, rows: number, cols: number, top: number, left: number, zp: number, out: number): void;
  depthwise(xpad: number, padW: number, C: number, w: number, kH: number, kW: number, strideH: number, strideW: number, dilH: number, dilW: number, outH: number, outW: number, q: number, out: number, acc: number): void;
  gemm(x: number, xStride: number, pixels: number, K: number, wp: number, N: number, q: number, out: number, acc: number, x16: number): void;
  conv(x: number, rowStride: number, pixelStride: number, rowStep: number, kH: number, rowPairs: number, outH: number, outW: number, wp: number, N: number, q: number, out: number, acc: number): void;
  im2col(x: number, inH: number, inW: number, C: number, kH: number, kW: number, strideH: number, strideW: number, dilH: number, dilW: number, padH: number, padW: number, outH: number, outW: number, zp: number, out: number): void;
  averagePool(x: number, inH: number, inW: number, C: number, outH: number, outW: number, strideH: number, strideW: number, filterH: number, filterW: number, padH: number, padW: number, actMin: number, actMax: number, acc: number, out: number): void;
}

const WASM = fromRoot('grader', 'interpreter', 'simd', 'kernels.wasm');
const SOURCE = fromRoot('grader', 'interpreter', 'simd', 'kernels.as.ts');

let compiled: WebAssembly.Module | undefined;

function module(): WebAssembly.Module {
  if (compiled) return compiled;
  if (!existsSync(WASM) || statSync(WASM).mtimeMs < statSync(SOURCE).mtimeMs) {
    execFileSync(process.execPath, [fromRoot('scripts', 'build-simd.mjs')], { stdio: 'inherit' });
  }
  compiled = new WebAssembly.Module(readFileSync(WASM));
  return compiled;
}

const PAGE = 65536;
/** The first page stays free for the kernels' own static data (they have none today). */
export const RESERVED_BYTES = PAGE;

/** A memory of `bytes` (plus the reserved page) and the kernels bound to it. */
export function instantiate(bytes: number): { memory: WebAssembly.Memory; kernels: SimdKernels } {
  const pages = Math.ceil((RESERVED_BYTES + bytes) / PAGE) + 1;
  const memory = new WebAssembly.Memory({ initial: pages, maximum: pages });
  const instance = new WebAssembly.Instance(module(), { env: { memory } });
  return { memory, kernels: instance.exports as unknown as SimdKernels };
}
