/**
 * LOGISTIC int8 → int8 as TensorFlow Lite Micro computes it (logistic_common.cc
 * CalculateArithmeticOpDataLogistic, reference_integer_ops::Logistic): x − zp_in is scaled to Q4.27
 * with a multiplier taken straight from frexp(s_in · 2^27), gemmlowp::logistic gives Q0.31, which is
 * rounded to Q0.7 (2^-8 steps) and offset by −128; inputs at or beyond ±radius saturate.
 *
 * The result depends on the input byte only, so prepare evaluates the arithmetic for all 256 values
 * and eval is a table lookup.
 */
import {
  expOnNegativeValues,
  frexp,
  oneOverOnePlusXForXIn01,
  requantizer,
  roundHalfAwayFromZero,
  roundingDivideByPOT,
  type Rounding,
} from '../fixed-point.js';
import { unaryInt8, lookupEval } from './int8-unary.js';
import { ensure, type Kernel, type PrepareContext } from '../kernel.js';
import { INT8_MAX, INT8_MIN, scaleZp } from '../quant-params.js';

const INPUT_INTEGER_BITS = 4;
const INT32_MAX = 2147483647;

/**
 * The int8 input scaling shared by LOGISTIC and TANH: input_real_multiplier = s_in · 2^27 (double),
 * multiplier = round(frexp fraction · 2^31) (no 2^31 fix-up: a float32 scale's fraction has 24 bits),
 * and CalculateInputRadius(4, left_shift, 31) = floor(15 · 2^27 / 2^left_shift).
 */
export function q4InputParams(ctx: PrepareContext, inputScale: number): { multiplier: number; leftShift: number; radius: number } {
  ensure(ctx, inputScale > 0 && Number.isFinite(inputScale), 'input scale must be positive and finite');
  const [q, leftShift] = frexp(inputScale * 2 ** (31 - INPUT_INTEGER_BITS));
  // CalculateInputRadius shifts 1LL by left_shift: negative or ≥ 63 is undefined in C++.
  ensure(ctx, leftShift >= 0 && leftShift <= 62, `input scale ${inputScale} is out of range`);
  const multiplier = roundHalfAwayFromZero(q * 2 ** 31);
  ensure(ctx, multiplier < 2 ** 31, 'input multiplier overflows int32');
  const radius = Math.floor((((1 << INPUT_INTEGER_BITS) - 1) * 2 ** (31 - INPUT_INTEGER_BITS)) / 2 ** leftShift);
  return { multiplier, leftShift, radius };
}

/** gemmlowp::logistic for a Q4.27 raw value; Q0.31 raw result. */
function logisticQ4(a: number): number {
  if (a === 0) return 1 << 30; // one half
  const abs = a > 0 ? a : -a;
  const positive = oneOverOnePlusXForXIn01(expOnNegativeValues(-abs, INPUT_INTEGER_BITS));
  return a > 0 ? positive : (INT32_MAX - positive) | 0;
}

/** reference_integer_ops::Logistic (int8) for one input value. */
function logisticInt8(v: number, zeroPoint: number, radius: number, multiplier: number, leftShift: number, rounding: Rounding): number {
  const input = v - zeroPoint;
  if (input <= -radius) return INT8_MIN;
  if (input >= radius) return INT8_MAX;
  const inQ4 = requantizer(rounding)(input, multiplier, leftShift);
  const out = roundingDivideByPOT(logisticQ4(inQ4), 31 - 8) - 128;
  return Math.min(INT8_MAX, Math.max(INT8_MIN, out));
}

export default {
  op: 'LOGISTIC',
  prepare(ctx) {
    const { input, output, qi } = unaryInt8(ctx);
    const qo = scaleZp(ctx, output.tensor);
    // TFLM checks the zero point only (its own tests use scale 1/255); the kernel writes 2^-8 steps
    // whatever the output scale says, and so does this one.
    ensure(ctx, qo.zeroPoint === -128, 'int8 logistic output must have zero point -128');
    ensure(ctx, qi.zeroPoint >= INT8_MIN && qi.zeroPoint <= INT8_MAX, 'input zero point must fit int8');
    const { multiplier, leftShift, radius } = q4InputParams(ctx, qi.scale);
    const table = new Int8Array(256);
    for (let v = INT8_MIN; v <= INT8_MAX; v++) table[v + 128] = logisticInt8(v, qi.zeroPoint, radius, multiplier, leftShift, ctx.rounding);
    return lookupEval(ctx, table, input, output);
  },
} satisfies Kernel;
