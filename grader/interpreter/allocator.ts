/**
 * Storage for a model, allocated once, all inside one WebAssembly memory so the SIMD kernels can read
 * and write tensors in place: activations share an arena laid out by the same greedy plan TFLM uses
 * (the host engine reuses memory the way the board does), constants are copied in once, and a
 * scratch area serves kernels that need temporary buffers (im2col patches, int32 accumulators).
 */
import type { Graph, Tensor } from '../tflite/graph.js';
import { tensorByteSize } from '../tflite/schema.js';
import { planArena } from '../validate/arena.js';
import type { Scratch, TensorData } from './kernel.js';
import { TABLE_MIN_ELEMENTS } from './kernels/binary.js';
import { depthwiseRowMode } from './kernels/depthwise-conv-2d.js';
import { SOFTMAX_TABLE_BYTES } from './kernels/softmax.js';
import { requantTableBytes } from './quant-params.js';
import { instantiate, RESERVED_BYTES, type SimdKernels } from './simd/runtime.js';

const align16 = (n: number) => Math.ceil(n / 16) * 16;
const bytesOf = (t: Tensor): number => tensorByteSize(t);

function views(tensor: Tensor, buffer: ArrayBuffer, address: number, byteLength: number): TensorData {
  return {
    tensor,
    address,
    bytes: new Uint8Array(buffer, address, byteLength),
    i8: new Int8Array(buffer, address, byteLength),
    i32: new Int32Array(buffer, address, byteLength >> 2),
    f32: new Float32Array(buffer, address, byteLength >> 2),
  };
}

/** Bytes of scratch the kernels may ask for: the largest im2col patch set plus int32 accumulators. */
export function scratchBytes(graph: Graph): number {
  let need = 0;
  for (const op of graph.operators) {
    const out = op.outputs[0] !== undefined ? graph.tensors[op.outputs[0]] : undefined;
    const outAcc = out ? out.elements * 4 : 0;
    let patches = 0;
    const f = graph.tensors[op.inputs[1] ?? -1];
    if (op.op === 'CONV_2D' && out && out.shape.length === 4 && f && f.shape.length === 4 && op.options.kind === 'conv2d') {
      // The zero-point-padded int16 copy of the input the windows span, or im2col rows and their
      // int16 widening (with slack for reads past the end).
      const o = op.options;
      const [, kH, kW, c] = f.shape as [number, number, number, number];
      const pixels = out.shape[1]! * out.shape[2]!;
      const rows = (out.shape[1]! - 1) * o.strideH + (kH - 1) * o.dilationH + 1;
      const cols = (out.shape[2]! - 1) * o.strideW + (kW - 1) * o.dilationW + 1;
      patches = Math.max(align16(pixels * kH * kW * c) + align16(pixels * Math.ceil((kH * kW * c) / 2) * 4 + 32), rows * cols * c * 2 + 16);
    }
    if (op.op === 'FULLY_CONNECTED' && out && f && f.shape.length === 2 && f.shape[0]! > 0) {
      // The input rows widened to int16.
      patches = (out.elements / f.shape[0]!) * Math.ceil(f.shape[1]! / 2) * 4 + 32;
    }
    if (op.op === 'DEPTHWISE_CONV_2D' && out && out.shape.length === 4 && f && f.shape.length === 4 && op.options.kind === 'depthwiseConv2d') {
      // Zero-point-padded int16 copy of the input: rows/cols the output's receptive fields span.
      const o = op.options;
      const rows = (out.shape[1]! - 1) * o.strideH + (f.shape[1]! - 1) * o.dilationH + 1;
      const cols = (out.shape[2]! - 1) * o.strideW + (f.shape[2]! - 1) * o.dilationW + 1;
      const input = graph.tensors[op.inputs[0] ?? -1];
      const inRows = input?.shape[1] ?? 0;
      const inCols = input?.shape[2] ?? 0;
      patches = Math.max((Math.max(rows, inRows) + rows) * (Math.max(cols, inCols) + cols) * out.shape[3]!, rows * cols * out.shape[3]! * 2 + 16);
    }
    need = Math.max(need, align16(patches) + align16(outAcc));
  }
  return need;
}

/** Per-op constant arrays the kernels keep in WebAssembly memory (requantization tables, packed weights). */
export function persistentBytes(graph: Graph): number {
  let need = 0;
  for (const op of graph.operators) {
    const out = op.outputs[0] !== undefined ? graph.tensors[op.outputs[0]] : undefined;
    const channels = out?.shape[out.shape.length - 1] ?? 0;
    // At least 1 KiB per op: lookup tables (256 int8 or float32 entries) and binary-op parameters.
    need += align16(Math.max(requantTableBytes(channels), 1024));
    // Weights packed for the `conv`/`gemm` kernels: filters in groups of 8, taps in pairs per kernel
    // row (or, after im2col, per whole window; or per fully-connected row); int16 for `gemm`.
    const f = graph.tensors[op.inputs[1] ?? -1];
    if (op.op === 'CONV_2D' && f && f.shape.length === 4) {
      const [n, kH, kW, c] = f.shape as [number, number, number, number];
      need += align16(Math.ceil(n / 8) * 32 * Math.max(kH * Math.ceil((kW * c) / 2), Math.ceil((kH * kW * c) / 2)));
    }
    if (op.op === 'DEPTHWISE_CONV_2D' && f && f.shape.length === 4) {
      // Tap pairs × blocks of 8 channels × 32 bytes, then two int32 offsets per pair; in row mode
      // the channels (and their requantization table) are tiled along the output row.
      const pairs = Math.ceil((f.shape[1]! * f.shape[2]!) / 2);
      const C = f.shape[3]!;
      const outW = out?.shape[2] ?? 0;
      const rowMode = op.options.kind === 'depthwiseConv2d' && out?.shape.length === 4 && depthwiseRowMode(C, outW, op.options.strideW);
      const lanes = rowMode ? C * outW : C;
      need += align16(pairs * Math.ceil(lanes / 8) * 32 + pairs * 8);
      if (rowMode) need += align16(requantTableBytes(lanes));
    }
    if (op.op === 'FULLY_CONNECTED' && f && f.shape.length === 2) need += align16(Math.ceil(f.shape[0]! / 8) * 32 * Math.ceil(f.shape[1]! / 2));
    // A constant operand of ADD/SUB/MUL spread to the output's shape (kernels/binary.ts).
    if ((op.op === 'ADD' || op.op === 'SUB' || op.op === 'MUL') && out && op.inputs.some((i) => graph.tensors[i]?.data)) need += align16(out.elements);
    if (op.op === 'SOFTMAX') need += SOFTMAX_TABLE_BYTES;
    // MEAN's table has one entry per output of a row (kernels/mean.ts), at most every output.
    if (op.op === 'MEAN' && out) need += align16(requantTableBytes(out.elements));
    // Their table of all (a, b) results on large tensors.
    if ((op.op === 'ADD' || op.op === 'SUB' || op.op === 'MUL') && out && out.elements >= TABLE_MIN_ELEMENTS) need += 65536;
  }
  return need;
}

export interface Allocation {
  memory: WebAssembly.Memory;
  simd: SimdKernels;
  tensors: (TensorData | null)[];
  scratch: Scratch;
  persistent: (bytes: number) => number;
}

function bumpAllocator(start: number, end: number): (bytes: number) => number {
  let at = start;
  return (bytes) => {
    const address = at;
    at += align16(bytes);
    if (at > end) throw new Error('internal: persistent kernel memory exhausted (persistentBytes underestimates)');
    return address;
  };
}

export function allocate(graph: Graph): Allocation {
  const { plannedBytes, buffers } = planArena(graph);
  const planned = new Map(buffers.map((b) => [b.tensor, b.offset]));
  // Layout: [reserved page][arena][constants and unplanned tensors][scratch]
  const arenaStart = RESERVED_BYTES;
  let next = arenaStart + align16(plannedBytes);
  const placement = new Map<number, number>();
  for (const t of graph.tensors) {
    if (planned.has(t.index)) continue;
    placement.set(t.index, next);
    next += align16(Math.max(4, bytesOf(t)));
  }
  const persistentStart = next;
  next += align16(persistentBytes(graph));
  const scratchStart = next;
  const scratchSize = align16(Math.max(16, scratchBytes(graph)));
  const { memory, kernels } = instantiate(scratchStart + scratchSize - RESERVED_BYTES);
  const buffer = memory.buffer;
  const tensors: (TensorData | null)[] = graph.tensors.map((t) => {
    const offset = planned.get(t.index);
    const address = offset !== undefined ? arenaStart + offset : placement.get(t.index)!;
    const d = views(t, buffer, address, bytesOf(t));
    if (t.data) d.bytes.set(t.data.subarray(0, d.bytes.length));
    return d;
  });
  return {
    memory,
    simd: kernels,
    tensors,
    scratch: { address: scratchStart, size: scratchSize, bytes: new Uint8Array(buffer, scratchStart, scratchSize), buffer },
    persistent: bumpAllocator(persistentStart, scratchStart),
  };
}
