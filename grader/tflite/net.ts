/**
 * A small graph-building language for the model zoo (bench/zoo) and the inference threads' warm-up
 * (grader/inference/warm-up.ts): layers as a Keras user writes them, turned into the int8 tensors and
 * operators the TFLite converter emits (per-channel symmetric convolution weights, int32 biases at
 * input·weight scale, asymmetric activations, fused ReLU/ReLU6, converter-style QUANTIZE before a
 * CONCATENATION of differently quantized branches).
 *
 * Weights are seeded random (He-style variance, per-channel spread); activation ranges are set from
 * the propagated root-mean-square of the real values, as a calibration pass would roughly set them,
 * so that random inputs give activations that use the int8 range instead of saturating or dying.
 */
import { seededRng, type Rng } from '../../lib/rng.js';
import { buildModel, type ModelDef, type OpDef, type TensorDef } from './builder.js';

export type Act = 'NONE' | 'RELU' | 'RELU6';
export type Pad = 'SAME' | 'VALID';
type Pair = number | [number, number];

/** A tensor of the graph being built: index, shape, quantization and the RMS of its real values. */
export interface T {
  id: number;
  shape: number[];
  scale: number;
  zp: number;
  /** Root mean square of the real values it carries (for setting downstream ranges). */
  rms: number;
  type: 'int8' | 'float32';
}

const ACT_CODE: Record<Act, number> = { NONE: 0, RELU: 1, RELU6: 3 };
const pair = (p: Pair): [number, number] => (typeof p === 'number' ? [p, p] : p);
const f32 = Math.fround;
const prod = (xs: number[]) => xs.reduce((a, b) => a * b, 1);

function outSize(pad: Pad, n: number, k: number, stride: number, dilation: number): number {
  const eff = (k - 1) * dilation + 1;
  return pad === 'SAME' ? Math.ceil(n / stride) : Math.floor((n - eff) / stride) + 1;
}

export class Net {
  private readonly tensors: TensorDef[] = [];
  private readonly ops: OpDef[] = [];
  private readonly ins: number[] = [];
  private readonly outs: number[] = [];
  private readonly rng: Rng;

  constructor(
    readonly name: string,
    seed: number,
  ) {
    this.rng = seededRng(seed);
  }

  private tensor(def: TensorDef): number {
    return this.tensors.push({ name: def.name ?? `${this.name}/t${this.tensors.length}`, ...def }) - 1;
  }

  /** An int8 activation tensor whose real values span [lo, hi]. */
  private act(shape: number[], lo: number, hi: number, rms: number): T {
    lo = Math.min(lo, 0);
    hi = Math.max(hi, lo + 1e-3);
    const scale = f32((hi - lo) / 255);
    const zp = Math.max(-128, Math.min(127, Math.round(-128 - lo / scale)));
    return this.actQ(shape, scale, zp, rms);
  }

  private actQ(shape: number[], scale: number, zp: number, rms: number): T {
    const id = this.tensor({ shape, type: 'int8', quant: { scale: [scale], zeroPoint: [zp] } });
    return { id, shape, scale: f32(scale), zp, rms, type: 'int8' };
  }

  private like(x: T, shape: number[]): T {
    return this.actQ(shape, x.scale, x.zp, x.rms);
  }

  /** Range of a fused activation applied to values of RMS `sigma`. */
  private actRange(act: Act, sigma: number): { lo: number; hi: number; rms: number } {
    if (act === 'NONE') return { lo: -4 * sigma, hi: 4 * sigma, rms: sigma };
    const hi = act === 'RELU6' ? Math.min(6, 4 * sigma) : 4 * sigma;
    return { lo: 0, hi, rms: Math.min(sigma, hi) / Math.SQRT2 };
  }

  private op(op: string, version: number, inputs: number[], outputs: number[], options?: OpDef['options']): void {
    this.ops.push({ op, version, inputs, outputs, ...(options ? { options } : {}) });
  }

  private int32Const(values: number[], shape = [values.length]): number {
    return this.tensor({ shape, type: 'int32', data: new Uint8Array(Int32Array.from(values).buffer) });
  }

  /** Per-channel symmetric int8 weights ([channels][perChannel] float, He-style), with their scales. */
  private weights(channels: number, perChannel: number, fanIn: number, gain: number): { q: Int8Array; scales: number[] } {
    const q = new Int8Array(channels * perChannel);
    const scales: number[] = [];
    for (let c = 0; c < channels; c++) {
      const a = Math.sqrt((3 * gain) / fanIn) * this.rng.range(0.5, 1.5);
      const w = Array.from({ length: perChannel }, () => this.rng.range(-a, a));
      const max = Math.max(...w.map(Math.abs), 1e-6);
      const s = f32(max / 127);
      scales.push(s);
      w.forEach((v, k) => (q[c * perChannel + k] = Math.round(v / s)));
    }
    return { q, scales };
  }

  private bias(x: T, scales: number[], sigma: number): number {
    const values = scales.map((s) => Math.round((this.rng.gauss() * 0.2 * sigma) / (x.scale * s)));
    return this.tensor({ shape: [scales.length], type: 'int32', data: new Uint8Array(Int32Array.from(values).buffer), quant: { scale: scales.map((s) => x.scale * s), zeroPoint: scales.map(() => 0) } });
  }

  // ───────────────────────── inputs and outputs ─────────────────────────

  /** A model input; int8 by default (real values spanning [lo, hi]), or float32. */
  input(shape: number[], range: [number, number] = [-1, 1], type: 'int8' | 'float32' = 'int8'): T {
    const rms = Math.max(Math.abs(range[0]), Math.abs(range[1])) / Math.sqrt(3);
    let t: T;
    if (type === 'float32') {
      const id = this.tensor({ shape, type: 'float32' });
      t = { id, shape, scale: 1, zp: 0, rms, type };
    } else {
      t = this.act(shape, range[0], range[1], rms);
    }
    this.ins.push(t.id);
    return t;
  }

  output(t: T): void {
    this.outs.push(t.id);
  }

  /** float32 → int8 (QUANTIZE), over the real range [lo, hi]. */
  quantize(x: T, range: [number, number]): T {
    const y = this.act(x.shape, range[0], range[1], x.rms);
    this.op('QUANTIZE', 2, [x.id], [y.id]);
    return y;
  }

  /** int8 → float32 (DEQUANTIZE). */
  dequantize(x: T): T {
    const id = this.tensor({ shape: x.shape, type: 'float32' });
    this.op('DEQUANTIZE', 2, [x.id], [id]);
    return { id, shape: x.shape, scale: 1, zp: 0, rms: x.rms, type: 'float32' };
  }

  /** int8 → int8 with other quantization (QUANTIZE as a requantization). */
  requantize(x: T, scale: number, zp: number): T {
    const y = this.actQ(x.shape, scale, zp, x.rms);
    this.op('QUANTIZE', 2, [x.id], [y.id]);
    return y;
  }

  /** A constant int8 tensor of real values (per-tensor quantization over their range). */
  constant(shape: number[], values: number[]): T {
    const lo = Math.min(0, ...values);
    const hi = Math.max(lo + 1e-3, ...values);
    const scale = f32((hi - lo) / 255);
    const zp = Math.max(-128, Math.min(127, Math.round(-128 - lo / scale)));
    const q = Int8Array.from(values, (v) => Math.max(-128, Math.min(127, Math.round(v / scale) + zp)));
    const id = this.tensor({ shape, type: 'int8', data: new Uint8Array(q.buffer), quant: { scale: [scale], zeroPoint: [zp] } });
    const rms = Math.sqrt(values.reduce((a, v) => a + v * v, 0) / values.length);
    return { id, shape, scale, zp, rms, type: 'int8' };
  }

  // ───────────────────────── layers with weights ─────────────────────────

  conv(x: T, o: { filters: number; kernel: Pair; stride?: Pair; dilation?: Pair; padding?: Pad; act?: Act }): T {
    const [n, h, w, c] = x.shape as [number, number, number, number];
    const [kh, kw] = pair(o.kernel);
    const [sh, sw] = pair(o.stride ?? 1);
    const [dh, dw] = pair(o.dilation ?? 1);
    const pad = o.padding ?? 'SAME';
    const act = o.act ?? 'RELU';
    const fanIn = kh * kw * c;
    const { q, scales } = this.weights(o.filters, fanIn, fanIn, act === 'NONE' ? 1 : 2);
    const sigma = x.rms * Math.sqrt(act === 'NONE' ? 1 : 2);
    const filter = this.tensor({ shape: [o.filters, kh, kw, c], type: 'int8', data: new Uint8Array(q.buffer), quant: { scale: scales, zeroPoint: scales.map(() => 0), dim: 0 } });
    const bias = this.bias(x, scales, sigma);
    const r = this.actRange(act, sigma);
    const y = this.act([n, outSize(pad, h, kh, sh, dh), outSize(pad, w, kw, sw, dw), o.filters], r.lo, r.hi, r.rms);
    this.op('CONV_2D', 3, [x.id, filter, bias], [y.id], { union: 'Conv2DOptions', int8: { 0: pad === 'SAME' ? 0 : 1, 3: ACT_CODE[act] }, int32: { 1: sw, 2: sh, 4: dw, 5: dh } });
    return y;
  }

  depthwise(x: T, o: { kernel: Pair; multiplier?: number; stride?: Pair; dilation?: Pair; padding?: Pad; act?: Act }): T {
    const [n, h, w, c] = x.shape as [number, number, number, number];
    const [kh, kw] = pair(o.kernel);
    const [sh, sw] = pair(o.stride ?? 1);
    const [dh, dw] = pair(o.dilation ?? 1);
    const m = o.multiplier ?? 1;
    const pad = o.padding ?? 'SAME';
    const act = o.act ?? 'RELU';
    const outC = c * m;
    const taps = kh * kw;
    // Generated per output channel, stored [1, kh, kw, outC] (channel innermost).
    const { q: perChannel, scales } = this.weights(outC, taps, taps, act === 'NONE' ? 1 : 2);
    const q = new Int8Array(taps * outC);
    for (let oc = 0; oc < outC; oc++) for (let t = 0; t < taps; t++) q[t * outC + oc] = perChannel[oc * taps + t]!;
    const sigma = x.rms * Math.sqrt(act === 'NONE' ? 1 : 2);
    const filter = this.tensor({ shape: [1, kh, kw, outC], type: 'int8', data: new Uint8Array(q.buffer), quant: { scale: scales, zeroPoint: scales.map(() => 0), dim: 3 } });
    const bias = this.bias(x, scales, sigma);
    const r = this.actRange(act, sigma);
    const y = this.act([n, outSize(pad, h, kh, sh, dh), outSize(pad, w, kw, sw, dw), outC], r.lo, r.hi, r.rms);
    this.op('DEPTHWISE_CONV_2D', 3, [x.id, filter, bias], [y.id], { union: 'DepthwiseConv2DOptions', int8: { 0: pad === 'SAME' ? 0 : 1, 4: ACT_CODE[act] }, int32: { 1: sw, 2: sh, 3: m, 5: dw, 6: dh } });
    return y;
  }

  /** FULLY_CONNECTED with per-tensor weights (as the converter emits them); input [batch, depth]. */
  dense(x: T, o: { units: number; act?: Act }): T {
    const depth = x.shape[x.shape.length - 1]!;
    const batch = prod(x.shape) / depth;
    const act = o.act ?? 'RELU';
    const { q, scales } = this.weights(o.units, depth, depth, act === 'NONE' ? 1 : 2);
    // Per-tensor: requantize every row to the largest scale.
    const s = Math.max(...scales);
    const wq = Int8Array.from(q, (v, i) => Math.round((v * scales[Math.floor(i / depth)]!) / s));
    const sigma = x.rms * Math.sqrt(act === 'NONE' ? 1 : 2);
    const filter = this.tensor({ shape: [o.units, depth], type: 'int8', data: new Uint8Array(wq.buffer), quant: { scale: [s], zeroPoint: [0] } });
    const biasValues = Array.from({ length: o.units }, () => Math.round((this.rng.gauss() * 0.2 * sigma) / (x.scale * s)));
    const bias = this.tensor({ shape: [o.units], type: 'int32', data: new Uint8Array(Int32Array.from(biasValues).buffer), quant: { scale: [x.scale * s], zeroPoint: [0] } });
    const r = this.actRange(act, sigma);
    const y = this.act([batch, o.units], r.lo, r.hi, r.rms);
    this.op('FULLY_CONNECTED', 4, [x.id, filter, bias], [y.id], { union: 'FullyConnectedOptions', int8: { 0: ACT_CODE[act] } });
    return y;
  }

  // ───────────────────────── element-wise ─────────────────────────

  private broadcastShape(a: number[], b: number[]): number[] {
    const rank = Math.max(a.length, b.length);
    const pa = [...Array<number>(rank - a.length).fill(1), ...a];
    const pb = [...Array<number>(rank - b.length).fill(1), ...b];
    return pa.map((d, i) => Math.max(d, pb[i]!));
  }

  add(a: T, b: T, act: Act = 'NONE'): T {
    const r = this.actRange(act, Math.hypot(a.rms, b.rms));
    const y = this.act(this.broadcastShape(a.shape, b.shape), r.lo, r.hi, r.rms);
    this.op('ADD', 2, [a.id, b.id], [y.id], { union: 'AddOptions', int8: { 0: ACT_CODE[act] } });
    return y;
  }

  sub(a: T, b: T, act: Act = 'NONE'): T {
    const r = this.actRange(act, Math.hypot(a.rms, b.rms));
    const y = this.act(this.broadcastShape(a.shape, b.shape), r.lo, r.hi, r.rms);
    this.op('SUB', 2, [a.id, b.id], [y.id], { union: 'SubOptions', int8: { 0: ACT_CODE[act] } });
    return y;
  }

  mul(a: T, b: T, act: Act = 'NONE'): T {
    const r = this.actRange(act, a.rms * b.rms * 1.5);
    const y = this.act(this.broadcastShape(a.shape, b.shape), r.lo, r.hi, r.rms);
    this.op('MUL', 2, [a.id, b.id], [y.id], { union: 'MulOptions', int8: { 0: ACT_CODE[act] } });
    return y;
  }

  relu(x: T): T {
    const y = this.act(x.shape, 0, 4 * x.rms, x.rms / Math.SQRT2);
    this.op('RELU', 2, [x.id], [y.id]);
    return y;
  }

  /** RELU6 keeps the input's quantization (TFLM clamps raw values, desktop TFLite requantizes: the same then). */
  relu6(x: T): T {
    const y = this.like(x, x.shape);
    this.op('RELU6', 2, [x.id], [y.id]);
    return y;
  }

  leakyRelu(x: T, alpha = 0.1): T {
    const y = this.act(x.shape, -4 * alpha * x.rms, 4 * x.rms, x.rms * 0.75);
    this.op('LEAKY_RELU', 2, [x.id], [y.id], { union: 'LeakyReluOptions', float: { 0: alpha } });
    return y;
  }

  logistic(x: T): T {
    const y = this.actQ(x.shape, 1 / 256, -128, 0.55);
    this.op('LOGISTIC', 2, [x.id], [y.id]);
    return y;
  }

  tanh(x: T): T {
    const y = this.actQ(x.shape, 1 / 128, 0, 0.6);
    this.op('TANH', 2, [x.id], [y.id]);
    return y;
  }

  hardSwish(x: T): T {
    const y = this.act(x.shape, -0.375, 4 * x.rms, x.rms * 0.7);
    this.op('HARD_SWISH', 1, [x.id], [y.id]);
    return y;
  }

  softmax(x: T): T {
    const y = this.actQ(x.shape, 1 / 256, -128, 0.3);
    this.op('SOFTMAX', 2, [x.id], [y.id], { union: 'SoftmaxOptions', float: { 0: 1 } });
    return y;
  }

  // ───────────────────────── pooling and reductions ─────────────────────────

  private pool(kind: 'AVERAGE_POOL_2D' | 'MAX_POOL_2D', x: T, size: Pair, stride: Pair, padding: Pad): T {
    const [n, h, w, c] = x.shape as [number, number, number, number];
    const [fh, fw] = pair(size);
    const [sh, sw] = pair(stride);
    const y = this.like(x, [n, outSize(padding, h, fh, sh, 1), outSize(padding, w, fw, sw, 1), c]);
    this.op(kind, 2, [x.id], [y.id], { union: 'Pool2DOptions', int8: { 0: padding === 'SAME' ? 0 : 1, 5: 0 }, int32: { 1: sw, 2: sh, 3: fw, 4: fh } });
    return y;
  }

  avgPool(x: T, size: Pair, stride: Pair = size, padding: Pad = 'VALID'): T {
    return this.pool('AVERAGE_POOL_2D', x, size, stride, padding);
  }

  maxPool(x: T, size: Pair, stride: Pair = size, padding: Pad = 'VALID'): T {
    return this.pool('MAX_POOL_2D', x, size, stride, padding);
  }

  /** MEAN over `axes` (its own output quantization, as a calibrated converter gives it). */
  mean(x: T, axes: number[], keepDims: boolean): T {
    const shape = x.shape.flatMap((d, i) => (axes.includes(i) ? (keepDims ? [1] : []) : [d]));
    const rms = x.rms * 0.7;
    // After a ReLU (zero point at the bottom) the mean is non-negative too.
    const y = this.act(shape, x.zp <= -120 ? 0 : -3 * rms, 3 * rms, rms);
    this.op('MEAN', 2, [x.id, this.int32Const(axes)], [y.id], { union: 'ReducerOptions', int8: { 0: keepDims ? 1 : 0 } });
    return y;
  }

  // ───────────────────────── data movement ─────────────────────────

  reshape(x: T, shape: number[]): T {
    const y = this.like(x, shape);
    this.op('RESHAPE', 1, [x.id, this.int32Const(shape)], [y.id], { union: 'ReshapeOptions', int32s: { 0: shape } });
    return y;
  }

  squeeze(x: T, dims: number[]): T {
    const y = this.like(x, x.shape.filter((_, i) => !dims.includes(i)));
    this.op('SQUEEZE', 1, [x.id], [y.id], { union: 'SqueezeOptions', int32s: { 0: dims } });
    return y;
  }

  /** Zero padding (PAD with the output zero point), `pads` = [before, after] per dimension. */
  pad(x: T, pads: [number, number][]): T {
    const y = this.like(x, x.shape.map((d, i) => d + pads[i]![0] + pads[i]![1]));
    this.op('PAD', 2, [x.id, this.int32Const(pads.flat(), [pads.length, 2])], [y.id]);
    return y;
  }

  transpose(x: T, perm: number[]): T {
    const y = this.like(x, perm.map((p) => x.shape[p]!));
    this.op('TRANSPOSE', 2, [x.id, this.int32Const(perm)], [y.id]);
    return y;
  }

  /** STRIDED_SLICE with constant begin/end/strides (positive strides, no masks but the shrink mask). */
  slice(x: T, begin: number[], end: number[], strides = begin.map(() => 1), shrinkMask = 0): T {
    const dims = begin.map((b, i) => Math.ceil((end[i]! - b) / strides[i]!));
    const y = this.like(x, dims.filter((_, i) => !(shrinkMask & (1 << i))));
    this.op('STRIDED_SLICE', 2, [x.id, this.int32Const(begin), this.int32Const(end), this.int32Const(strides)], [y.id], { union: 'StridedSliceOptions', int32: { 0: 0, 1: 0, 2: 0, 3: 0, 4: shrinkMask } });
    return y;
  }

  /**
   * CONCATENATION along `axis`. TFLM needs every input quantized like the output: inputs that are
   * not get a QUANTIZE first, as the converter inserts it.
   */
  concat(xs: T[], axis: number): T {
    const lo = Math.min(...xs.map((x) => x.scale * (-128 - x.zp)));
    const hi = Math.max(...xs.map((x) => x.scale * (127 - x.zp)));
    const shape = xs[0]!.shape.map((d, i) => (i === axis ? xs.reduce((a, x) => a + x.shape[axis]!, 0) : d));
    const y = this.act(shape, lo, hi, Math.max(...xs.map((x) => x.rms)));
    const ins = xs.map((x) => (x.scale === y.scale && x.zp === y.zp ? x.id : this.requantize(x, y.scale, y.zp).id));
    this.op('CONCATENATION', 2, ins, [y.id], { union: 'ConcatenationOptions', int32: { 0: axis }, int8: { 1: 0 } });
    return y;
  }

  /** Concatenation of inputs that already share one quantization (no QUANTIZE inserted). */
  concatSame(xs: T[], axis: number): T {
    const shape = xs[0]!.shape.map((d, i) => (i === axis ? xs.reduce((a, x) => a + x.shape[axis]!, 0) : d));
    const y = this.like(xs[0]!, shape);
    this.op('CONCATENATION', 2, xs.map((x) => x.id), [y.id], { union: 'ConcatenationOptions', int32: { 0: axis }, int8: { 1: 0 } });
    return y;
  }

  def(): ModelDef {
    return { tensors: this.tensors, ops: this.ops, inputs: this.ins, outputs: this.outs, description: `tinyarena zoo: ${this.name}` };
  }

  build(): Uint8Array {
    return buildModel(this.def());
  }
}
