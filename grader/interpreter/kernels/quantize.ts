/**
 * QUANTIZE: float32 → int8 (AffineQuantize: round(x / scale) + zero point, in float32) and int8 → int8
 * requantization (multiplier from input_scale / output_scale in double). TFLM quantize_common.cc.
 */
import { quantizeMultiplier, requantizer } from '../fixed-point.js';
import { ensure, type Kernel } from '../kernel.js';
import { INT8_MAX, INT8_MIN, scaleZp } from '../quant-params.js';
import { lookupEval } from './int8-unary.js';

export default {
  op: 'QUANTIZE',
  prepare(ctx) {
    const input = ctx.input(0);
    const output = ctx.output(0);
    ensure(ctx, output.tensor.type === 'int8', 'only int8 output is supported');
    ensure(ctx, input.tensor.elements === output.tensor.elements, 'input and output sizes differ');
    const qo = scaleZp(ctx, output.tensor);
    const y = output.i8;
    if (input.tensor.type === 'float32') {
      ensure(ctx, input.f32, 'float input is not aligned');
      const scale = Math.fround(qo.scale);
      const simd = ctx.simd;
      const n = y.length;
      return () => simd.quantizeF32(input.address, n, scale, qo.zeroPoint, output.address);
    }
    ensure(ctx, input.tensor.type === 'int8', `QUANTIZE from ${input.tensor.type} is not supported`);
    const qi = scaleZp(ctx, input.tensor);
    const { multiplier, shift } = quantizeMultiplier(qi.scale / qo.scale, ctx.rounding);
    const requant = requantizer(ctx.rounding);
    // The result depends on the input byte only: tabulate the 256 requantizations.
    const table = new Int8Array(256);
    for (let v = INT8_MIN; v <= INT8_MAX; v++) {
      const r = requant(v - qi.zeroPoint, multiplier, shift) + qo.zeroPoint;
      table[v + 128] = r < INT8_MIN ? INT8_MIN : r > INT8_MAX ? INT8_MAX : r;
    }
    return lookupEval(ctx, table, input, output);
  },
} satisfies Kernel;
