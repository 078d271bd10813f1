/**
 * Random int8 models for differential tests of the two engines (the TypeScript interpreter and the
 * firmware's C runtime): one generator per operator of firmware/op-set.json with random shapes,
 * quantization and options, plus a few multi-operator architectures (a DS-CNN, a residual MobileNet
 * block, an autoencoder, a gated block and a data-movement mix). Deterministic per seed.
 */
import { mulberry32 } from '../../lib/rng.js';
import { f32, i32, i8, type ModelDef, type OpDef, type TensorDef } from '../../grader/tflite/builder.js';

type Options = NonNullable<OpDef['options']>;

export class Rng {
  private readonly next: () => number;
  constructor(seed: number) {
    this.next = mulberry32(seed);
  }
  /** Uniform in [0, 1). */
  u(): number {
    return this.next() / 2 ** 32;
  }
  /** Integer in [lo, hi]. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.u() * (hi - lo + 1));
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(0, xs.length - 1)]!;
  }
  chance(p: number): boolean {
    return this.u() < p;
  }
  /** 2^uniform(lo, hi), rounded to float32. */
  scale(lo: number, hi: number): number {
    return Math.fround(2 ** (lo + (hi - lo) * this.u()));
  }
  zp(): number {
    return this.int(-128, 127);
  }
  bytes(n: number): Uint8Array {
    const b = new Uint8Array(n);
    for (let i = 0; i < n; i++) b[i] = this.int(0, 255);
    return b;
  }
  weights(n: number, spread = 127): number[] {
    return Array.from({ length: n }, () => this.int(-spread, spread));
  }
}

const prod = (s: number[]) => s.reduce((a, b) => a * b, 1);

/** A small graph builder over the test builder's ModelDef. */
export class Graph {
  readonly tensors: TensorDef[] = [];
  readonly ops: OpDef[] = [];
  inputs: number[] = [];
  outputs: number[] = [];

  constructor(readonly rng: Rng) {}

  act(shape: number[], scale?: number, zp?: number, type: 'int8' | 'float32' = 'int8'): number {
    const q = type === 'int8' ? { scale: [scale ?? this.rng.scale(-8, -2)], zeroPoint: [zp ?? this.rng.zp()] } : undefined;
    this.tensors.push({ shape, type, ...(q ? { quant: q } : {}) });
    return this.tensors.length - 1;
  }
  constI8(shape: number[], values: number[], scales: number[], dim = 0, zeroPoints?: number[]): number {
    this.tensors.push({ shape, type: 'int8', data: i8(values), quant: { scale: scales, zeroPoint: zeroPoints ?? scales.map(() => 0), dim } });
    return this.tensors.length - 1;
  }
  constI32(shape: number[], values: number[]): number {
    this.tensors.push({ shape, type: 'int32', data: i32(values) });
    return this.tensors.length - 1;
  }
  quantOf(t: number): { scale: number; zp: number } {
    const q = this.tensors[t]!.quant!;
    return { scale: q.scale[0]!, zp: q.zeroPoint[0]! };
  }
  shapeOf(t: number): number[] {
    return this.tensors[t]!.shape;
  }
  op(def: OpDef): void {
    this.ops.push(def);
  }
  model(): ModelDef {
    return { tensors: this.tensors, ops: this.ops, inputs: this.inputs, outputs: this.outputs };
  }
}

const ACTIVATIONS = [0, 1, 2, 3]; // NONE, RELU, RELU_N1_TO_1, RELU6

function outSize(padding: number, inSize: number, k: number, stride: number, dilation: number): number {
  const eff = (k - 1) * dilation + 1;
  return padding === 0 ? Math.floor((inSize + stride - 1) / stride) : Math.floor((inSize + stride - eff) / stride);
}

/** An output scale that keeps requantization multipliers plausible, now and then above one. */
function outScaleFor(r: Rng, inScale: number, wScale: number, taps: number): number {
  return Math.fround(inScale * wScale * Math.sqrt(taps) * 40 * 2 ** (r.u() * 6 - 3 - (r.chance(0.1) ? 6 : 0)));
}

// ───────────────────────── one node ─────────────────────────

type Gen = (g: Graph, x: number) => number;

function conv(g: Graph, x: number, depthwise: boolean): number {
  const r = g.rng;
  const [n, h, w, c] = g.shapeOf(x) as [number, number, number, number];
  const k = [r.int(1, Math.min(4, h)), r.int(1, Math.min(4, w))] as const;
  const stride = [r.int(1, 3), r.int(1, 3)] as const;
  const dil = r.chance(0.25) ? ([r.int(1, 2), r.int(1, 2)] as const) : ([1, 1] as const);
  const padding = r.int(0, 1);
  const oh = outSize(padding, h, k[0], stride[0], dil[0]);
  const ow = outSize(padding, w, k[1], stride[1], dil[1]);
  if (oh < 1 || ow < 1) return x;
  const dm = depthwise ? r.int(1, 3) : 1;
  const groups = !depthwise && c % 2 === 0 && r.chance(0.15) ? 2 : 1;
  const outC = depthwise ? c * dm : r.int(1, 8) * groups;
  const fInC = c / groups;
  const taps = k[0] * k[1] * (depthwise ? 1 : fInC);
  const inQ = g.quantOf(x);
  const perChannel = r.chance(0.7);
  const wScales = perChannel ? Array.from({ length: outC }, () => r.scale(-9, -5)) : [r.scale(-9, -5)];
  const filterShape = depthwise ? [1, k[0], k[1], outC] : [outC, k[0], k[1], fInC];
  const filter = g.constI8(filterShape, r.weights(prod(filterShape)), wScales, depthwise ? 3 : 0);
  const bias = r.chance(0.85) ? g.constI32([outC], Array.from({ length: outC }, () => r.int(-5000, 5000))) : -1;
  const y = g.act([n, oh, ow, outC], outScaleFor(r, inQ.scale, wScales[0]!, taps));
  const options: Options = depthwise
    ? { union: 'DepthwiseConv2DOptions', int8: { 0: padding, 4: r.pick(ACTIVATIONS) }, int32: { 1: stride[1], 2: stride[0], 3: dm, 5: dil[1], 6: dil[0] } }
    : { union: 'Conv2DOptions', int8: { 0: padding, 3: r.pick(ACTIVATIONS) }, int32: { 1: stride[1], 2: stride[0], 4: dil[1], 5: dil[0] } };
  g.op({ op: depthwise ? 'DEPTHWISE_CONV_2D' : 'CONV_2D', version: 3, inputs: bias >= 0 ? [x, filter, bias] : [x, filter], outputs: [y], options });
  return y;
}

function fullyConnected(g: Graph, x: number): number {
  const r = g.rng;
  const shape = g.shapeOf(x);
  const total = prod(shape);
  const batches = shape[0]!;
  const depth = total / batches;
  const units = r.int(1, 16);
  const perChannel = r.chance(0.3);
  const wScales = perChannel ? Array.from({ length: units }, () => r.scale(-9, -5)) : [r.scale(-9, -5)];
  const wZp = !perChannel && r.chance(0.2) ? [r.int(-20, 20)] : undefined;
  const filter = g.constI8([units, depth], r.weights(units * depth), wScales, 0, wZp);
  const bias = r.chance(0.8) ? g.constI32([units], Array.from({ length: units }, () => r.int(-20000, 20000))) : -1;
  const y = g.act([batches, units], outScaleFor(r, g.quantOf(x).scale, wScales[0]!, depth));
  g.op({ op: 'FULLY_CONNECTED', version: 4, inputs: bias >= 0 ? [x, filter, bias] : [x, filter], outputs: [y], options: { union: 'FullyConnectedOptions', int8: { 0: r.pick(ACTIVATIONS) } } });
  return y;
}

function pool(g: Graph, x: number, op: 'AVERAGE_POOL_2D' | 'MAX_POOL_2D'): number {
  const r = g.rng;
  const [n, h, w, c] = g.shapeOf(x) as [number, number, number, number];
  const f = [r.int(1, Math.min(4, h)), r.int(1, Math.min(4, w))] as const;
  const s = [r.int(1, 3), r.int(1, 3)] as const;
  const padding = r.int(0, 1);
  const oh = outSize(padding, h, f[0], s[0], 1);
  const ow = outSize(padding, w, f[1], s[1], 1);
  if (oh < 1 || ow < 1) return x;
  const q = g.quantOf(x);
  const y = g.act([n, oh, ow, c], q.scale, q.zp);
  g.op({ op, inputs: [x], outputs: [y], options: { union: 'Pool2DOptions', int8: { 0: padding, 5: r.pick(ACTIVATIONS) }, int32: { 1: s[1], 2: s[0], 3: f[1], 4: f[0] } } });
  return y;
}

function reshape(g: Graph, x: number, op: 'RESHAPE' | 'SQUEEZE' = 'RESHAPE'): number {
  const shape = g.shapeOf(x);
  const q = g.quantOf(x);
  const y = g.act(op === 'SQUEEZE' ? shape.filter((d, i) => d !== 1 || i === shape.length - 1) : [shape[0]!, prod(shape) / shape[0]!], q.scale, q.zp);
  g.op({ op, inputs: [x], outputs: [y] });
  return y;
}

function softmax(g: Graph, x: number): number {
  const r = g.rng;
  const q = g.quantOf(x);
  const y = g.act(g.shapeOf(x), 1 / 256, -128);
  g.op({ op: 'SOFTMAX', version: 2, inputs: [x], outputs: [y], options: { union: 'SoftmaxOptions', float: { 0: r.pick([1, 1, 0.5, 2, 0.25]) } } });
  void q;
  return y;
}

/** A second operand that broadcasts against x (same shape, or ones in some dimensions). */
function broadcastPartner(g: Graph, x: number): number {
  const r = g.rng;
  const shape = g.shapeOf(x);
  let other = shape.map((d) => (r.chance(0.3) ? 1 : d));
  if (r.chance(0.3)) other = other.slice(r.int(0, other.length - 1));
  if (r.chance(0.5)) {
    const t = g.act(other);
    g.inputs.push(t);
    return t;
  }
  return g.constI8(other, r.weights(prod(other), 127), [r.scale(-8, -2)], 0, [r.zp()]);
}

function binary(g: Graph, x: number, op: 'ADD' | 'SUB' | 'MUL'): number {
  const r = g.rng;
  const b = broadcastPartner(g, x);
  const qa = g.quantOf(x);
  const qb = g.quantOf(b);
  const scale = op === 'MUL' ? Math.fround(qa.scale * qb.scale * 2 ** (r.u() * 8 + 3)) : Math.fround(Math.max(qa.scale, qb.scale) * 2 ** (r.u() * 2));
  const y = g.act(g.shapeOf(x), scale);
  const union = op === 'ADD' ? 'AddOptions' : op === 'SUB' ? 'SubOptions' : 'MulOptions';
  g.op({ op, inputs: r.chance(0.5) ? [x, b] : [b, x], outputs: [y], options: { union, int8: { 0: r.pick(ACTIVATIONS) } } });
  return y;
}

function requantize(g: Graph, x: number): number {
  const y = g.act(g.shapeOf(x), g.rng.scale(-8, -2));
  g.op({ op: 'QUANTIZE', inputs: [x], outputs: [y] });
  return y;
}

function unary(g: Graph, x: number, op: 'RELU' | 'RELU6' | 'LEAKY_RELU' | 'LOGISTIC' | 'TANH' | 'HARD_SWISH'): number {
  const r = g.rng;
  const shape = g.shapeOf(x);
  const q = g.quantOf(x);
  let y: number;
  if (op === 'LOGISTIC') y = g.act(shape, 1 / 256, -128);
  else if (op === 'TANH') y = g.act(shape, 1 / 128, 0);
  else if (op === 'RELU6') y = g.act(shape, q.scale, q.zp);
  else y = g.act(shape, Math.fround(q.scale * 2 ** (r.u() * 3 - 1.5)));
  const options = op === 'LEAKY_RELU' ? { union: 'LeakyReluOptions', float: { 0: r.pick([0.1, 0.2, 0.01, -0.5, 1.5]) } } : undefined;
  g.op({ op, inputs: [x], outputs: [y], ...(options ? { options } : {}) });
  return y;
}

function mean(g: Graph, x: number): number {
  const r = g.rng;
  const shape = g.shapeOf(x);
  const axes = shape.map((_, i) => i).filter(() => r.chance(0.5));
  if (!axes.length) axes.push(shape.length - 1);
  const keep = r.chance(0.5);
  const out = keep ? shape.map((d, i) => (axes.includes(i) ? 1 : d)) : shape.filter((_, i) => !axes.includes(i));
  const axisT = g.constI32([axes.length], axes.map((a) => (r.chance(0.3) ? a - shape.length : a)));
  const y = g.act(out.length ? out : [1], Math.fround(g.quantOf(x).scale * 2 ** (r.u() * 2 - 1)));
  g.op({ op: 'MEAN', inputs: [x, axisT], outputs: [y], options: { union: 'ReducerOptions', int8: { 0: keep ? 1 : 0 } } });
  return y;
}

function pad(g: Graph, x: number): number {
  const r = g.rng;
  const shape = g.shapeOf(x);
  const p = shape.flatMap(() => [r.int(0, 2), r.int(0, 2)]);
  const pt = g.constI32([shape.length, 2], p);
  const q = g.quantOf(x);
  const y = g.act(shape.map((d, i) => d + p[2 * i]! + p[2 * i + 1]!), q.scale, q.zp);
  g.op({ op: 'PAD', inputs: [x, pt], outputs: [y] });
  return y;
}

function concatenation(g: Graph, x: number): number {
  const r = g.rng;
  const shape = g.shapeOf(x);
  const axis = r.int(0, shape.length - 1);
  const q = g.quantOf(x);
  const parts = [x];
  for (let k = r.int(1, 2); k > 0; k--) {
    const s = shape.slice();
    s[axis] = r.int(1, 3);
    const t = r.chance(0.5) ? g.act(s, q.scale, q.zp) : g.constI8(s, r.weights(prod(s)), [q.scale], 0, [q.zp]);
    if (!g.tensors[t]!.data) g.inputs.push(t);
    parts.push(t);
  }
  if (r.chance(0.5)) parts.reverse();
  const out = shape.slice();
  out[axis] = parts.reduce((a, t) => a + g.shapeOf(t)[axis]!, 0);
  const y = g.act(out, q.scale, q.zp);
  g.op({ op: 'CONCATENATION', inputs: parts, outputs: [y], options: { union: 'ConcatenationOptions', int32: { 0: r.chance(0.3) ? axis - shape.length : axis }, int8: { 1: 0 } } });
  return y;
}

function stridedSlice(g: Graph, x: number): number {
  const r = g.rng;
  const shape = g.shapeOf(x);
  const rank = shape.length;
  const begin: number[] = [];
  const end: number[] = [];
  const strides: number[] = [];
  let beginMask = 0;
  let endMask = 0;
  let shrink = 0;
  const out: number[] = [];
  let count = 1;
  for (let d = 0; d < rank; d++) {
    const dim = shape[d]!;
    const s = r.pick([1, 1, 2, -1, -2, 3]);
    let b = r.int(-dim, dim - 1);
    let e = r.int(-dim - 1, dim + 1);
    if (r.chance(0.2)) beginMask |= 1 << d;
    if (r.chance(0.2)) endMask |= 1 << d;
    if (r.chance(0.15) && !(beginMask & (1 << d))) {
      shrink |= 1 << d;
      b = r.int(0, dim - 1);
      e = b + 1;
    }
    begin.push(b);
    end.push(e);
    strides.push(s);
    // Element count per TFLite's strided_slice logic (as the engines implement it).
    const clamp = (v: number) => (s > 0 ? Math.min(Math.max(v, 0), dim) : Math.min(Math.max(v, -1), dim - 1));
    const start = beginMask & (1 << d) ? (s > 0 ? 0 : dim - 1) : clamp(b < 0 ? b + dim : b);
    const stop = shrink & (1 << d) ? start + 1 : endMask & (1 << d) ? (s > 0 ? dim : -1) : clamp(e < 0 ? e + dim : e);
    let n = 0;
    for (let i = start; s > 0 ? i < stop : i > stop; i += s) n++;
    count *= n;
    if (!(shrink & (1 << d))) out.push(n);
  }
  if (count === 0) return x;
  const q = g.quantOf(x);
  const y = g.act(out.length ? out : [1], q.scale, q.zp);
  const bt = g.constI32([rank], begin);
  const et = g.constI32([rank], end);
  const st = g.constI32([rank], strides);
  g.op({ op: 'STRIDED_SLICE', inputs: [x, bt, et, st], outputs: [y], options: { union: 'StridedSliceOptions', int32: { 0: beginMask, 1: endMask, 4: shrink } } });
  return y;
}

function transpose(g: Graph, x: number): number {
  const r = g.rng;
  const shape = g.shapeOf(x);
  const perm = shape.map((_, i) => i);
  for (let i = perm.length - 1; i > 0; i--) {
    const j = r.int(0, i);
    [perm[i], perm[j]] = [perm[j]!, perm[i]!];
  }
  const q = g.quantOf(x);
  const pt = g.constI32([perm.length], perm);
  const y = g.act(perm.map((p) => shape[p]!), q.scale, q.zp);
  g.op({ op: 'TRANSPOSE', inputs: [x, pt], outputs: [y] });
  return y;
}

/** One random node of each kind; the key is the op it exercises. */
export const NODE_GENERATORS: Record<string, Gen> = {
  CONV_2D: (g, x) => conv(g, x, false),
  DEPTHWISE_CONV_2D: (g, x) => conv(g, x, true),
  FULLY_CONNECTED: fullyConnected,
  AVERAGE_POOL_2D: (g, x) => pool(g, x, 'AVERAGE_POOL_2D'),
  MAX_POOL_2D: (g, x) => pool(g, x, 'MAX_POOL_2D'),
  RESHAPE: (g, x) => reshape(g, x, 'RESHAPE'),
  SQUEEZE: (g, x) => reshape(g, x, 'SQUEEZE'),
  SOFTMAX: softmax,
  ADD: (g, x) => binary(g, x, 'ADD'),
  SUB: (g, x) => binary(g, x, 'SUB'),
  MUL: (g, x) => binary(g, x, 'MUL'),
  QUANTIZE: requantize,
  RELU: (g, x) => unary(g, x, 'RELU'),
  RELU6: (g, x) => unary(g, x, 'RELU6'),
  LEAKY_RELU: (g, x) => unary(g, x, 'LEAKY_RELU'),
  LOGISTIC: (g, x) => unary(g, x, 'LOGISTIC'),
  TANH: (g, x) => unary(g, x, 'TANH'),
  HARD_SWISH: (g, x) => unary(g, x, 'HARD_SWISH'),
  MEAN: mean,
  PAD: pad,
  CONCATENATION: concatenation,
  STRIDED_SLICE: stridedSlice,
  TRANSPOSE: transpose,
};

/** A random 4-D int8 input [n, h, w, c] (or 2-D for fully-connected and softmax). */
function randomInput(g: Graph, op: string): number {
  const r = g.rng;
  const shape = op === 'SOFTMAX' ? [r.int(1, 3), r.int(1, 24)] : op === 'FULLY_CONNECTED' && r.chance(0.5) ? [r.int(1, 3), r.int(1, 40)] : [r.int(1, 2), r.int(1, 10), r.int(1, 10), r.int(1, 6)];
  const x = g.act(shape, r.scale(-7, -1));
  g.inputs.push(x);
  return x;
}

/** A model of one node of `op` (DEQUANTIZE and float QUANTIZE get their own float edges). */
export function singleOpModel(op: string, seed: number): ModelDef {
  const g = new Graph(new Rng(seed * 7919 + op.length * 104729 + op.charCodeAt(0)));
  if (op === 'DEQUANTIZE') {
    const x = randomInput(g, op);
    const y = g.act(g.shapeOf(x), undefined, undefined, 'float32');
    g.op({ op: 'DEQUANTIZE', inputs: [x], outputs: [y] });
    g.outputs = [y];
    return g.model();
  }
  if (op === 'QUANTIZE' && g.rng.chance(0.5)) {
    const x = g.act([1, g.rng.int(1, 50)], undefined, undefined, 'float32');
    g.inputs.push(x);
    const y = g.act(g.shapeOf(x));
    g.op({ op: 'QUANTIZE', inputs: [x], outputs: [y] });
    g.outputs = [y];
    return g.model();
  }
  const x = randomInput(g, op);
  g.outputs = [NODE_GENERATORS[op]!(g, x)];
  return g.model();
}

// ───────────────────────── architectures ─────────────────────────

/** DS-CNN for keyword spotting: conv, depthwise-separable blocks, average pool, dense, softmax. */
function dsCnn(g: Graph): void {
  const r = g.rng;
  let x = g.act([1, 49, 10, 1], 0.5847029, 83 - 128);
  g.inputs.push(x);
  const block = (y: number, outC: number, k: number, stride: number, depthwise: boolean) => {
    const [n, h, w, c] = g.shapeOf(y) as [number, number, number, number];
    const oh = Math.ceil(h / stride);
    const ow = Math.ceil(w / stride);
    const out = depthwise ? c : outC;
    const taps = k * k * (depthwise ? 1 : c);
    const ws = Array.from({ length: out }, () => r.scale(-8, -6));
    const shape = depthwise ? [1, k, k, out] : [out, k, k, c];
    const f = g.constI8(shape, r.weights(prod(shape)), ws, depthwise ? 3 : 0);
    const b = g.constI32([out], Array.from({ length: out }, () => r.int(-3000, 3000)));
    const o = g.act([n, oh, ow, out], outScaleFor(r, g.quantOf(y).scale, ws[0]!, taps), -128);
    const options: Options = depthwise
      ? { union: 'DepthwiseConv2DOptions', int8: { 0: 0, 4: 1 }, int32: { 1: stride, 2: stride, 3: 1, 5: 1, 6: 1 } }
      : { union: 'Conv2DOptions', int8: { 0: 0, 3: 1 }, int32: { 1: stride, 2: stride, 4: 1, 5: 1 } };
    g.op({ op: depthwise ? 'DEPTHWISE_CONV_2D' : 'CONV_2D', inputs: [y, f, b], outputs: [o], options });
    return o;
  };
  x = block(x, 16, 3, 2, false);
  for (let i = 0; i < 2; i++) {
    x = block(x, 0, 3, 1, true);
    x = block(x, 16, 1, 1, false);
  }
  const [, h, w] = g.shapeOf(x) as [number, number, number, number];
  const q = g.quantOf(x);
  const p = g.act([1, 1, 1, 16], q.scale, q.zp);
  g.op({ op: 'AVERAGE_POOL_2D', inputs: [x], outputs: [p], options: { union: 'Pool2DOptions', int8: { 0: 1, 5: 0 }, int32: { 1: 1, 2: 1, 3: w, 4: h } } });
  const flat = reshape(g, p);
  const ws = [r.scale(-8, -6)];
  const f = g.constI8([12, 16], r.weights(12 * 16), ws);
  const logits = g.act([1, 12], outScaleFor(r, q.scale, ws[0]!, 16));
  g.op({ op: 'FULLY_CONNECTED', inputs: [flat, f, g.constI32([12], r.weights(12, 2000))], outputs: [logits], options: { union: 'FullyConnectedOptions', int8: { 0: 0 } } });
  g.outputs = [softmax(g, logits)];
}

/** A MobileNetV2-style block: expand, depthwise, project, residual ADD; hard-swish and mean head. */
function residualBlock(g: Graph): void {
  const r = g.rng;
  const x = g.act([1, 12, 12, 4], 0.02, -10);
  g.inputs.push(x);
  const pw = (y: number, outC: number) => {
    const c = g.shapeOf(y)[3]!;
    const ws = Array.from({ length: outC }, () => r.scale(-8, -6));
    const f = g.constI8([outC, 1, 1, c], r.weights(outC * c), ws);
    const [n, h, w] = g.shapeOf(y) as [number, number, number];
    const o = g.act([n, h, w, outC], outScaleFor(r, g.quantOf(y).scale, ws[0]!, c));
    g.op({ op: 'CONV_2D', inputs: [y, f, g.constI32([outC], r.weights(outC, 1000))], outputs: [o], options: { union: 'Conv2DOptions', int8: { 0: 0, 3: 3 }, int32: { 1: 1, 2: 1, 4: 1, 5: 1 } } });
    return o;
  };
  let y = pw(x, 12);
  y = unary(g, y, 'HARD_SWISH');
  const ws = Array.from({ length: 12 }, () => r.scale(-8, -6));
  const f = g.constI8([1, 3, 3, 12], r.weights(108), ws, 3);
  const d = g.act([1, 12, 12, 12], outScaleFor(r, g.quantOf(y).scale, ws[0]!, 9));
  g.op({ op: 'DEPTHWISE_CONV_2D', inputs: [y, f, g.constI32([12], r.weights(12, 1000))], outputs: [d], options: { union: 'DepthwiseConv2DOptions', int8: { 0: 0, 4: 3 }, int32: { 1: 1, 2: 1, 3: 1, 5: 1, 6: 1 } } });
  const p = pw(d, 4);
  const sum = g.act([1, 12, 12, 4], 0.03, 5);
  g.op({ op: 'ADD', inputs: [p, x], outputs: [sum], options: { union: 'AddOptions', int8: { 0: 0 } } });
  const m = g.act([1, 4], 0.02, 0);
  g.op({ op: 'MEAN', inputs: [sum, g.constI32([2], [1, 2])], outputs: [m], options: { union: 'ReducerOptions', int8: { 0: 0 } } });
  g.outputs = [m];
}

/** The AD autoencoder shape: dense layers with ReLU down to a bottleneck and back. */
function autoencoder(g: Graph): void {
  const r = g.rng;
  let x = g.act([1, 64], 0.1, 3);
  g.inputs.push(x);
  for (const units of [32, 8, 32, 64]) {
    const depth = g.shapeOf(x)[1]!;
    const ws = [r.scale(-8, -6)];
    const f = g.constI8([units, depth], r.weights(units * depth), ws);
    const y = g.act([1, units], outScaleFor(r, g.quantOf(x).scale, ws[0]!, depth), units === 64 ? 0 : -128);
    g.op({ op: 'FULLY_CONNECTED', inputs: [x, f, g.constI32([units], r.weights(units, 4000))], outputs: [y], options: { union: 'FullyConnectedOptions', int8: { 0: units === 64 ? 0 : 1 } } });
    x = y;
  }
  g.outputs = [x];
}

/** A gated block: two branches, logistic gate times tanh, leaky ReLU, a second input subtracted. */
function gated(g: Graph): void {
  const x = g.act([1, 6, 6, 3], 0.05, 2);
  const z = g.act([1, 1, 6, 3], 0.04, -7);
  g.inputs.push(x, z);
  const a = unary(g, x, 'LOGISTIC');
  const b = unary(g, x, 'TANH');
  const m = g.act([1, 6, 6, 3], 0.004, -100);
  g.op({ op: 'MUL', inputs: [a, b], outputs: [m], options: { union: 'MulOptions', int8: { 0: 0 } } });
  const l = unary(g, m, 'LEAKY_RELU');
  const s = g.act([1, 6, 6, 3], 0.05, 1);
  g.op({ op: 'SUB', inputs: [l, z], outputs: [s], options: { union: 'SubOptions', int8: { 0: 1 } } });
  g.outputs = [requantize(g, s)];
}

/** Data movement: pad, max pool, transpose, concatenation, strided slice, squeeze, dequantize. */
function dataMovement(g: Graph): void {
  const r = g.rng;
  const x = g.act([1, 7, 5, 3], 0.1, 0);
  g.inputs.push(x);
  let y = pad(g, x);
  y = pool(g, y, 'MAX_POOL_2D');
  y = transpose(g, y);
  y = concatenation(g, y);
  y = stridedSlice(g, y);
  y = unary(g, y, 'RELU6');
  const q = g.quantOf(y);
  const flat = g.act([1, prod(g.shapeOf(y))], q.scale, q.zp);
  g.op({ op: 'RESHAPE', inputs: [y], outputs: [flat] });
  const out = g.act(g.shapeOf(flat), undefined, undefined, 'float32');
  g.op({ op: 'DEQUANTIZE', inputs: [flat], outputs: [out] });
  g.outputs = [out];
  void r;
}

export const ARCHITECTURES: Record<string, (g: Graph) => void> = { 'ds-cnn': dsCnn, 'residual-block': residualBlock, autoencoder, gated, 'data-movement': dataMovement };

export function architectureModel(name: string, seed: number): ModelDef {
  const g = new Graph(new Rng(seed * 31337 + name.length));
  ARCHITECTURES[name]!(g);
  return g.model();
}

/** Random raw input bytes for a model's inputs (float inputs get finite values and a few specials). */
export function randomInputBytes(def: ModelDef, rng: Rng): Uint8Array {
  const parts: Uint8Array[] = def.inputs.map((i) => {
    const t = def.tensors[i]!;
    const n = prod(t.shape);
    if (t.type === 'float32') {
      const specials = [0, -0, 1e30, -1e30, Infinity, -Infinity, Number.NaN, 0.5, -0.5];
      return f32(Array.from({ length: n }, () => (rng.chance(0.1) ? rng.pick(specials) : (rng.u() * 2 - 1) * 2 ** rng.int(-10, 8))));
    }
    return rng.bytes(n);
  });
  const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
