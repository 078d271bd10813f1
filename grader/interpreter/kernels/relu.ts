/**
 * RELU int8 → int8 as TensorFlow Lite Micro computes it (activations_common.cc CalculateReluOpData,
 * activations.h ReluQuantized): requantize x − zp_in by input_scale / output_scale (the quotient formed
 * in float32, then widened), add zp_out, clamp to [max(−128, zp_out), 127].
 *
 * The result depends on the input byte only, so prepare evaluates the arithmetic for all 256 values
 * and eval is a table lookup.
 */
import { quantizeMultiplier, requantizer } from '../fixed-point.js';
import { unaryInt8, lookupEval } from './int8-unary.js';
import { ensure, type Kernel } from '../kernel.js';
import { INT8_MAX, INT8_MIN, scaleZp } from '../quant-params.js';

export default {
  op: 'RELU',
  prepare(ctx) {
    const { input, output, qi } = unaryInt8(ctx);
    const qo = scaleZp(ctx, output.tensor);
    ensure(ctx, qi.scale > 0 && qo.scale > 0 && Number.isFinite(qi.scale / qo.scale), 'scales must be positive and finite');
    ensure(ctx, qi.zeroPoint >= INT8_MIN && qi.zeroPoint <= INT8_MAX && qo.zeroPoint >= INT8_MIN && qo.zeroPoint <= INT8_MAX, 'zero points must fit int8');
    // real_multiplier = double(input_scale / output_scale): a float32 division.
    const { multiplier, shift } = quantizeMultiplier(Math.fround(qi.scale / qo.scale), ctx.rounding);
    const requant = requantizer(ctx.rounding);
    // act_min = 0: zero_point + (int)roundf(0 / scale) = zero_point; act_max = +inf → 127.
    const actMin = Math.max(INT8_MIN, qo.zeroPoint);
    const table = new Int8Array(256);
    for (let v = INT8_MIN; v <= INT8_MAX; v++) {
      let r = (qo.zeroPoint + requant(v - qi.zeroPoint, multiplier, shift)) | 0;
      r = Math.max(actMin, r);
      table[v + 128] = Math.min(INT8_MAX, r);
    }
    return lookupEval(ctx, table, input, output);
  },
} satisfies Kernel;
