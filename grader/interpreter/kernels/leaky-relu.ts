/**
 * LEAKY_RELU int8 → int8 as TensorFlow Lite Micro computes it (leaky_relu_common.cc
 * CalculateOpDataLeakyRelu, reference_ops::QuantizeLeakyRelu): x − zp_in ≥ 0 is requantized by
 * s_in / s_out, negative values by s_in · alpha / s_out (both quotients formed in float32, then
 * widened); a negative alpha multiplier is applied by magnitude and the product negated.
 *
 * The result depends on the input byte only, so prepare evaluates the arithmetic for all 256 values
 * and eval is a table lookup.
 */
import { quantizeMultiplier, requantizer } from '../fixed-point.js';
import { unaryInt8, lookupEval } from './int8-unary.js';
import { ensure, type Kernel } from '../kernel.js';
import { INT8_MAX, INT8_MIN, scaleZp } from '../quant-params.js';

export default {
  op: 'LEAKY_RELU',
  prepare(ctx) {
    const o = ctx.op.options;
    // Absent options leave TFLite's zero-initialized params: alpha = 0.
    ensure(ctx, o.kind === 'leakyRelu' || o.kind === 'none', 'expected LeakyReluOptions');
    const alpha = o.kind === 'leakyRelu' ? o.alpha : 0;
    const { input, output, qi } = unaryInt8(ctx);
    const qo = scaleZp(ctx, output.tensor);
    ensure(ctx, qi.scale > 0 && qo.scale > 0 && Number.isFinite(qi.scale / qo.scale), 'scales must be positive and finite');
    ensure(ctx, qi.zeroPoint >= INT8_MIN && qi.zeroPoint <= INT8_MAX && qo.zeroPoint >= INT8_MIN && qo.zeroPoint <= INT8_MAX, 'zero points must fit int8');
    const alphaReal = Math.fround(Math.fround(qi.scale * alpha) / qo.scale);
    ensure(ctx, Number.isFinite(alphaReal), 'alpha multiplier is not finite');
    const alphaQ = quantizeMultiplier(alphaReal, ctx.rounding);
    const identity = quantizeMultiplier(Math.fround(qi.scale / qo.scale), ctx.rounding);
    // −INT32_MIN wraps in C++; no real alpha gets there.
    ensure(ctx, alphaQ.multiplier !== -2147483648, 'alpha multiplier out of range');
    const alphaNegative = alphaQ.multiplier < 0;
    const safeAlpha = alphaNegative ? -alphaQ.multiplier : alphaQ.multiplier;
    const requant = requantizer(ctx.rounding);
    const table = new Int8Array(256);
    for (let v = INT8_MIN; v <= INT8_MAX; v++) {
      const d = v - qi.zeroPoint;
      let r = qo.zeroPoint;
      if (d >= 0) {
        r = (r + requant(d, identity.multiplier, identity.shift)) | 0;
      } else {
        const scaled = requant(d, safeAlpha, alphaQ.shift);
        r = (r + (alphaNegative ? -scaled : scaled)) | 0;
      }
      table[v + 128] = Math.min(INT8_MAX, Math.max(INT8_MIN, r));
    }
    return lookupEval(ctx, table, input, output);
  },
} satisfies Kernel;
