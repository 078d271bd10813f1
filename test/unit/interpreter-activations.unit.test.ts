/**
 * Elementwise int8 activations (RELU, RELU6, LEAKY_RELU, LOGISTIC, TANH, HARD_SWISH) against an
 * independent transcription of TensorFlow Lite Micro's reference arithmetic: int32/int64 steps in
 * BigInt, float32 steps with Math.fround, over all 256 input bytes, several scale/zero-point pairs and
 * both requantization roundings. A float sanity check guards against a misreading shared by the
 * kernel and this transcription.
 */
import { describe, expect, it } from 'vitest';
import { Interpreter } from '../../grader/interpreter/interpreter.js';
import { UnsupportedModelError, type Kernel } from '../../grader/interpreter/kernel.js';
import hardSwish from '../../grader/interpreter/kernels/hard-swish.js';
import leakyRelu from '../../grader/interpreter/kernels/leaky-relu.js';
import logistic from '../../grader/interpreter/kernels/logistic.js';
import relu from '../../grader/interpreter/kernels/relu.js';
import relu6 from '../../grader/interpreter/kernels/relu6.js';
import tanh from '../../grader/interpreter/kernels/tanh.js';
import { parseModel } from '../../grader/tflite/parse.js';
import { buildModel, type OpDef } from '../../grader/tflite/builder.js';

// ───────────────────────── model plumbing ─────────────────────────

type Arithmetic = 'tflm' | 'tflm-single';
const ARITHMETICS: readonly Arithmetic[] = ['tflm', 'tflm-single'];
const SINGLE: Record<Arithmetic, boolean> = { tflm: false, 'tflm-single': true };

/** Every int8 value once, in order −128…127. */
const ALL_INT8 = Array.from({ length: 256 }, (_, i) => i - 128);

interface Q {
  scale: number;
  zp: number;
}

function singleOpModel(op: string, inQ: Q, outQ: Q, options?: OpDef['options']) {
  const q = (x: Q) => ({ scale: [x.scale], zeroPoint: [x.zp] });
  return buildModel({
    tensors: [
      { name: 'x', shape: [1, 16, 16], type: 'int8', quant: q(inQ) },
      { name: 'y', shape: [1, 16, 16], type: 'int8', quant: q(outQ) },
    ],
    ops: [{ op, inputs: [0], outputs: [1], ...(options ? { options } : {}) }],
    inputs: [0],
    outputs: [1],
  });
}

function run(kernel: Kernel, model: Uint8Array, arithmetic: Arithmetic, input: number[] = ALL_INT8): number[] {
  const interp = Interpreter.create(parseModel(model), { arithmetic, kernels: new Map([[kernel.op, kernel]]) });
  interp.inputs[0]!.i8.set(input);
  interp.invoke();
  return Array.from(interp.outputs[0]!.i8);
}

function prepareError(kernel: Kernel, model: Uint8Array): unknown {
  try {
    Interpreter.create(parseModel(model), { arithmetic: 'tflm', kernels: new Map([[kernel.op, kernel]]) });
    return null;
  } catch (e) {
    return e;
  }
}

// ───────────────────────── reference arithmetic (BigInt) ─────────────────────────

const f32 = Math.fround;
const I32_MIN = -(1n << 31n);
const I32_MAX = (1n << 31n) - 1n;
const i32 = (x: bigint) => BigInt.asIntN(32, x);
const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));
/** C++ integer division truncates toward zero; so does BigInt division. */
const div = (a: bigint, b: bigint) => a / b;

/** std::frexp through the IEEE-754 bits (normal, positive x). */
function frexpRef(x: number): [number, number] {
  const dv = new DataView(new ArrayBuffer(8));
  dv.setFloat64(0, x);
  const hi = dv.getUint32(0);
  const biased = (hi >>> 20) & 0x7ff;
  expect(biased).toBeGreaterThan(0);
  dv.setUint32(0, (hi & ~(0x7ff << 20)) | (1022 << 20));
  return [dv.getFloat64(0), biased - 1022];
}

/** TfLiteRound(q · 2^31) for q in [0.5, 1) or (−1, −0.5], as int64. */
function roundQ31(q: number): bigint {
  const v = q * 2 ** 31; // exact
  const t = Math.trunc(v);
  const frac = Math.abs(v - t);
  return BigInt(t) + (frac >= 0.5 ? (v < 0 ? -1n : 1n) : 0n);
}

/** QuantizeMultiplier (quantization_util.cc). */
function quantizeMultiplierRef(d: number, single: boolean): { m: bigint; shift: number } {
  if (d === 0) return { m: 0n, shift: 0 };
  const [q, e] = frexpRef(Math.abs(d));
  let shift = e;
  let qFixed = roundQ31(d < 0 ? -q : q);
  if (qFixed === 1n << 31n) {
    qFixed /= 2n;
    shift++;
  }
  if (shift < -31) return { m: 0n, shift: 0 };
  if (single && shift > 30) return { m: (1n << 31n) - 1n, shift: 30 };
  return { m: qFixed, shift };
}

function srdhm(a: bigint, b: bigint): bigint {
  if (a === I32_MIN && b === I32_MIN) return I32_MAX;
  const ab = a * b;
  const nudge = ab >= 0n ? 1n << 30n : 1n - (1n << 30n);
  return i32(div(ab + nudge, 1n << 31n));
}

function rdbpot(x: bigint, exponent: number): bigint {
  const e = BigInt(exponent);
  const mask = (1n << e) - 1n;
  const remainder = x & mask;
  const threshold = (mask >> 1n) + (x < 0n ? 1n : 0n);
  return (x >> e) + (remainder > threshold ? 1n : 0n);
}

/** MultiplyByQuantizedMultiplier(int32 x, …) of either build. */
function mbqm(x: bigint, m: bigint, shift: number, single: boolean): bigint {
  if (single) {
    const total = BigInt(31 - shift);
    return i32((x * m + (1n << (total - 1n))) >> total);
  }
  const left = shift > 0 ? shift : 0;
  const right = shift > 0 ? 0 : -shift;
  return rdbpot(srdhm(i32(x * (1n << BigInt(left))), m), right);
}

/** gemmlowp SaturatingRoundingMultiplyByPOT<exponent> for int32. */
function srmpot(x: bigint, exponent: number): bigint {
  if (exponent === 0) return x;
  if (exponent < 0) return rdbpot(x, -exponent);
  const threshold = (1n << BigInt(31 - exponent)) - 1n;
  if (x > threshold) return I32_MAX;
  if (x < -threshold) return I32_MIN;
  return x << BigInt(exponent);
}

function roundingHalfSumRef(a: bigint, b: bigint): bigint {
  const sum = a + b;
  return i32(div(sum + (sum >= 0n ? 1n : -1n), 2n));
}

function expQuarterRef(a: bigint): bigint {
  const constantTerm = 1895147668n;
  const oneThird = 715827883n;
  const x = i32(a + (1n << 28n));
  const x2 = srdhm(x, x);
  const x3 = srdhm(x2, x);
  const x4 = srdhm(x2, x2);
  const x4Over4 = srmpot(x4, -2);
  const poly = srmpot(i32(srdhm(i32(x4Over4 + x3), oneThird) + x2), -1);
  return i32(constantTerm + srdhm(constantTerm, i32(x + poly)));
}

/** gemmlowp exp_on_negative_values for FixedPoint<int32, integerBits>. */
function expNegRef(a: bigint, integerBits: number): bigint {
  const fractionalBits = 31 - integerBits;
  const quarter = 1n << BigInt(fractionalBits - 2);
  const aModQMinusQ = i32((a & (quarter - 1n)) - quarter);
  let result = expQuarterRef(srmpot(aModQMinusQ, integerBits)); // Rescale<0>
  const remainder = i32(aModQMinusQ - a);
  const barrel: [number, bigint][] = [
    [-2, 1672461947n],
    [-1, 1302514674n],
    [0, 790015084n],
    [1, 290630308n],
    [2, 39332535n],
    [3, 720401n],
    [4, 242n],
  ];
  for (const [exponent, multiplier] of barrel) {
    if (integerBits > exponent && (remainder & (1n << BigInt(fractionalBits + exponent))) !== 0n) result = srdhm(result, multiplier);
  }
  if (integerBits > 5 && a < -(1n << BigInt(36 - integerBits))) result = 0n;
  return a === 0n ? I32_MAX : result;
}

/** The Newton–Raphson division shared by gemmlowp's logistic and tanh helpers; returns x in Q2.29. */
function newtonRef(a: bigint): [bigint, bigint] {
  const half = roundingHalfSumRef(a, I32_MAX);
  let x = i32(1515870810n + srdhm(half, -1010580540n));
  for (let i = 0; i < 3; i++) {
    const oneMinus = i32((1n << 29n) - srdhm(half, x));
    x = i32(x + srmpot(srdhm(x, oneMinus), 2)); // Rescale<2> from Q4
  }
  return [x, half];
}

function logisticRef(a: bigint): bigint {
  if (a === 0n) return 1n << 30n;
  const abs = a > 0n ? a : -a;
  const [x] = newtonRef(expNegRef(-abs, 4));
  const positive = srmpot(x, 1); // Rescale<0>(ExactMulByPot<-1>(x))
  return a > 0n ? positive : i32(I32_MAX - positive);
}

function tanhRef(a: bigint): bigint {
  if (a === 0n) return 0n;
  const n = a < 0n ? a : -a;
  const [x] = newtonRef(expNegRef(n, 5));
  const t = srmpot(i32(x - (1n << 29n)), 2); // Rescale<0>(x − 1)
  return a < 0n ? i32(-t) : t;
}

/** The Q4.27 input scaling of LOGISTIC and TANH (logistic_common.cc / tanh.cc). */
function q4Params(scale: number): { m: bigint; shift: number; radius: number } {
  const [q, shift] = frexpRef(scale * 2 ** 27);
  return { m: roundQ31(q), shift, radius: Math.floor((15 * 2 ** 27) / 2 ** shift) };
}

// ───────────────────────── per-op references ─────────────────────────

function reluRef(inQ: Q, outQ: Q, single: boolean): number[] {
  const { m, shift } = quantizeMultiplierRef(f32(f32(inQ.scale) / f32(outQ.scale)), single);
  const lo = Math.max(-128, outQ.zp);
  return ALL_INT8.map((v) => clamp(Number(BigInt(outQ.zp) + mbqm(BigInt(v - inQ.zp), m, shift, single)), lo, 127));
}

function relu6Ref(inQ: Q): number[] {
  const r = f32(6 / f32(inQ.scale));
  const six = clamp(Math.sign(r) * Math.floor(Math.abs(r) + 0.5) + inQ.zp, -128, 127);
  return ALL_INT8.map((v) => clamp(v, inQ.zp, six));
}

function leakyReluRef(inQ: Q, outQ: Q, alpha: number, single: boolean): number[] {
  const sIn = f32(inQ.scale);
  const sOut = f32(outQ.scale);
  const a = quantizeMultiplierRef(f32(f32(sIn * f32(alpha)) / sOut), single);
  const id = quantizeMultiplierRef(f32(sIn / sOut), single);
  const neg = a.m < 0n;
  const safe = neg ? -a.m : a.m;
  return ALL_INT8.map((v) => {
    const d = BigInt(v - inQ.zp);
    let out = BigInt(outQ.zp);
    if (d >= 0n) out += mbqm(d, id.m, id.shift, single);
    else {
      const s = mbqm(d, safe, a.shift, single);
      out += neg ? -s : s;
    }
    return clamp(Number(out), -128, 127);
  });
}

function logisticRefAll(inQ: Q, single: boolean): number[] {
  const { m, shift, radius } = q4Params(f32(inQ.scale));
  return ALL_INT8.map((v) => {
    const x = v - inQ.zp;
    if (x <= -radius) return -128;
    if (x >= radius) return 127;
    const out = rdbpot(logisticRef(mbqm(BigInt(x), m, shift, single)), 23);
    return clamp(Number(out) - 128, -128, 127);
  });
}

function tanhRefAll(inQ: Q, single: boolean): number[] {
  const { m, shift, radius } = q4Params(f32(inQ.scale));
  return ALL_INT8.map((v) => {
    const x = v - inQ.zp;
    if (x <= -radius) return -128;
    if (x >= radius) return 127;
    const out = rdbpot(tanhRef(mbqm(BigInt(x), m, shift, single)), 24);
    return clamp(Number(out), -128, 127);
  });
}

// int16 helpers of hard_swish.h / gemmlowp, written as plain C-style integer arithmetic.
const s16 = (x: number) => {
  const r = ((x % 65536) + 65536) % 65536;
  return r >= 32768 ? r - 65536 : r;
};
const srdhm16Ref = (a: number, b: number) => {
  if (a === -32768 && b === -32768) return 32767;
  const ab = a * b;
  return s16(Math.trunc((ab + (ab >= 0 ? 16384 : 1 - 16384)) / 32768));
};
const sdhm16Ref = (a: number, b: number) => (a === -32768 && b === -32768 ? 32767 : s16(Math.trunc((a * b) / 32768)));
const rdbpot16Ref = (x: number, e: number) => {
  const mask = s16(2 ** e - 1);
  const remainder = s16(Number(BigInt(x) & BigInt(mask)));
  const threshold = s16(Math.floor(mask / 2) + (x < 0 ? 1 : 0));
  return s16(Math.floor(x / 2 ** e) + (remainder > threshold ? 1 : 0));
};
const satShl16Ref = (v: number, amount: number) => clamp(v * 2 ** amount, -32768, 32767);
const downScaleRef = (m: bigint) => (m >= 2147483647n - 32768n ? 32767 : Number((m + 32768n) >> 16n));

function hardSwishRef(inQ: Q, outQ: Q, single: boolean): number[] {
  const hires = f32(f32(1 / 128) * f32(inQ.scale));
  const outM = quantizeMultiplierRef(f32(hires / f32(outQ.scale)), single);
  const reluM = quantizeMultiplierRef(f32(hires / f32(3 / 32768)), single);
  expect(outM.shift).toBeLessThanOrEqual(0);
  const outMult = downScaleRef(outM.m);
  const reluMult = downScaleRef(reluM.m);
  return ALL_INT8.map((v) => {
    const inputValue = s16(v - inQ.zp);
    const hi = s16(inputValue * 128);
    const preshift = srdhm16Ref(hi, outMult);
    let r = hi;
    if (reluM.shift > 0) r = satShl16Ref(r, reluM.shift - 1);
    r = srdhm16Ref(r, reluMult);
    if (reluM.shift > 0) r = satShl16Ref(r, 1);
    if (reluM.shift < 0) r = rdbpot16Ref(r, -reluM.shift);
    r = s16(Math.floor((r + 32768) / 2));
    const pre = sdhm16Ref(r, preshift);
    const out = s16(rdbpot16Ref(pre, -outM.shift) + outQ.zp);
    return clamp(out, -128, 127);
  });
}

/** Largest |kernel − float| in output steps, over all inputs. */
function maxFloatError(got: number[], inQ: Q, outQ: Q, f: (x: number) => number): number {
  let worst = 0;
  got.forEach((y, i) => {
    const want = clamp(f((ALL_INT8[i]! - inQ.zp) * inQ.scale) / outQ.scale + outQ.zp, -128, 127);
    worst = Math.max(worst, Math.abs(y - want));
  });
  return worst;
}

// ───────────────────────── tests ─────────────────────────

const q = (scale: number, zp: number): Q => ({ scale, zp });

describe.each(ARITHMETICS)('int8 activations, %s rounding', (arithmetic) => {
  const single = SINGLE[arithmetic];

  it.each([
    [q(0.05, -3), q(0.025, -128)],
    [q(0.1, 10), q(0.1, 10)],
    [q(0.02, 0), q(0.5, -128)],
    [q(0.3, -128), q(0.01, -128)],
    [q(0.0123, 5), q(0.0117, -100)],
  ])('RELU %o → %o', (inQ, outQ) => {
    const got = run(relu, singleOpModel('RELU', inQ, outQ), arithmetic);
    expect(got).toEqual(reluRef(inQ, outQ, single));
    expect(maxFloatError(got, inQ, outQ, (x) => Math.max(0, x))).toBeLessThan(1);
  });

  it.each([q(0.05, -3), q(0.03, 20), q(0.01, -128), q(0.1, 100), q(0.0234, -7)])('RELU6 %o', (inQ) => {
    const got = run(relu6, singleOpModel('RELU6', inQ, q(0.2, 50)), arithmetic);
    expect(got).toEqual(relu6Ref(inQ));
    // TFLM clamps the raw input: the output is on the input's scale and zero point.
    expect(maxFloatError(got, inQ, inQ, (x) => Math.min(6, Math.max(0, x)))).toBeLessThanOrEqual(0.5 + 1e-6);
  });

  it.each([
    [q(0.05, -3), q(0.04, 10), 0.2],
    [q(0.1, 0), q(0.1, 0), 0.01],
    [q(0.02, 40), q(0.03, -20), -0.5],
    [q(0.06, -100), q(0.05, 5), 1.5],
    [q(0.07, 12), q(0.02, -128), 0],
  ])('LEAKY_RELU %o → %o, alpha %d', (inQ, outQ, alpha) => {
    const got = run(leakyRelu, singleOpModel('LEAKY_RELU', inQ, outQ, { union: 'LeakyReluOptions', float: { 0: alpha } }), arithmetic);
    expect(got).toEqual(leakyReluRef(inQ, outQ, alpha, single));
    expect(maxFloatError(got, inQ, outQ, (x) => (x > 0 ? x : x * f32(alpha)))).toBeLessThan(1);
  });

  it.each([q(0.1, -3), q(0.0625, 0), q(0.03, 50), q(0.2, -128), q(1.7, 10), q(0.004, 0), q(0.0371, -20)])('LOGISTIC %o', (inQ) => {
    const outQ = q(1 / 256, -128);
    const got = run(logistic, singleOpModel('LOGISTIC', inQ, outQ), arithmetic);
    expect(got).toEqual(logisticRefAll(inQ, single));
    expect(maxFloatError(got, inQ, outQ, (x) => 1 / (1 + Math.exp(-x)))).toBeLessThanOrEqual(1);
  });

  it.each([q(0.1, -3), q(0.0625, 0), q(0.03, 50), q(0.2, -128), q(1.7, 10), q(0.004, 0), q(0.0371, -20)])('TANH %o', (inQ) => {
    const outQ = q(1 / 128, 0);
    const got = run(tanh, singleOpModel('TANH', inQ, outQ), arithmetic);
    expect(got).toEqual(tanhRefAll(inQ, single));
    expect(maxFloatError(got, inQ, outQ, Math.tanh)).toBeLessThanOrEqual(1);
  });

  it.each([
    [q(0.05, -3), q(0.03, -50)],
    [q(0.1, 0), q(0.1, 0)],
    [q(0.005, 20), q(0.004, -10)],
    [q(0.002, -128), q(0.001, -128)],
    [q(0.5, 7), q(0.4, -90)],
    [q(0.0234, 60), q(0.0191, -120)],
  ])('HARD_SWISH %o → %o', (inQ, outQ) => {
    const got = run(hardSwish, singleOpModel('HARD_SWISH', inQ, outQ, { union: 'HardSwishOptions' }), arithmetic);
    expect(got).toEqual(hardSwishRef(inQ, outQ, single));
    expect(maxFloatError(got, inQ, outQ, (x) => (x * Math.min(6, Math.max(0, x + 3))) / 6)).toBeLessThanOrEqual(1.5);
  });
});

describe('int8 activations, hand-checked values and refusals', () => {
  it('LOGISTIC and TANH of zero are exactly one half and zero', () => {
    const inQ = q(0.1, 7);
    expect(run(logistic, singleOpModel('LOGISTIC', inQ, q(1 / 256, -128)), 'tflm', Array<number>(256).fill(7))[0]).toBe(0);
    expect(run(tanh, singleOpModel('TANH', inQ, q(1 / 128, 0)), 'tflm', Array<number>(256).fill(7))[0]).toBe(0);
  });

  it('RELU6 ignores the output quantization, as TFLM does', () => {
    // scale 0.05: six = round(6 / 0.05) + zp = 120 + (−3) = 117.
    const got = run(relu6, singleOpModel('RELU6', q(0.05, -3), q(1, 0)), 'tflm', [-128, -4, -3, 0, 116, 117, 118, 127, ...Array<number>(248).fill(0)]);
    expect(got.slice(0, 8)).toEqual([-3, -3, -3, 0, 116, 117, 117, 117]);
  });

  it('LOGISTIC and TANH ignore the output scale (and TANH its zero point), as TFLM does', () => {
    const inQ = q(0.05, 3);
    const std = run(logistic, singleOpModel('LOGISTIC', inQ, q(1 / 256, -128)), 'tflm');
    expect(run(logistic, singleOpModel('LOGISTIC', inQ, q(1 / 255, -128)), 'tflm')).toEqual(std);
    const stdTanh = run(tanh, singleOpModel('TANH', inQ, q(1 / 128, 0)), 'tflm');
    expect(run(tanh, singleOpModel('TANH', inQ, q(0.01, 9)), 'tflm')).toEqual(stdTanh);
  });

  it('LEAKY_RELU without options uses alpha 0', () => {
    const got = run(leakyRelu, singleOpModel('LEAKY_RELU', q(0.1, 0), q(0.1, 0)), 'tflm');
    expect(got).toEqual(ALL_INT8.map((v) => Math.max(0, v)));
  });

  it('refuses non-int8 tensors, a LOGISTIC output zero point other than -128, an output multiplier ≥ 1 in HARD_SWISH', () => {
    expect(prepareError(logistic, singleOpModel('LOGISTIC', q(0.1, 0), q(1 / 256, 0)))).toBeInstanceOf(UnsupportedModelError);
    // HARD_SWISH needs s_in / (128 · s_out) < 1.
    expect(prepareError(hardSwish, singleOpModel('HARD_SWISH', q(1, 0), q(0.001, 0)))).toBeInstanceOf(UnsupportedModelError);
    for (const k of [relu, relu6, leakyRelu, logistic, tanh, hardSwish]) {
      const model = buildModel({
        tensors: [
          { shape: [4], type: 'float32' },
          { shape: [4], type: 'float32' },
        ],
        ops: [{ op: k.op, inputs: [0], outputs: [1] }],
        inputs: [0],
        outputs: [1],
      });
      expect(prepareError(k, model)).toBeInstanceOf(UnsupportedModelError);
    }
  });
});
