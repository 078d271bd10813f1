/**
 * Tensor-arena estimate by TensorFlow Lite Micro's rules.
 *
 * Planned (non-persistent) area: every non-constant, non-variable tensor gets a lifetime (graph inputs
 * from step 0; an op's outputs from its step; inputs until the last step that reads them; graph
 * outputs until the end), its size rounded up to 16 bytes, and TFLM's GreedyMemoryPlanner places them:
 * largest first (ties: later tensors first, as TFLM's stable sort of a reversed list does), each at the
 * lowest offset that does not collide with a buffer alive at the same time. Kernel scratch buffers are
 * not included (they depend on the kernel library, e.g. CMSIS-NN im2col).
 *
 * Persistent area: an estimate of what TFLM allocates for the model's bookkeeping on a 32-bit MCU
 * (see PERSISTENT below); the board's own report (`x-model commit`) is the final word.
 */
import type { Graph } from '../tflite/graph.js';
import { tensorByteSize } from '../tflite/schema.js';

const ALIGN = 16;
const alignUp = (n: number) => Math.ceil(n / ALIGN) * ALIGN;

/** Bytes TFLM keeps per item on a 32-bit MCU (documented estimates, rounded up). */
export const PERSISTENT = {
  /** TfLiteEvalTensor (data pointer, dims pointer, type). */
  perTensor: 12,
  /** TfLiteNode + registration pointer + parsed builtin options. */
  perOperator: 96,
  /** Kernel OpData (quantized multipliers, offsets, clamps). */
  perKernelData: 64,
  /** Per-channel multiplier and shift (int32 each) of conv/depthwise/fully-connected outputs. */
  perOutputChannel: 8,
  /** TfLiteTensor kept for each graph input and output. */
  perGraphIo: 64,
  /** Interpreter, allocator and subgraph bookkeeping. */
  fixed: 1024,
} as const;

export interface PlannedBuffer {
  tensor: number;
  size: number;
  offset: number;
  firstUse: number;
  lastUse: number;
}

export interface ArenaEstimate {
  /** Peak of the greedy plan for activations (bytes). */
  plannedBytes: number;
  persistentBytes: number;
  /** plannedBytes + persistentBytes. */
  totalBytes: number;
  buffers: PlannedBuffer[];
}

const tensorBytes = (graph: Graph, index: number): number => tensorByteSize(graph.tensors[index]!);

/** Lifetimes as TFLM's AllocationInfoBuilder marks them (scope 0 = before the first op). */
export function tensorLifetimes(graph: Graph): { first: Int32Array; last: Int32Array } {
  const n = graph.tensors.length;
  const first = new Int32Array(n).fill(-1);
  const last = new Int32Array(n).fill(-1);
  const created = (i: number, s: number) => {
    if (first[i] === -1) first[i] = s;
  };
  for (const i of graph.inputs) {
    created(i, 0);
    last[i] = 0;
  }
  let scope = 0;
  for (const op of graph.operators) {
    scope++;
    for (const o of op.outputs) created(o, scope);
    for (const i of op.inputs) if (i >= 0) last[i] = scope;
    for (const o of op.outputs) last[o] = scope;
  }
  for (const o of graph.outputs) {
    created(o, scope);
    last[o] = scope;
  }
  return { first, last };
}

/** The greedy plan over non-constant tensors. */
export function planArena(graph: Graph): { plannedBytes: number; buffers: PlannedBuffer[] } {
  const { first, last } = tensorLifetimes(graph);
  const wanted: { tensor: number; size: number; firstUse: number; lastUse: number }[] = [];
  for (const t of graph.tensors) {
    const bytes = tensorBytes(graph, t.index);
    if (t.data || t.isVariable || bytes === 0 || first[t.index] === -1) continue;
    wanted.push({ tensor: t.index, size: alignUp(bytes), firstUse: first[t.index]!, lastUse: last[t.index]! });
  }
  // TFLM fills its sort array from the tail, then stable-sorts by size descending.
  const order = wanted.slice().reverse();
  order.sort((a, b) => b.size - a.size);

  const placed: PlannedBuffer[] = []; // kept sorted by offset
  for (const w of order) {
    let candidate = 0;
    for (const p of placed) {
      if (p.firstUse > w.lastUse || w.firstUse > p.lastUse) continue;
      if (p.offset - candidate >= w.size) break;
      candidate = Math.max(candidate, p.offset + p.size);
    }
    const entry = { ...w, offset: candidate };
    let at = placed.findIndex((p) => p.offset > candidate);
    if (at === -1) at = placed.length;
    placed.splice(at, 0, entry);
  }
  let plannedBytes = 0;
  for (const p of placed) plannedBytes = Math.max(plannedBytes, p.offset + p.size);
  return { plannedBytes, buffers: placed.sort((a, b) => a.tensor - b.tensor) };
}

// Conv kernels always keep per-channel multipliers; fully-connected only when its weights are per-channel.
const PER_CHANNEL_OPS = new Set(['CONV_2D', 'DEPTHWISE_CONV_2D', 'TRANSPOSE_CONV']);

export function estimateArena(graph: Graph): ArenaEstimate {
  const { plannedBytes, buffers } = planArena(graph);
  let persistent = PERSISTENT.fixed + PERSISTENT.perTensor * graph.tensors.length + PERSISTENT.perGraphIo * (graph.inputs.length + graph.outputs.length);
  for (const op of graph.operators) {
    persistent += PERSISTENT.perOperator + PERSISTENT.perKernelData;
    const out = op.outputs[0] !== undefined ? graph.tensors[op.outputs[0]] : undefined;
    const weights = op.inputs[1] !== undefined && op.inputs[1] >= 0 ? graph.tensors[op.inputs[1]] : undefined;
    const perChannel = PER_CHANNEL_OPS.has(op.op) || (op.op === 'FULLY_CONNECTED' && (weights?.quantization?.scale.length ?? 0) > 1);
    if (perChannel && out) persistent += PERSISTENT.perOutputChannel * (out.shape[out.shape.length - 1] ?? 1);
  }
  for (const t of graph.tensors) if (t.isVariable) persistent += alignUp(tensorBytes(graph, t.index));
  persistent = alignUp(persistent);
  return { plannedBytes, persistentBytes: persistent, totalBytes: plannedBytes + persistent, buffers };
}
