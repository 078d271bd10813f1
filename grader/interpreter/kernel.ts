/**
 * The kernel contract, in the tflite-micro shape: `prepare` validates the node, precomputes every
 * multiplier, offset, clamp and index, and returns the `eval` closure, which only loops over typed
 * arrays. Kernels never allocate during eval.
 */
import type { Graph, Operator, Tensor } from '../tflite/graph.js';
import type { Rounding } from './fixed-point.js';
import type { SimdKernels } from './simd/runtime.js';

/** Typed views of one tensor's storage in the interpreter's WebAssembly memory. */
export interface TensorData {
  tensor: Tensor;
  /** Byte address in the WebAssembly memory (16-byte aligned), for the SIMD kernels. */
  address: number;
  bytes: Uint8Array;
  i8: Int8Array;
  i32: Int32Array | null;
  f32: Float32Array | null;
}

/** Temporary memory shared by all kernels (used only within one eval, never across ops). */
export interface Scratch {
  address: number;
  size: number;
  bytes: Uint8Array;
  buffer: ArrayBuffer;
}

export interface PrepareContext {
  graph: Graph;
  /** Requantization rounding of the runtime being reproduced. */
  rounding: Rounding;
  op: Operator;
  /** Storage of input k (throws when the optional input is omitted: use `optionalInput`). */
  input(k: number): TensorData;
  optionalInput(k: number): TensorData | null;
  output(k: number): TensorData;
  /** WebAssembly SIMD inner loops bound to this interpreter's memory. */
  simd: SimdKernels;
  scratch: Scratch;
  /** Reserve constant storage in the WebAssembly memory for this node (bias/multiplier/shift arrays). */
  persistent(bytes: number): number;
  /**
   * int8 tensors that earlier nodes computed as a function of one input byte (their 256-entry
   * table), by tensor index: a later node may fold such a node into its own table.
   */
  byteFunctions: Map<number, ByteFunction>;
  /** Skip earlier node `node` at eval (its output is no longer read: this node folded it in). */
  elide(node: number): void;
}

/** `tensor = table[input + 128]`, computed by node `node`. */
export interface ByteFunction {
  node: number;
  input: number;
  table: Int8Array;
}

export type Eval = () => void;

export interface Kernel {
  /** Builtin operator name, e.g. "CONV_2D". */
  op: string;
  prepare(ctx: PrepareContext): Eval;
}

/** A model the engine cannot run; raised at prepare time, naming the node. */
export class UnsupportedModelError extends Error {
  constructor(
    readonly nodeIndex: number,
    readonly op: string,
    detail: string,
  ) {
    super(`node #${nodeIndex} ${op}: ${detail}`);
    this.name = 'UnsupportedModelError';
  }
}

/** Throw an UnsupportedModelError for the node being prepared unless `cond` holds. */
export function ensure(ctx: PrepareContext, cond: unknown, detail: string): asserts cond {
  if (!cond) throw new UnsupportedModelError(ctx.op.index, ctx.op.op, detail);
}
