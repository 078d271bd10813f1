/**
 * The WebAssembly SIMD paths of CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED and AVERAGE_POOL_2D against a plain
 * transcription of TFLite's reference kernels (fixed-point.ts arithmetic), on seeded random models
 * with awkward sizes: odd tap counts, dilation, channel counts that are not multiples of 4 or 8, pixel counts
 * that are not multiples of 4, padding, strides, large multipliers and biases (which push the
 * requantization off its vector path), zero-scale channels, every arithmetic profile.
 */
import { describe, expect, it } from 'vitest';
import { ARITHMETIC_PROFILES, roundingFor, type ArithmeticProfileName } from '../../grader/interpreter/arithmetic.js';
import { multiplyByQuantizedMultiplierDouble, multiplyByQuantizedMultiplierSingle, quantizeMultiplier, type Rounding } from '../../grader/interpreter/fixed-point.js';
import { Interpreter } from '../../grader/interpreter/interpreter.js';
import { activationRange, perTensorMultiplier } from '../../grader/interpreter/quant-params.js';
import { parseModel } from '../../grader/tflite/parse.js';
import type { Activation } from '../../grader/tflite/schema.js';
import { buildModel, i32, i8, type ModelDef } from '../../grader/tflite/builder.js';

const PROFILES: ArithmeticProfileName[] = ['tflite', 'tflm', 'tflm-single'];
const ACTIVATIONS: Activation[] = ['NONE', 'RELU', 'RELU6'];

function rng(seed: number) {
  let s = seed >>> 0;
  const next = () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32;
  return { next, int: (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1)), pick: <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)]! };
}
type Rng = ReturnType<typeof rng>;

const mbqm = (r: Rounding) => (r === 'single' ? multiplyByQuantizedMultiplierSingle : multiplyByQuantizedMultiplierDouble);
const clamp = (v: number, lo: number, hi: number) => (v < lo ? lo : v > hi ? hi : v);
const f32 = (x: number) => Math.fround(x);

interface Quant {
  inScale: number;
  inZp: number;
  outScale: number;
  outZp: number;
  wScales: number[];
  bias: number[];
}

/** Scales that give multipliers from tiny to above one, a dead (zero-scale) channel now and then, big biases sometimes. */
function randomQuant(r: Rng, channels: number, taps: number): Quant {
  const inScale = f32(0.002 + r.next() * 0.05);
  const outScale = f32(r.pick([0.001, 0.02, 0.1, 0.5]) * (0.5 + r.next()));
  const wScales = Array.from({ length: channels }, () => (r.next() < 0.05 ? 0 : f32(r.pick([1e-9, 1e-4, 0.003, 0.02, 0.3]) * (0.5 + r.next()))));
  const big = r.next() < 0.2;
  const bias = Array.from({ length: channels }, () => (big ? r.int(-2_000_000_000, 2_000_000_000) : r.int(-200 * taps, 200 * taps)));
  return { inScale, inZp: r.int(-128, 127), outScale, outZp: r.int(-128, 127), wScales, bias };
}

function run(def: ModelDef, input: Int8Array, arithmetic: ArithmeticProfileName): number[] {
  const interp = Interpreter.create(parseModel(buildModel(def)), { arithmetic });
  interp.inputs[0]!.i8.set(input);
  interp.invoke();
  return Array.from(interp.outputs[0]!.i8);
}

const randomInt8 = (r: Rng, n: number) => Int8Array.from({ length: n }, () => r.int(-128, 127));

interface ConvCase {
  depthwise: boolean;
  h: number;
  w: number;
  inC: number;
  outC: number;
  kH: number;
  kW: number;
  stride: number;
  dilation: number;
  same: boolean;
  activation: Activation;
}

function convCase(r: Rng, depthwise: boolean): ConvCase {
  const inC = depthwise ? r.int(1, 40) : r.int(1, 36);
  const k = r.pick([1, 1, 3, 3, 5]);
  return {
    depthwise,
    h: r.int(2 * k, 11),
    w: r.int(2 * k, 11),
    inC,
    outC: depthwise ? inC : r.int(1, 40),
    kH: k,
    kW: r.next() < 0.2 ? r.int(1, 4) : k,
    stride: r.pick([1, 1, 2]),
    dilation: r.next() < 0.2 ? 2 : 1,
    same: r.next() < 0.6,
    activation: r.pick(ACTIVATIONS),
  };
}

function checkConv(seed: number, c: ConvCase) {
  const r = rng(seed);
  const taps = c.depthwise ? c.kH * c.kW : c.kH * c.kW * c.inC;
  const q = randomQuant(r, c.outC, taps);
  const weights = randomInt8(r, c.outC * c.kH * c.kW * (c.depthwise ? 1 : c.inC));
  const input = randomInt8(r, c.h * c.w * c.inC);
  const eff = (k: number) => (k - 1) * c.dilation + 1;
  const out = (n: number, k: number) => (c.same ? Math.ceil(n / c.stride) : Math.floor((n - eff(k)) / c.stride) + 1);
  const outH = out(c.h, c.kH);
  const outW = out(c.w, c.kW);
  const op = c.depthwise ? 'DEPTHWISE_CONV_2D' : 'CONV_2D';
  const act = ACTIVATIONS.indexOf(c.activation) === 2 ? 3 : ACTIVATIONS.indexOf(c.activation);
  const def: ModelDef = {
    tensors: [
      { shape: [1, c.h, c.w, c.inC], type: 'int8', quant: { scale: [q.inScale], zeroPoint: [q.inZp] } },
      {
        shape: c.depthwise ? [1, c.kH, c.kW, c.outC] : [c.outC, c.kH, c.kW, c.inC],
        type: 'int8',
        data: i8(Array.from(weights)),
        quant: { scale: q.wScales, zeroPoint: q.wScales.map(() => 0), dim: c.depthwise ? 3 : 0 },
      },
      { shape: [c.outC], type: 'int32', data: i32(q.bias), quant: { scale: q.wScales.map((s) => s * q.inScale), zeroPoint: q.wScales.map(() => 0) } },
      { shape: [1, outH, outW, c.outC], type: 'int8', quant: { scale: [q.outScale], zeroPoint: [q.outZp] } },
    ],
    ops: [
      c.depthwise
        ? { op, version: 3, inputs: [0, 1, 2], outputs: [3], options: { union: 'DepthwiseConv2DOptions', int8: { 0: c.same ? 0 : 1, 4: act }, int32: { 1: c.stride, 2: c.stride, 3: c.outC / c.inC, 5: c.dilation, 6: c.dilation } } }
        : { op, version: 3, inputs: [0, 1, 2], outputs: [3], options: { union: 'Conv2DOptions', int8: { 0: c.same ? 0 : 1, 3: act }, int32: { 1: c.stride, 2: c.stride, 4: c.dilation, 5: c.dilation } } },
    ],
    inputs: [0],
    outputs: [3],
  };
  const padH = Math.max(0, Math.floor(((outH - 1) * c.stride + eff(c.kH) - c.h) / 2));
  const padW = Math.max(0, Math.floor(((outW - 1) * c.stride + eff(c.kW) - c.w) / 2));
  const { min, max } = activationRange(c.activation, { scale: q.outScale, zeroPoint: q.outZp });
  for (const profile of PROFILES) {
    const rounding = roundingFor(ARITHMETIC_PROFILES[profile], op);
    const mult = q.wScales.map((s) => quantizeMultiplier((q.inScale * s) / q.outScale, rounding));
    const expected: number[] = [];
    for (let oy = 0; oy < outH; oy++) {
      for (let ox = 0; ox < outW; ox++) {
        for (let oc = 0; oc < c.outC; oc++) {
          let acc = 0;
          for (let fy = 0; fy < c.kH; fy++) {
            const iy = oy * c.stride - padH + fy * c.dilation;
            if (iy < 0 || iy >= c.h) continue;
            for (let fx = 0; fx < c.kW; fx++) {
              const ix = ox * c.stride - padW + fx * c.dilation;
              if (ix < 0 || ix >= c.w) continue;
              if (c.depthwise) {
                acc += weights[(fy * c.kW + fx) * c.outC + oc]! * (input[(iy * c.w + ix) * c.inC + Math.floor((oc * c.inC) / c.outC)]! - q.inZp);
              } else {
                for (let ic = 0; ic < c.inC; ic++) acc += weights[((oc * c.kH + fy) * c.kW + fx) * c.inC + ic]! * (input[(iy * c.w + ix) * c.inC + ic]! - q.inZp);
              }
            }
          }
          acc = (acc + q.bias[oc]!) | 0;
          expected.push(clamp(mbqm(rounding)(acc, mult[oc]!.multiplier, mult[oc]!.shift) + q.outZp, min, max));
        }
      }
    }
    expect(run(def, input, profile), `${profile} ${JSON.stringify(c)}`).toEqual(expected);
  }
}

// Hundreds of small models per test: generous time on a loaded machine.
describe('SIMD kernels against the reference arithmetic', { timeout: 60_000 }, () => {
  it('CONV_2D (1×1 direct, im2col, odd sizes)', () => {
    for (let s = 1; s <= 60; s++) checkConv(1000 + s, convCase(rng(s), false));
  });

  it('DEPTHWISE_CONV_2D', () => {
    for (let s = 1; s <= 60; s++) checkConv(2000 + s, convCase(rng(100 + s), true));
  });

  it('DEPTHWISE_CONV_2D with depth multipliers (1 and 3 input channels × 8, odd channels × 2 or 3)', () => {
    for (let s = 1; s <= 30; s++) {
      const r = rng(6000 + s);
      const inC = r.pick([1, 1, 3, 5, 7]);
      const c = convCase(r, true);
      checkConv(6000 + s, { ...c, inC, outC: inC * r.pick([2, 3, 8, 8]) });
    }
  });

  it('DEPTHWISE_CONV_2D with 8 channels at stride 1 (pixel pairs)', () => {
    for (let s = 1; s <= 20; s++) {
      const r = rng(5000 + s);
      const k = r.pick([1, 3, 3, 5]);
      checkConv(5000 + s, { depthwise: true, h: r.int(k, 9), w: r.int(k, 9), inC: 8, outC: 8, kH: k, kW: k, stride: 1, dilation: r.pick([1, 1, 2]), same: r.next() < 0.7, activation: r.pick(ACTIVATIONS) });
    }
  });

  it('DEPTHWISE_CONV_2D in row mode (stride 1, channels not a multiple of 8: one output row as one long pixel)', () => {
    for (let s = 1; s <= 24; s++) {
      const r = rng(7000 + s);
      const C = r.pick([3, 7, 10, 12, 18, 20, 36, 45]);
      const k = r.pick([3, 3, 5]);
      const kW = r.next() < 0.3 ? 1 : k;
      checkConv(7000 + s, { depthwise: true, h: r.int(k, 12), w: r.int(Math.max(2, kW), 30), inC: C, outC: C, kH: k, kW, stride: 1, dilation: r.pick([1, 1, 2]), same: true, activation: r.pick(ACTIVATIONS) });
    }
  });

  it('1×1 convolutions with many pixels and wide channels', () => {
    for (const [h, w, inC, outC] of [
      [6, 6, 128, 128],
      [5, 7, 64, 13],
      [9, 1, 256, 24],
      [3, 3, 7, 64],
    ] as const) {
      checkConv(h * 1000 + outC, { depthwise: false, h, w, inC, outC, kH: 1, kW: 1, stride: 1, dilation: 1, same: true, activation: 'RELU6' });
    }
  });

  it('strided 1×1 convolutions with one output column (1-D shortcuts, one product over the image)', () => {
    for (const [h, w, inC, outC, same] of [
      [49, 1, 16, 24, true],
      [13, 1, 7, 13, false],
      [25, 2, 24, 32, false],
      [8, 1, 40, 9, true],
    ] as const) {
      checkConv(h * 100 + inC, { depthwise: false, h, w, inC, outC, kH: 1, kW: 1, stride: 2, dilation: 1, same, activation: 'NONE' });
    }
  });

  it('FULLY_CONNECTED', () => {
    for (let s = 1; s <= 40; s++) {
      const r = rng(3000 + s);
      const depth = r.int(1, 70);
      const units = r.int(1, 30);
      const batches = r.int(1, 3);
      const q = randomQuant(r, 1, depth);
      const bias = Array.from({ length: units }, () => (r.next() < 0.1 ? r.int(-2e9, 2e9) : r.int(-5000, 5000)));
      const weights = randomInt8(r, units * depth);
      const input = randomInt8(r, batches * depth);
      const activation = r.pick(ACTIVATIONS);
      const wScale = f32(r.pick([0.001, 0.01, 0.2]));
      // Asymmetric weights (not TFLite's int8 spec, but the engine runs them) take the JavaScript path.
      const wZp = r.next() < 0.3 ? r.int(-20, 20) : 0;
      const def: ModelDef = {
        tensors: [
          { shape: [batches, depth], type: 'int8', quant: { scale: [q.inScale], zeroPoint: [q.inZp] } },
          { shape: [units, depth], type: 'int8', data: i8(Array.from(weights)), quant: { scale: [wScale], zeroPoint: [wZp] } },
          { shape: [units], type: 'int32', data: i32(bias), quant: { scale: [wScale * q.inScale], zeroPoint: [0] } },
          { shape: [batches, units], type: 'int8', quant: { scale: [q.outScale], zeroPoint: [q.outZp] } },
        ],
        ops: [{ op: 'FULLY_CONNECTED', inputs: [0, 1, 2], outputs: [3], options: { union: 'FullyConnectedOptions', int8: { 0: ACTIVATIONS.indexOf(activation) === 2 ? 3 : ACTIVATIONS.indexOf(activation) } } }],
        inputs: [0],
        outputs: [3],
      };
      const { min, max } = activationRange(activation, { scale: q.outScale, zeroPoint: q.outZp });
      for (const profile of PROFILES) {
        const rounding = roundingFor(ARITHMETIC_PROFILES[profile], 'FULLY_CONNECTED');
        const m = perTensorMultiplier(q.inScale, wScale, q.outScale, rounding);
        const expected: number[] = [];
        for (let b = 0; b < batches; b++) {
          for (let u = 0; u < units; u++) {
            let acc = 0;
            for (let d = 0; d < depth; d++) acc += (weights[u * depth + d]! - wZp) * (input[b * depth + d]! - q.inZp);
            acc = (acc + bias[u]!) | 0;
            expected.push(clamp(mbqm(rounding)(acc, m.multiplier, m.shift) + q.outZp, min, max));
          }
        }
        expect(run(def, input, profile), `${profile} seed ${s}`).toEqual(expected);
      }
    }
  });
  it('AVERAGE_POOL_2D (partial windows at the borders, channel tails)', () => {
    for (let s = 1; s <= 30; s++) {
      const r = rng(4000 + s);
      const [h, w, C] = [r.int(1, 9), r.int(1, 9), r.int(1, 40)];
      const [fh, fw] = [r.int(1, Math.min(h, 4)), r.int(1, Math.min(w, 4))];
      const stride = r.int(1, 2);
      const same = r.next() < 0.5;
      const activation = r.pick(ACTIVATIONS);
      const zp = r.int(-128, 127);
      const outH = same ? Math.ceil(h / stride) : Math.floor((h - fh) / stride) + 1;
      const outW = same ? Math.ceil(w / stride) : Math.floor((w - fw) / stride) + 1;
      const input = randomInt8(r, h * w * C);
      const quant = { scale: [0.05], zeroPoint: [zp] };
      const act = ACTIVATIONS.indexOf(activation) === 2 ? 3 : ACTIVATIONS.indexOf(activation);
      const def: ModelDef = {
        tensors: [
          { shape: [1, h, w, C], type: 'int8', quant },
          { shape: [1, outH, outW, C], type: 'int8', quant },
        ],
        ops: [{ op: 'AVERAGE_POOL_2D', inputs: [0], outputs: [1], options: { union: 'Pool2DOptions', int8: { 0: same ? 0 : 1, 5: act }, int32: { 1: stride, 2: stride, 3: fw, 4: fh } } }],
        inputs: [0],
        outputs: [1],
      };
      const padH = Math.max(0, Math.floor(((outH - 1) * stride + fh - h) / 2));
      const padW = Math.max(0, Math.floor(((outW - 1) * stride + fw - w) / 2));
      const { min, max } = activationRange(activation, { scale: 0.05, zeroPoint: zp });
      const expected: number[] = [];
      for (let oy = 0; oy < outH; oy++) {
        for (let ox = 0; ox < outW; ox++) {
          for (let c = 0; c < C; c++) {
            let sum = 0;
            let count = 0;
            for (let fy = 0; fy < fh; fy++) {
              for (let fx = 0; fx < fw; fx++) {
                const iy = oy * stride - padH + fy;
                const ix = ox * stride - padW + fx;
                if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;
                sum += input[(iy * w + ix) * C + c]!;
                count++;
              }
            }
            // Rounded half away from zero, as C++'s (sum ± count/2) / count.
            const half = Math.floor(count / 2);
            expected.push(clamp(Math.trunc((sum > 0 ? sum + half : sum - half) / count) | 0, min, max));
          }
        }
      }
      expect(run(def, input, 'tflite'), `seed ${s}`).toEqual(expected);
    }
  });
});
