/**
 * HARD_SWISH int8 → int8 as TensorFlow Lite Micro computes it (hard_swish_common.cc HardSwishPrepare,
 * reference_ops::HardSwish<int8_t>): 16-bit fixed point throughout. The input goes to a "hi-res" scale
 * (·2^7), is multiplied onto the output scale and, separately, onto a "relu-ish" scale where 3.0 is
 * 32768, mapped to [0, 1], and the two are multiplied (truncating SQDMULH) and shifted to the output.
 * Multipliers come from float32 quotients, QuantizeMultiplier, and DownScaleInt32ToInt16Multiplier.
 *
 * The result depends on the input byte only, so prepare evaluates the arithmetic for all 256 values
 * and eval is a table lookup.
 */
import { quantizeMultiplier } from '../fixed-point.js';
import { unaryInt8, lookupEval } from './int8-unary.js';
import { ensure, type Kernel } from '../kernel.js';
import { INT8_MAX, INT8_MIN, scaleZp } from '../quant-params.js';

const INT16_MIN = -32768;
const INT16_MAX = 32767;
const INT32_MAX_MINUS_ROUNDING = 2147483647 - (1 << 15);

/** static_cast<int16_t>: keep the low 16 bits, sign-extended. */
const toI16 = (x: number): number => (x << 16) >> 16;

/** DownScaleInt32ToInt16Multiplier (multiplier ≥ 0). */
function downScaleToInt16(m: number): number {
  if (m >= INT32_MAX_MINUS_ROUNDING) return INT16_MAX;
  return (m + (1 << 15)) >> 16;
}

/** gemmlowp SaturatingRoundingDoublingHighMul<int16_t>. */
function srdhm16(a: number, b: number): number {
  if (a === INT16_MIN && b === INT16_MIN) return INT16_MAX;
  const ab = a * b;
  const nudge = ab >= 0 ? 1 << 14 : 1 - (1 << 14);
  return toI16(Math.trunc((ab + nudge) / 32768));
}

/** reference_ops::SaturatingDoublingHighMul: like srdhm16 but truncating (SQDMULH). */
function sdhm16(a: number, b: number): number {
  if (a === INT16_MIN && b === INT16_MIN) return INT16_MAX;
  return toI16(Math.trunc((a * b) / 32768));
}

/**
 * gemmlowp RoundingDivideByPOT<int16_t> (0 ≤ exponent ≤ 31), including its mask narrowing to 16 bits
 * for exponents ≥ 16.
 */
function roundingDivideByPOT16(x: number, exponent: number): number {
  const mask = exponent >= 16 ? -1 : (1 << exponent) - 1;
  const remainder = x & mask;
  const threshold = toI16((mask >> 1) + (x < 0 ? 1 : 0));
  return toI16((x >> exponent) + (remainder > threshold ? 1 : 0));
}

/** reference_ops::SaturatingLeftShift (int16, 0 ≤ amount ≤ 30). */
function saturatingLeftShift16(v: number, amount: number): number {
  const r = v * 2 ** amount;
  return r > INT16_MAX ? INT16_MAX : r < INT16_MIN ? INT16_MIN : r;
}

interface HardSwishParams {
  inputZeroPoint: number;
  outputZeroPoint: number;
  outputMultiplier: number;
  outputExponent: number;
  reluishMultiplier: number;
  reluishExponent: number;
}

/** reference_ops::HardSwish<int8_t> for one input value. */
function hardSwishInt8(v: number, p: HardSwishParams): number {
  const inputValue = toI16(v - p.inputZeroPoint);
  const hires = toI16(inputValue * 128);
  const preshiftOutput = srdhm16(hires, p.outputMultiplier);
  let reluish = hires;
  if (p.reluishExponent > 0) reluish = saturatingLeftShift16(reluish, p.reluishExponent - 1);
  reluish = srdhm16(reluish, p.reluishMultiplier);
  if (p.reluishExponent > 0) reluish = saturatingLeftShift16(reluish, 1);
  if (p.reluishExponent < 0) reluish = roundingDivideByPOT16(reluish, -p.reluishExponent);
  reluish = toI16((reluish + (1 << 15)) >> 1);
  const preshiftOutputValue = sdhm16(reluish, preshiftOutput);
  let out = roundingDivideByPOT16(preshiftOutputValue, -p.outputExponent);
  out = toI16(out + p.outputZeroPoint);
  return Math.max(INT8_MIN, Math.min(INT8_MAX, out));
}

export default {
  op: 'HARD_SWISH',
  prepare(ctx) {
    const { input, output, qi } = unaryInt8(ctx);
    const qo = scaleZp(ctx, output.tensor);
    ensure(ctx, qi.scale > 0 && qo.scale > 0 && Number.isFinite(qi.scale) && Number.isFinite(qo.scale), 'scales must be positive and finite');
    ensure(ctx, qi.zeroPoint >= INT8_MIN && qi.zeroPoint <= INT8_MAX && qo.zeroPoint >= INT8_MIN && qo.zeroPoint <= INT8_MAX, 'zero points must fit int8');
    // All in float32: hires_input_scale = (1/128) · s_in, reluish_scale = 3/32768.
    const hiresInputScale = Math.fround(Math.fround(1 / 128) * qi.scale);
    const reluishScale = Math.fround(Math.fround(3) / Math.fround(32768));
    const outQ = quantizeMultiplier(Math.fround(hiresInputScale / qo.scale), ctx.rounding);
    ensure(ctx, outQ.shift <= 0, 'hard swish output multiplier must be below one');
    const reluQ = quantizeMultiplier(Math.fround(hiresInputScale / reluishScale), ctx.rounding);
    // SaturatingLeftShift computes 1 << (exponent − 1) in int: keep it defined.
    ensure(ctx, reluQ.shift <= 31, 'hard swish input scale is too large');
    const params: HardSwishParams = {
      inputZeroPoint: qi.zeroPoint,
      outputZeroPoint: qo.zeroPoint,
      outputMultiplier: downScaleToInt16(outQ.multiplier),
      outputExponent: outQ.shift,
      reluishMultiplier: downScaleToInt16(reluQ.multiplier),
      reluishExponent: reluQ.shift,
    };
    const table = new Int8Array(256);
    for (let v = INT8_MIN; v <= INT8_MAX; v++) table[v + 128] = hardSwishInt8(v, params);
    return lookupEval(ctx, table, input, output);
  },
} satisfies Kernel;
