/**
 * TANH int8 → int8 as TensorFlow Lite Micro computes it (tanh.cc CalculateArithmeticOpData,
 * reference_integer_ops::Tanh): x − zp_in is scaled to Q4.27 exactly as LOGISTIC does, gemmlowp::tanh
 * gives Q0.31, which is rounded to Q0.7 (2^-7 steps, zero point 0); inputs at or beyond ±radius
 * saturate. The output tensor's own quantization is not consulted (nor checked), as in TFLM.
 *
 * The result depends on the input byte only, so prepare evaluates the arithmetic for all 256 values
 * and eval is a table lookup.
 */
import {
  expOnNegativeValues,
  requantizer,
  rescale,
  roundingDivideByPOT,
  roundingHalfSum,
  saturatingRoundingDoublingHighMul as mul,
  type Rounding,
} from '../fixed-point.js';
import { unaryInt8, lookupEval } from './int8-unary.js';
import { ensure, type Kernel } from '../kernel.js';
import { INT8_MAX, INT8_MIN } from '../quant-params.js';
import { q4InputParams } from './logistic.js';

const INT32_MAX = 2147483647;

/** gemmlowp one_minus_x_over_one_plus_x_for_x_in_0_1: Q0.31 in and out (Newton–Raphson, 3 steps). */
function oneMinusXOverOnePlusXForXIn01(a: number): number {
  const halfDenominator = roundingHalfSum(a, INT32_MAX);
  const c48Over17 = 1515870810; // Q2.29
  const cNeg32Over17 = -1010580540; // Q2.29
  const oneQ2 = 1 << 29;
  let x = (c48Over17 + mul(halfDenominator, cNeg32Over17)) | 0;
  for (let i = 0; i < 3; i++) {
    const oneMinus = (oneQ2 - mul(halfDenominator, x)) | 0;
    x = (x + rescale(mul(x, oneMinus), 4, 2)) | 0;
  }
  // Rescale<0>(x − F2::One()).
  return rescale((x - oneQ2) | 0, 2, 0);
}

/** gemmlowp::tanh for a Q4.27 raw value; Q0.31 raw result. */
function tanhQ4(a: number): number {
  if (a === 0) return 0;
  const n = a < 0 ? a : -a;
  // neg_tanh_on_negative_values: exp of ExactMulByPot<1>(n), i.e. the same raw read as Q5.26.
  const t = oneMinusXOverOnePlusXForXIn01(expOnNegativeValues(n, 5));
  return a < 0 ? -t | 0 : t;
}

/** reference_integer_ops::Tanh (int8) for one input value. */
function tanhInt8(v: number, zeroPoint: number, radius: number, multiplier: number, leftShift: number, rounding: Rounding): number {
  const input = v - zeroPoint;
  if (input <= -radius) return INT8_MIN;
  if (input >= radius) return INT8_MAX;
  const inQ4 = requantizer(rounding)(input, multiplier, leftShift);
  const out = roundingDivideByPOT(tanhQ4(inQ4), 31 - 7);
  return Math.min(INT8_MAX, Math.max(INT8_MIN, out));
}

export default {
  op: 'TANH',
  prepare(ctx) {
    const { input, output, qi } = unaryInt8(ctx);
    // TFLM does not check the output's quantization: the kernel writes 2^-7 steps around zero (the
    // converter's scale 1/128, zero point 0) whatever it says, and so does this one.
    ensure(ctx, qi.zeroPoint >= INT8_MIN && qi.zeroPoint <= INT8_MAX, 'input zero point must fit int8');
    const { multiplier, leftShift, radius } = q4InputParams(ctx, qi.scale);
    const table = new Int8Array(256);
    for (let v = INT8_MIN; v <= INT8_MAX; v++) table[v + 128] = tanhInt8(v, qi.zeroPoint, radius, multiplier, leftShift, ctx.rounding);
    return lookupEval(ctx, table, input, output);
  },
} satisfies Kernel;
