/**
 * RELU6 int8 → int8 as TensorFlow Lite Micro computes it (activations_common.cc Relu6Prepare,
 * activations.h Relu6Quantized): the raw input is clamped to [zp_in, six], six = zp_in + round(6 / s_in)
 * (FloatToQuantizedType, float32 division), clamped to int8.
 *
 * TFLM does not requantize: the output's own scale and zero point are ignored (desktop TFLite's RELU6
 * requantizes to the output parameters; both agree when input and output share them, as converters
 * emit them).
 */
import { roundHalfAwayFromZero } from '../fixed-point.js';
import { unaryInt8 } from './int8-unary.js';
import { ensure, type Kernel } from '../kernel.js';
import { INT8_MAX, INT8_MIN } from '../quant-params.js';

export default {
  op: 'RELU6',
  prepare(ctx) {
    const { input, output, qi } = unaryInt8(ctx);
    ensure(ctx, qi.zeroPoint >= INT8_MIN && qi.zeroPoint <= INT8_MAX, 'input zero point must fit int8');
    ensure(ctx, qi.scale > 0 && Number.isFinite(qi.scale), 'input scale must be positive and finite');
    const rounded = roundHalfAwayFromZero(Math.fround(6 / qi.scale));
    // The float → int32 conversion of round(6 / scale) is undefined beyond int32 in C++.
    ensure(ctx, rounded < 2 ** 31, 'input scale is too small for RELU6');
    const six = Math.min(INT8_MAX, Math.max(INT8_MIN, rounded + qi.zeroPoint));
    const zero = qi.zeroPoint;
    const simd = ctx.simd;
    const n = output.tensor.elements;
    return () => simd.clampInt8(input.address, n, zero, six, output.address);
  },
} satisfies Kernel;
