/**
 * A plain transcription of TFLite Micro's reference kernels, loop for loop, for testing the engine's
 * fast kernels against: `Interpreter.create(graph, { kernels: REFERENCE_KERNELS })`. No SIMD, no
 * folded offsets, no tables: per output element, the reference arithmetic with the requantization
 * functions of fixed-point.ts (themselves checked against BigInt transcriptions and real TFLM).
 *
 * The int8 activations whose result depends on the input byte only (RELU, RELU6, LEAKY_RELU,
 * LOGISTIC, TANH, HARD_SWISH) use the engine's own kernels here: their arithmetic is checked over all
 * 256 inputs against BigInt transcriptions in interpreter-activations.unit.test.ts.
 */
import {
  expOnNegativeValues,
  getReciprocal,
  multiplyByQuantizedMultiplierGreaterThanOne,
  quantizeMultiplier,
  requantizer,
  rescale,
  roundHalfAwayFromZero,
  roundingDivideByPOT,
  saturatingRoundingDoublingHighMul,
} from '../../grader/interpreter/fixed-point.js';
import { ensure, type Kernel, type PrepareContext } from '../../grader/interpreter/kernel.js';
import { KERNELS } from '../../grader/interpreter/registry.js';
import { softmaxParams } from '../../grader/interpreter/kernels/softmax.js';
import { activationRange, expectedOutSize, padding, perChannelMultipliers, perTensorMultiplier, scaleZp, INT8_MAX, INT8_MIN } from '../../grader/interpreter/quant-params.js';

const clamp = (v: number, lo: number, hi: number) => (v < lo ? lo : v > hi ? hi : v);
const strides = (shape: number[]) => shape.map((_, d) => shape.slice(d + 1).reduce((a, b) => a * b, 1));

/** Row-major index → coordinates. */
function coords(i: number, shape: number[]): number[] {
  const c = new Array<number>(shape.length);
  for (let d = shape.length - 1; d >= 0; d--) {
    c[d] = i % shape[d]!;
    i = Math.floor(i / shape[d]!);
  }
  return c;
}

function convLike(ctx: PrepareContext, depthwise: boolean) {
  const o = ctx.op.options;
  ensure(ctx, o.kind === (depthwise ? 'depthwiseConv2d' : 'conv2d'), 'options');
  if (o.kind !== 'conv2d' && o.kind !== 'depthwiseConv2d') throw new Error('unreachable');
  const input = ctx.input(0);
  const filter = ctx.input(1);
  const bias = ctx.optionalInput(2);
  const output = ctx.output(0);
  const [batches, inH, inW, inC] = input.tensor.shape as [number, number, number, number];
  const [f0, kH, kW, f3] = filter.tensor.shape as [number, number, number, number];
  const [, outH, outW, outC] = output.tensor.shape as [number, number, number, number];
  const padH = padding(inH, kH, o.strideH, o.dilationH, outH);
  const padW = padding(inW, kW, o.strideW, o.dilationW, outW);
  ensure(ctx, outH === expectedOutSize(o.padding, inH, kH, o.strideH, o.dilationH), 'shape');
  const inZp = scaleZp(ctx, input.tensor).zeroPoint;
  const out = scaleZp(ctx, output.tensor);
  const { min, max } = activationRange(o.activation, out);
  const { multipliers, shifts } = perChannelMultipliers(ctx, input.tensor, filter.tensor, output.tensor, outC);
  const mbqm = requantizer(ctx.rounding);
  const x = input.i8;
  const w = filter.i8;
  const b = bias?.i32 ?? null;
  const y = output.i8;
  const fInC = depthwise ? 1 : f3;
  const filtersPerGroup = depthwise ? 1 : outC / (inC / fInC);
  const multiplier = depthwise ? outC / inC : 1;
  void f0;
  return () => {
    for (let n = 0; n < batches; n++) {
      for (let oy = 0; oy < outH; oy++) {
        for (let ox = 0; ox < outW; ox++) {
          for (let oc = 0; oc < outC; oc++) {
            let acc = 0;
            for (let fy = 0; fy < kH; fy++) {
              const iy = oy * o.strideH - padH + fy * o.dilationH;
              if (iy < 0 || iy >= inH) continue;
              for (let fx = 0; fx < kW; fx++) {
                const ix = ox * o.strideW - padW + fx * o.dilationW;
                if (ix < 0 || ix >= inW) continue;
                const px = ((n * inH + iy) * inW + ix) * inC;
                if (depthwise) {
                  acc += w[(fy * kW + fx) * outC + oc]! * (x[px + Math.floor(oc / multiplier)]! - inZp);
                } else {
                  const ic0 = Math.floor(oc / filtersPerGroup) * fInC;
                  for (let ic = 0; ic < fInC; ic++) acc += w[((oc * kH + fy) * kW + fx) * fInC + ic]! * (x[px + ic0 + ic]! - inZp);
                }
              }
            }
            if (b) acc += b[oc]!;
            y[((n * outH + oy) * outW + ox) * outC + oc] = clamp(mbqm(acc | 0, multipliers[oc]!, shifts[oc]!) + out.zeroPoint, min, max);
          }
        }
      }
    }
  };
}

const conv2d: Kernel = { op: 'CONV_2D', prepare: (ctx) => convLike(ctx, false) };
const depthwiseConv2d: Kernel = { op: 'DEPTHWISE_CONV_2D', prepare: (ctx) => convLike(ctx, true) };

const fullyConnected: Kernel = {
  op: 'FULLY_CONNECTED',
  prepare(ctx) {
    const o = ctx.op.options;
    ensure(ctx, o.kind === 'fullyConnected', 'options');
    if (o.kind !== 'fullyConnected') throw new Error('unreachable');
    const input = ctx.input(0);
    const filter = ctx.input(1);
    const bias = ctx.optionalInput(2);
    const output = ctx.output(0);
    const [units, depth] = filter.tensor.shape as [number, number];
    const batches = output.tensor.elements / units;
    const inQ = scaleZp(ctx, input.tensor);
    const wQ = scaleZp(ctx, filter.tensor);
    const out = scaleZp(ctx, output.tensor);
    const { min, max } = activationRange(o.activation, out);
    const perChannel = (filter.tensor.quantization?.scale.length ?? 1) > 1;
    const pc = perChannel ? perChannelMultipliers(ctx, input.tensor, filter.tensor, output.tensor, units) : null;
    const pt = perTensorMultiplier(inQ.scale, wQ.scale, out.scale, ctx.rounding);
    const mbqm = requantizer(ctx.rounding);
    const [x, w, b, y] = [input.i8, filter.i8, bias?.i32 ?? null, output.i8];
    return () => {
      for (let n = 0; n < batches; n++) {
        for (let u = 0; u < units; u++) {
          let acc = 0;
          for (let d = 0; d < depth; d++) acc += (w[u * depth + d]! - wQ.zeroPoint) * (x[n * depth + d]! - inQ.zeroPoint);
          if (b) acc += b[u]!;
          const m = pc ? pc.multipliers[u]! : pt.multiplier;
          const s = pc ? pc.shifts[u]! : pt.shift;
          y[n * units + u] = clamp(mbqm(acc | 0, m, s) + out.zeroPoint, min, max);
        }
      }
    };
  },
};

function pool(kind: 'avg' | 'max'): Kernel {
  return {
    op: kind === 'avg' ? 'AVERAGE_POOL_2D' : 'MAX_POOL_2D',
    prepare(ctx) {
      const o = ctx.op.options;
      ensure(ctx, o.kind === 'pool2d', 'options');
      if (o.kind !== 'pool2d') throw new Error('unreachable');
      const input = ctx.input(0);
      const output = ctx.output(0);
      const [batches, inH, inW, C] = input.tensor.shape as [number, number, number, number];
      const [, outH, outW] = output.tensor.shape as [number, number, number, number];
      const padH = padding(inH, o.filterH, o.strideH, 1, outH);
      const padW = padding(inW, o.filterW, o.strideW, 1, outW);
      const { min, max } = activationRange(o.activation, scaleZp(ctx, output.tensor));
      const [x, y] = [input.i8, output.i8];
      return () => {
        for (let n = 0; n < batches; n++) {
          for (let oy = 0; oy < outH; oy++) {
            for (let ox = 0; ox < outW; ox++) {
              for (let c = 0; c < C; c++) {
                let sum = 0;
                let count = 0;
                let m = -128;
                for (let fy = 0; fy < o.filterH; fy++) {
                  for (let fx = 0; fx < o.filterW; fx++) {
                    const iy = oy * o.strideH - padH + fy;
                    const ix = ox * o.strideW - padW + fx;
                    if (iy < 0 || iy >= inH || ix < 0 || ix >= inW) continue;
                    const v = x[((n * inH + iy) * inW + ix) * C + c]!;
                    sum += v;
                    count++;
                    if (v > m) m = v;
                  }
                }
                // C++ integer division of sum ± count/2: rounds half away from zero.
                const half = Math.floor(count / 2);
                const v = kind === 'max' ? m : count > 0 ? Math.trunc((sum > 0 ? sum + half : sum - half) / count) : 0;
                y[((n * outH + oy) * outW + ox) * C + c] = clamp(v, min, max);
              }
            }
          }
        }
      };
    },
  };
}

/** Input element index of each output element under numpy broadcasting. */
function broadcastIndex(inShape: number[], outShape: number[]): Int32Array {
  const pad = [...Array<number>(outShape.length - inShape.length).fill(1), ...inShape];
  const st = strides(pad);
  const total = outShape.reduce((a, b) => a * b, 1);
  return Int32Array.from({ length: total }, (_, i) => coords(i, outShape).reduce((a, c, d) => a + (pad[d] === 1 ? 0 : c * st[d]!), 0));
}

function addSub(subtract: boolean): Kernel {
  return {
    op: subtract ? 'SUB' : 'ADD',
    prepare(ctx) {
      const o = ctx.op.options;
      if (o.kind !== 'add' && o.kind !== 'sub') throw new Error('options');
      const [a, b, out] = [ctx.input(0), ctx.input(1), ctx.output(0)];
      const [qa, qb, qo] = [scaleZp(ctx, a.tensor), scaleZp(ctx, b.tensor), scaleZp(ctx, out.tensor)];
      // add.cc computes the multipliers in double, sub.cc in float.
      const f = subtract ? Math.fround : (v: number) => v;
      const twiceMax = f(2 * Math.max(qa.scale, qb.scale));
      const q1 = quantizeMultiplier(f(qa.scale / twiceMax), ctx.rounding);
      const q2 = quantizeMultiplier(f(qb.scale / twiceMax), ctx.rounding);
      const qout = quantizeMultiplier(f(twiceMax / f((1 << 20) * qo.scale)), ctx.rounding);
      const { min, max } = activationRange(o.activation, qo);
      const mbqm = requantizer(ctx.rounding);
      const ia = broadcastIndex(a.tensor.shape, out.tensor.shape);
      const ib = broadcastIndex(b.tensor.shape, out.tensor.shape);
      const [xa, xb, y] = [a.i8, b.i8, out.i8];
      return () => {
        for (let i = 0; i < y.length; i++) {
          const s1 = mbqm((xa[ia[i]!]! - qa.zeroPoint) * (1 << 20), q1.multiplier, q1.shift);
          const s2 = mbqm((xb[ib[i]!]! - qb.zeroPoint) * (1 << 20), q2.multiplier, q2.shift);
          y[i] = clamp(mbqm((subtract ? s1 - s2 : s1 + s2) | 0, qout.multiplier, qout.shift) + qo.zeroPoint, min, max);
        }
      };
    },
  };
}

const mul: Kernel = {
  op: 'MUL',
  prepare(ctx) {
    const o = ctx.op.options;
    if (o.kind !== 'mul') throw new Error('options');
    const [a, b, out] = [ctx.input(0), ctx.input(1), ctx.output(0)];
    const [qa, qb, qo] = [scaleZp(ctx, a.tensor), scaleZp(ctx, b.tensor), scaleZp(ctx, out.tensor)];
    const { multiplier, shift } = quantizeMultiplier((qa.scale * qb.scale) / qo.scale, ctx.rounding);
    const { min, max } = activationRange(o.activation, qo);
    const mbqm = requantizer(ctx.rounding);
    const ia = broadcastIndex(a.tensor.shape, out.tensor.shape);
    const ib = broadcastIndex(b.tensor.shape, out.tensor.shape);
    const [xa, xb, y] = [a.i8, b.i8, out.i8];
    return () => {
      for (let i = 0; i < y.length; i++) y[i] = clamp(mbqm((xa[ia[i]!]! - qa.zeroPoint) * (xb[ib[i]!]! - qb.zeroPoint), multiplier, shift) + qo.zeroPoint, min, max);
    };
  },
};

const mean: Kernel = {
  op: 'MEAN',
  prepare(ctx) {
    const [input, axisT, output] = [ctx.input(0), ctx.input(1), ctx.output(0)];
    const shape = input.tensor.shape;
    const axes = new Set(Array.from(axisT.i32!, (a) => (a < 0 ? a + shape.length : a)));
    const n = shape.reduce((a, d, i) => (axes.has(i) ? a * d : a), 1);
    const kept = shape.filter((_, i) => !axes.has(i));
    const [qi, qo] = [scaleZp(ctx, input.tensor), scaleZp(ctx, output.tensor)];
    const base = quantizeMultiplier(qi.scale / qo.scale, ctx.rounding);
    // QuantizedMeanOrSum: 1/n folded into the multiplier with a 64-bit division.
    const shift = Math.min(31 - Math.clz32(n), 32, 31 + base.shift);
    const multiplier = Number((BigInt(base.multiplier) << BigInt(shift)) / BigInt(n));
    const mbqm = requantizer(ctx.rounding);
    const [x, y] = [input.i8, output.i8];
    const keptStrides = strides(kept);
    return () => {
      const sums = new Array<number>(y.length).fill(0);
      for (let i = 0; i < x.length; i++) {
        const c = coords(i, shape).filter((_, d) => !axes.has(d));
        const k = c.reduce((a, v, d) => a + v * keptStrides[d]!, 0);
        sums[k] = sums[k]! + x[i]!;
      }
      sums.forEach((s, k) => (y[k] = clamp(mbqm(s - qi.zeroPoint * n, multiplier, base.shift - shift) + qo.zeroPoint, INT8_MIN, INT8_MAX)));
    };
  },
};

const softmax: Kernel = {
  op: 'SOFTMAX',
  prepare(ctx) {
    const o = ctx.op.options;
    if (o.kind !== 'softmax') throw new Error('options');
    const [input, output] = [ctx.input(0), ctx.output(0)];
    const depth = input.tensor.shape[input.tensor.shape.length - 1]!;
    const { multiplier, leftShift, diffMin } = softmaxParams(o.beta, scaleZp(ctx, input.tensor).scale, ctx.rounding);
    const [x, y] = [input.i8, output.i8];
    return () => {
      for (let base = 0; base < x.length; base += depth) {
        let maxIn = -128;
        for (let c = 0; c < depth; c++) maxIn = Math.max(maxIn, x[base + c]!);
        let sum = 0;
        for (let c = 0; c < depth; c++) {
          const diff = x[base + c]! - maxIn;
          if (diff >= diffMin) sum = (sum + rescale(expOnNegativeValues(multiplyByQuantizedMultiplierGreaterThanOne(diff, multiplier, leftShift, ctx.rounding), 5), 0, 12)) | 0;
        }
        const { scale, numBitsOverUnit } = getReciprocal(sum, 12);
        for (let c = 0; c < depth; c++) {
          const diff = x[base + c]! - maxIn;
          if (diff < diffMin) {
            y[base + c] = -128;
            continue;
          }
          const e = expOnNegativeValues(multiplyByQuantizedMultiplierGreaterThanOne(diff, multiplier, leftShift, ctx.rounding), 5);
          y[base + c] = clamp(roundingDivideByPOT(saturatingRoundingDoublingHighMul(scale, e), numBitsOverUnit + 31 - 8) - 128, -128, 127);
        }
      }
    };
  },
};

const quantize: Kernel = {
  op: 'QUANTIZE',
  prepare(ctx) {
    const [input, output] = [ctx.input(0), ctx.output(0)];
    const qo = scaleZp(ctx, output.tensor);
    const y = output.i8;
    if (input.tensor.type === 'float32') {
      const x = input.f32!;
      return () => {
        for (let i = 0; i < y.length; i++) y[i] = clamp(roundHalfAwayFromZero(Math.fround(x[i]! / Math.fround(qo.scale))) + qo.zeroPoint, INT8_MIN, INT8_MAX);
      };
    }
    const qi = scaleZp(ctx, input.tensor);
    const { multiplier, shift } = quantizeMultiplier(qi.scale / qo.scale, ctx.rounding);
    const mbqm = requantizer(ctx.rounding);
    const x = input.i8;
    return () => {
      for (let i = 0; i < y.length; i++) y[i] = clamp(mbqm(x[i]! - qi.zeroPoint, multiplier, shift) + qo.zeroPoint, INT8_MIN, INT8_MAX);
    };
  },
};

const dequantize: Kernel = {
  op: 'DEQUANTIZE',
  prepare(ctx) {
    const [input, output] = [ctx.input(0), ctx.output(0)];
    const { scale, zeroPoint } = scaleZp(ctx, input.tensor);
    const [x, y] = [input.i8, output.f32!];
    return () => {
      for (let i = 0; i < x.length; i++) y[i] = scale * (x[i]! - zeroPoint);
    };
  },
};

/** Data movement as "output element i takes input element map[i]" (−1: the fill value). */
function gather(op: string, plan: (ctx: PrepareContext) => { map: Int32Array; fill: number; width: number }): Kernel {
  return {
    op,
    prepare(ctx) {
      const { map, fill, width } = plan(ctx);
      const [x, y] = [ctx.input(0).bytes, ctx.output(0).bytes];
      return () => {
        for (let i = 0; i < map.length; i++) for (let j = 0; j < width; j++) y[i * width + j] = map[i]! < 0 ? fill & 0xff : x[map[i]! * width + j]!;
      };
    },
  };
}

const copyPlan = (ctx: PrepareContext) => ({ map: Int32Array.from({ length: ctx.output(0).tensor.elements }, (_, i) => i), fill: 0, width: ctx.output(0).bytes.length / ctx.output(0).tensor.elements });

const pad = (op: string) =>
  gather(op, (ctx) => {
    const inShape = ctx.input(0).tensor.shape;
    const outShape = ctx.output(0).tensor.shape;
    const p = ctx.input(1).i32!;
    const st = strides(inShape);
    const map = Int32Array.from({ length: ctx.output(0).tensor.elements }, (_, i) => {
      const c = coords(i, outShape).map((v, d) => v - p[2 * d]!);
      return c.some((v, d) => v < 0 || v >= inShape[d]!) ? -1 : c.reduce((a, v, d) => a + v * st[d]!, 0);
    });
    const constant = ctx.optionalInput(2);
    return { map, fill: constant ? constant.i8[0]! : scaleZp(ctx, ctx.output(0).tensor).zeroPoint, width: 1 };
  });

const transpose = gather('TRANSPOSE', (ctx) => {
  const inShape = ctx.input(0).tensor.shape;
  const perm = Array.from(ctx.input(1).i32!);
  const st = strides(inShape);
  const outShape = ctx.output(0).tensor.shape;
  return { map: Int32Array.from({ length: ctx.output(0).tensor.elements }, (_, i) => coords(i, outShape).reduce((a, v, d) => a + v * st[perm[d]!]!, 0)), fill: 0, width: 1 };
});

const stridedSlice = gather('STRIDED_SLICE', (ctx) => {
  const o = ctx.op.options;
  if (o.kind !== 'stridedSlice') throw new Error('options');
  const shape = ctx.input(0).tensor.shape;
  const [b, e, s] = [ctx.input(1).i32!, ctx.input(2).i32!, ctx.input(3).i32!];
  // strided_slice_logic: masks, negative indices, clamping, shrink axes.
  const ranges = shape.map((dim, d) => {
    const stride = s[d]!;
    const clampI = (v: number) => (stride > 0 ? clamp(v, 0, dim) : clamp(v, -1, dim - 1));
    const start = o.beginMask & (1 << d) ? (stride > 0 ? 0 : dim - 1) : clampI(b[d]! < 0 ? b[d]! + dim : b[d]!);
    let stop: number;
    if (o.shrinkAxisMask & (1 << d)) stop = start + 1;
    else if (o.endMask & (1 << d)) stop = stride > 0 ? dim : -1;
    else {
      const raw = o.offset ? b[d]! + e[d]! : e[d]!;
      stop = clampI(raw < 0 ? raw + dim : raw);
    }
    const r: number[] = [];
    for (let i = start; stride > 0 ? i < stop : i > stop; i += stride) r.push(i);
    return r;
  });
  const st = strides(shape);
  const lens = ranges.map((r) => r.length);
  const count = lens.reduce((a, v) => a * v, 1);
  const width = ctx.input(0).bytes.length / ctx.input(0).tensor.elements;
  return { map: Int32Array.from({ length: count }, (_, k) => coords(k, lens).reduce((a, v, d) => a + ranges[d]![v]! * st[d]!, 0)), fill: 0, width };
});

const concatenation: Kernel = {
  op: 'CONCATENATION',
  prepare(ctx) {
    const o = ctx.op.options;
    if (o.kind !== 'concatenation') throw new Error('options');
    const output = ctx.output(0);
    const outShape = output.tensor.shape;
    const axis = o.axis < 0 ? o.axis + outShape.length : o.axis;
    const inputs = ctx.op.inputs.map((_, k) => ctx.input(k));
    const inStrides = inputs.map((t) => strides(t.tensor.shape));
    const y = output.i8;
    return () => {
      for (let i = 0; i < y.length; i++) {
        const c = coords(i, outShape);
        let k = 0;
        let along = c[axis]!;
        while (along >= inputs[k]!.tensor.shape[axis]!) along -= inputs[k++]!.tensor.shape[axis]!;
        const src = inputs[k]!;
        c[axis] = along;
        y[i] = src.i8[c.reduce((a, v, d) => a + v * inStrides[k]![d]!, 0)]!;
      }
    };
  },
};

const OWN: Kernel[] = [
  conv2d,
  depthwiseConv2d,
  fullyConnected,
  pool('avg'),
  pool('max'),
  addSub(false),
  addSub(true),
  mul,
  mean,
  softmax,
  quantize,
  dequantize,
  gather('RESHAPE', copyPlan),
  gather('SQUEEZE', copyPlan),
  gather('EXPAND_DIMS', copyPlan),
  pad('PAD'),
  pad('PADV2'),
  transpose,
  stridedSlice,
  concatenation,
];

/** Reference kernels for every op the engine runs (activations: the engine's own, see above). */
export const REFERENCE_KERNELS: ReadonlyMap<string, Kernel> = new Map([...KERNELS, ...OWN.map((k) => [k.op, k] as const)]);

/** The ops this file transcribes itself. */
export const REFERENCE_OWN_OPS: readonly string[] = OWN.map((k) => k.op);
