/**
 * The TFLite converter's other outputs, made from the shared models without TensorFlow: a parsed
 * model is turned back into a `ModelDef` (tflite-builder.ts) and rewritten the way the converter
 * would have written it:
 *
 * - `float32`: every weight float32 (int8 weights dequantized with their scales);
 * - `dynamicRange`: weights of 1,024 values or more int8 (symmetric, per channel for convolutions),
 *   the rest float, as `optimizations=[DEFAULT]` without a representative dataset does;
 * - `float16`: float16 constants expanded by DEQUANTIZE ops (`supported_types=[tf.float16]`);
 * - `int16x8`: int16 activations (zero point 0), int8 weights, int64 biases, from an int8 model;
 * - `floatEdges`: an int8 model wrapped in QUANTIZE/DEQUANTIZE (inference types left at float32).
 *
 * Only what preflight reads has to be right (types, shapes, quantization, op wiring, options); the
 * numbers are faithful too, so the models stay meaningful.
 */
import type { Graph, OperatorOptions, Tensor } from '../../grader/tflite/graph.js';
import { parseModel } from '../../grader/tflite/parse.js';
import { ACTIVATIONS, PADDINGS } from '../../grader/tflite/schema.js';
import { WEIGHTED_OPS } from '../../grader/validate/quantization.js';
import { buildModel, type ModelDef, type OpDef, type TensorDef } from '../../grader/tflite/builder.js';

function optionsOf(o: OperatorOptions): OpDef['options'] {
  const pad = (p: string) => PADDINGS.indexOf(p as never);
  const act = (a: string) => ACTIVATIONS.indexOf(a as never);
  switch (o.kind) {
    case 'conv2d':
      return { union: 'Conv2DOptions', int8: { 0: pad(o.padding), 3: act(o.activation) }, int32: { 1: o.strideW, 2: o.strideH, 4: o.dilationW, 5: o.dilationH } };
    case 'depthwiseConv2d':
      return { union: 'DepthwiseConv2DOptions', int8: { 0: pad(o.padding), 4: act(o.activation) }, int32: { 1: o.strideW, 2: o.strideH, 3: o.depthMultiplier, 5: o.dilationW, 6: o.dilationH } };
    case 'pool2d':
      return { union: 'Pool2DOptions', int8: { 0: pad(o.padding), 5: act(o.activation) }, int32: { 1: o.strideW, 2: o.strideH, 3: o.filterW, 4: o.filterH } };
    case 'fullyConnected':
      return { union: 'FullyConnectedOptions', int8: { 0: act(o.activation), 1: o.weightsFormat, 2: o.keepNumDims ? 1 : 0, 3: o.asymmetricQuantizeInputs ? 1 : 0 } };
    case 'softmax':
      return { union: 'SoftmaxOptions', float: { 0: o.beta } };
    default:
      // RESHAPE reads its shape from its second input in these models; nothing else is used.
      return undefined;
  }
}

/** A parsed model as a builder definition (main subgraph). */
export function modelDefOf(g: Graph): ModelDef {
  return {
    tensors: g.tensors.map((t) => ({
      name: t.name,
      shape: t.shape,
      type: t.type,
      ...(t.data ? { data: t.data.slice() } : {}),
      ...(t.quantization ? { quant: { scale: Array.from(t.quantization.scale), zeroPoint: [...t.quantization.zeroPoint], dim: t.quantization.quantizedDimension } } : {}),
    })),
    ops: g.operators.map((op) => {
      const options = optionsOf(op.options);
      return { op: op.op, version: op.version, inputs: op.inputs, outputs: op.outputs, ...(options ? { options } : {}) };
    }),
    inputs: g.inputs,
    outputs: g.outputs,
  };
}

const floats = (t: Pick<Tensor, 'data'> | TensorDef): Float32Array => {
  const d = t.data!;
  return new Float32Array(d.buffer.slice(d.byteOffset, d.byteOffset + d.byteLength));
};
const bytesOf = (a: Float32Array | Int8Array | Int16Array | BigInt64Array | Uint16Array) => new Uint8Array(a.buffer.slice(a.byteOffset, a.byteOffset + a.byteLength));

/** Weight and bias tensor indices of the weighted ops, with the channel dimension of each weight. */
function weightsOf(def: ModelDef): { weights: Map<number, number>; biases: Set<number> } {
  const weights = new Map<number, number>();
  const biases = new Set<number>();
  for (const op of def.ops) {
    const spec = WEIGHTED_OPS.get(op.op);
    if (!spec) continue;
    weights.set(op.inputs[spec.weight]!, op.op === 'FULLY_CONNECTED' ? -1 : spec.channelDim);
    const b = op.inputs[spec.bias] ?? -1;
    if (b >= 0) biases.add(b);
  }
  return { weights, biases };
}

/** Dequantize every int8 weight to float32 (the float model the converter started from). */
export function float32(g: Graph): ModelDef {
  const def = modelDefOf(g);
  for (const t of def.tensors) {
    if (!t.data || t.type !== 'int8' || !t.quant) continue;
    const q = new Int8Array(t.data.buffer, t.data.byteOffset, t.data.length);
    const dim = t.quant.scale.length > 1 ? (t.quant.dim ?? 0) : -1;
    const inner = dim < 0 ? 1 : t.shape.slice(dim + 1).reduce((a, b) => a * b, 1);
    const channels = dim < 0 ? 1 : t.shape[dim]!;
    const out = new Float32Array(q.length);
    for (let i = 0; i < q.length; i++) out[i] = q[i]! * t.quant.scale[dim < 0 ? 0 : Math.floor(i / inner) % channels]!;
    t.type = 'float32';
    t.data = bytesOf(out);
    delete t.quant;
  }
  return def;
}

/** Symmetric int8 with one scale per channel along `dim` (-1: per tensor). */
function quantizeSymmetric(values: Float32Array, shape: number[], dim: number): { data: Uint8Array; scale: number[] } {
  const channels = dim < 0 ? 1 : shape[dim]!;
  const inner = dim < 0 ? values.length : shape.slice(dim + 1).reduce((a, b) => a * b, 1);
  const ch = (i: number) => (dim < 0 ? 0 : Math.floor(i / inner) % channels);
  const max = new Float64Array(channels);
  values.forEach((v, i) => (max[ch(i)] = Math.max(max[ch(i)]!, Math.abs(v))));
  const scale = Array.from(max, (m) => (m > 0 ? m / 127 : 1));
  const q = new Int8Array(values.length);
  values.forEach((v, i) => (q[i] = Math.max(-127, Math.min(127, Math.round(v / scale[ch(i)]!)))));
  return { data: bytesOf(q), scale };
}

/** Dynamic-range quantization: weights with ≥ 1,024 values become int8; activations stay float. */
export function dynamicRange(g: Graph): ModelDef {
  const def = float32(g);
  for (const [i, dim] of weightsOf(def).weights) {
    const t = def.tensors[i]!;
    if (t.type !== 'float32' || !t.data || t.data.length / 4 < 1024) continue;
    const { data, scale } = quantizeSymmetric(floats(t), t.shape, dim);
    Object.assign(t, { type: 'int8', data, quant: { scale, zeroPoint: scale.map(() => 0), dim: Math.max(0, dim) } });
  }
  return def;
}

/** IEEE half from a float (round to nearest even; enough for weights). */
function toHalf(x: number): number {
  const f = new Float32Array([x]);
  const u = new Uint32Array(f.buffer)[0]!;
  const sign = (u >>> 16) & 0x8000;
  const exp = ((u >>> 23) & 0xff) - 127 + 15;
  const mant = u & 0x7fffff;
  if (exp <= 0) return sign;
  if (exp >= 31) return sign | 0x7c00;
  let h = sign | (exp << 10) | (mant >>> 13);
  if ((mant & 0x1fff) > 0x1000 || ((mant & 0x1fff) === 0x1000 && h & 1)) h++;
  return h;
}

/** float16 quantization: float16 constants, each expanded by a DEQUANTIZE op into the float32 tensor the op reads. */
export function float16(g: Graph): ModelDef {
  const def = float32(g);
  const ops: OpDef[] = [];
  const n = def.tensors.length;
  for (let i = 0; i < n; i++) {
    const t = def.tensors[i]!;
    if (t.type !== 'float32' || !t.data) continue;
    const half = Uint16Array.from(floats(t), toHalf);
    const stored = def.tensors.push({ name: `${t.name}_fp16`, shape: t.shape, type: 'float16', data: bytesOf(half) }) - 1;
    delete t.data; // the float32 tensor becomes the DEQUANTIZE output
    ops.push({ op: 'DEQUANTIZE', version: 3, inputs: [stored], outputs: [i] });
  }
  def.ops = [...ops, ...def.ops];
  return def;
}

/** 16x8 quantization of an int8 model: int16 activations with zero point 0, int64 biases. */
export function int16x8(g: Graph): ModelDef {
  const def = modelDefOf(g);
  const { biases } = weightsOf(def);
  for (const [i, t] of def.tensors.entries()) {
    if (biases.has(i) && t.data && t.type === 'int32') {
      const v = new Int32Array(t.data.buffer.slice(t.data.byteOffset, t.data.byteOffset + t.data.byteLength));
      t.type = 'int64';
      t.data = bytesOf(BigInt64Array.from(v, (x) => BigInt(x)));
    } else if (!t.data && t.type === 'int8' && t.quant) {
      // Same range, 256 times finer, symmetric.
      t.type = 'int16';
      t.quant = { scale: t.quant.scale.map((s) => s / 256), zeroPoint: [0] };
    }
  }
  return def;
}

/** An int8 model with float input and output: QUANTIZE in front, DEQUANTIZE behind. */
export function floatEdges(g: Graph): ModelDef {
  const def = modelDefOf(g);
  const inputs = def.inputs.map((i) => def.tensors.push({ name: `${def.tensors[i]!.name}_float`, shape: def.tensors[i]!.shape, type: 'float32' }) - 1);
  const outputs = def.outputs.map((o) => def.tensors.push({ name: `${def.tensors[o]!.name}_float`, shape: def.tensors[o]!.shape, type: 'float32' }) - 1);
  def.ops = [...def.inputs.map((i, k) => ({ op: 'QUANTIZE', version: 1, inputs: [inputs[k]!], outputs: [i] })), ...def.ops, ...def.outputs.map((o, k) => ({ op: 'DEQUANTIZE', version: 2, inputs: [o], outputs: [outputs[k]!] }))];
  def.inputs = inputs;
  def.outputs = outputs;
  return def;
}

/** Parse, convert, write. */
export const convert = (bytes: Uint8Array, fn: (g: Graph) => ModelDef): Uint8Array => buildModel(fn(parseModel(bytes)));
