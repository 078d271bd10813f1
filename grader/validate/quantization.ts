/**
 * Which conversion produced a model: the one question behind most rejections of learners' first
 * uploads. Pure: a Graph in, a diagnosis out. The TFLite converter leaves recognisable traces:
 *
 * - float32: float weights and activations, no quantization at all;
 * - dynamic-range (`optimizations=[DEFAULT]` without a representative dataset): int8 weights read
 *   straight by "hybrid" float kernels, float activations; weight tensors under 1,024 values stay
 *   float32 (the converter's size threshold), so such a model has float32 weights too;
 * - float16 (`supported_types=[tf.float16]`): float16 constants expanded by DEQUANTIZE ops into the
 *   float32 tensors the float kernels read;
 * - 16x8 (`EXPERIMENTAL_TFLITE_BUILTINS_ACTIVATIONS_INT16_WEIGHTS_INT8`): int16 activations, int8
 *   weights, int64 biases;
 * - full-integer int8, possibly wrapped in float QUANTIZE/DEQUANTIZE at the edges when the
 *   inference input/output types were left at float32;
 * - uint8 (TensorFlow 1 quantization-aware training), and partly quantized graphs where some ops
 *   fell back to float between int8 parts.
 */
import type { Graph, Operator, Tensor } from '../tflite/graph.js';
import { FLOAT_TYPES, type TensorType } from '../tflite/schema.js';

export type QuantizationKind = 'full-int8' | 'int8-float-io' | 'float32' | 'dynamic-range' | 'float16' | 'int16x8' | 'uint8' | 'mixed';

export interface QuantizationDiagnosis {
  kind: QuantizationKind;
  /** Weight tensors of CONV_2D / DEPTHWISE_CONV_2D / FULLY_CONNECTED / TRANSPOSE_CONV, by stored type. */
  weights: { total: number; byType: Partial<Record<TensorType, number>>; floatUnder1024: number };
  /** Activation tensors between the edge converters, by type. */
  activations: { total: number; byType: Partial<Record<TensorType, number>> };
  /** Types of the graph's inputs and outputs as uploaded. */
  inputTypes: TensorType[];
  outputTypes: TensorType[];
  /** DEQUANTIZE ops that expand constant weights (float16 or int8) at run time. */
  weightDequantizeOps: number;
  /** QUANTIZE at the graph's inputs and DEQUANTIZE at its outputs (float edges of an int8 model). */
  edgeOps: Operator[];
  /** Operators that read or write float tensors, apart from edge converters and weight expansion. */
  floatOps: Operator[];
}

/** Weight input position of the weighted ops. */
export const WEIGHTED_OPS: ReadonlyMap<string, { weight: number; bias: number; channelDim: number }> = new Map([
  ['CONV_2D', { weight: 1, bias: 2, channelDim: 0 }],
  ['DEPTHWISE_CONV_2D', { weight: 1, bias: 2, channelDim: 3 }],
  ['FULLY_CONNECTED', { weight: 1, bias: 2, channelDim: 0 }],
  ['TRANSPOSE_CONV', { weight: 1, bias: 3, channelDim: 0 }],
]);

/** Edge converters: QUANTIZE fed by a graph input, DEQUANTIZE feeding a graph output. */
export function isEdgeConverter(g: Graph, op: Operator): boolean {
  if (op.op === 'QUANTIZE') return op.inputs.every((i) => g.inputs.includes(i));
  if (op.op === 'DEQUANTIZE') return op.outputs.every((o) => g.outputs.includes(o));
  return false;
}

const isFloat = (t: TensorType) => FLOAT_TYPES.has(t);
const bump = (m: Partial<Record<TensorType, number>>, t: TensorType) => (m[t] = (m[t] ?? 0) + 1);

export function diagnoseQuantization(g: Graph): QuantizationDiagnosis {
  const producer = new Map<number, Operator>();
  for (const op of g.operators) for (const o of op.outputs) if (o >= 0) producer.set(o, op);
  // DEQUANTIZE of a constant: the float16 (or int8) weight expanded at run time.
  const weightDequantize = g.operators.filter((op) => op.op === 'DEQUANTIZE' && op.inputs.length > 0 && op.inputs.every((i) => i >= 0 && g.tensors[i]!.data !== null));
  const expanded = new Set(weightDequantize.flatMap((op) => op.outputs));
  const edgeOps = g.operators.filter((op) => isEdgeConverter(g, op) && !weightDequantize.includes(op));
  const edgeFloat = new Set<number>();
  for (const op of edgeOps) for (const t of op.op === 'QUANTIZE' ? op.inputs : op.outputs) edgeFloat.add(t);

  const weights = { total: 0, byType: {} as Partial<Record<TensorType, number>>, floatUnder1024: 0 };
  for (const op of g.operators) {
    const spec = WEIGHTED_OPS.get(op.op);
    const w = spec ? g.tensors[op.inputs[spec.weight] ?? -1] : undefined;
    if (!w) continue;
    // A weight expanded by DEQUANTIZE counts as what is stored in the file.
    const stored: Tensor = expanded.has(w.index) ? g.tensors[producer.get(w.index)!.inputs[0]!]! : w;
    if (!stored.data) continue;
    weights.total++;
    bump(weights.byType, stored.type);
    if (stored.type === 'float32' && stored.elements < 1024) weights.floatUnder1024++;
  }

  const used = new Set<number>([...g.inputs, ...g.outputs]);
  for (const op of g.operators) for (const i of [...op.inputs, ...op.outputs]) if (i >= 0) used.add(i);
  const activations = { total: 0, byType: {} as Partial<Record<TensorType, number>> };
  for (const i of used) {
    const t = g.tensors[i]!;
    if (t.data || expanded.has(i) || edgeFloat.has(i)) continue;
    // Shape operands of RESHAPE and friends are int32 index tensors, not activations.
    if (t.type === 'int32' || t.type === 'int64' || t.type === 'bool') continue;
    activations.total++;
    bump(activations.byType, t.type);
  }
  const floatOps = g.operators.filter(
    (op) => !edgeOps.includes(op) && !weightDequantize.includes(op) && [...op.inputs, ...op.outputs].some((i) => i >= 0 && !expanded.has(i) && isFloat(g.tensors[i]!.type) && !g.tensors[i]!.data),
  );

  const act = new Set(Object.keys(activations.byType) as TensorType[]);
  const floatActs = [...act].some(isFloat);
  const storedHalf = weightDequantize.some((op) => g.tensors[op.inputs[0]!]!.type === 'float16');
  let kind: QuantizationKind;
  if (act.has('int16')) kind = 'int16x8';
  else if (floatActs && act.has('int8')) kind = 'mixed';
  else if (floatActs) kind = storedHalf || (weights.byType.float16 ?? 0) > 0 ? 'float16' : (weights.byType.int8 ?? 0) > 0 ? 'dynamic-range' : 'float32';
  else if (act.has('uint8')) kind = 'uint8';
  else kind = edgeOps.length ? 'int8-float-io' : 'full-int8';

  return {
    kind,
    weights,
    activations,
    inputTypes: g.inputs.map((i) => g.tensors[i]!.type),
    outputTypes: g.outputs.map((i) => g.tensors[i]!.type),
    weightDequantizeOps: weightDequantize.length,
    edgeOps,
    floatOps,
  };
}

/**
 * A graph as it would be after full-integer conversion, for size estimates: every activation one
 * byte wide, and weights expanded by DEQUANTIZE (float16) constant again instead of taking arena.
 */
export function asInt8Activations(g: Graph): Graph {
  const expanded = new Set(g.operators.filter((op) => op.op === 'DEQUANTIZE' && op.inputs.every((i) => i >= 0 && g.tensors[i]!.data !== null)).flatMap((op) => op.outputs));
  return {
    ...g,
    tensors: g.tensors.map((t) => {
      if (expanded.has(t.index)) return { ...t, data: new Uint8Array(0) };
      return t.data || t.type === 'int32' || t.type === 'int64' || t.type === 'bool' ? t : { ...t, type: 'int8' as const };
    }),
  };
}

/**
 * Flash a full-integer conversion would take, estimated from this file: float32 weights become int8
 * (a quarter), float32 biases int32 (same size), float16 weights int8 (half) and float16 biases int32
 * (double), int64 biases int32; quantized weights and biases gain a scale and zero point per channel.
 */
export function int8FlashEstimate(g: Graph): number {
  const producer = new Map<number, Operator>();
  for (const op of g.operators) for (const o of op.outputs) if (o >= 0) producer.set(o, op);
  // The stored constant behind an input (through a weight DEQUANTIZE).
  const stored = (i: number) => {
    const p = producer.get(i);
    return p?.op === 'DEQUANTIZE' && g.tensors[p.inputs[0] ?? -1]?.data ? p.inputs[0]! : i;
  };
  const biases = new Set<number>();
  let saved = 0;
  for (const op of g.operators) {
    const spec = WEIGHTED_OPS.get(op.op);
    if (!spec) continue;
    const b = op.inputs[spec.bias] ?? -1;
    if (b >= 0) biases.add(stored(b));
    // Quantizing adds a float32 scale and an int64 zero point per channel (per tensor for dense
    // layers) to the weights and to the bias.
    const w = g.tensors[stored(op.inputs[spec.weight] ?? -1)];
    const channels = op.op === 'FULLY_CONNECTED' ? 1 : (w?.shape[spec.channelDim] ?? 1);
    if (w?.data && (w.type === 'float32' || w.type === 'float16')) saved -= 2 * 12 * channels;
  }
  for (const t of g.tensors) {
    if (!t.data) continue;
    const n = t.data.length;
    const bias = biases.has(t.index);
    if (t.type === 'float32' && !bias) saved += (n * 3) / 4;
    else if (t.type === 'float16') saved += bias ? -n : n / 2;
    else if (t.type === 'int64' && bias) saved += n / 2;
  }
  return Math.max(0, Math.round(g.sizeBytes - saved));
}
