/** MUL, int8: TFLM mul_common.cc / reference_integer_ops::Mul. */
import { quantizeMultiplier, requantizer } from '../fixed-point.js';
import { ensure, type Kernel } from '../kernel.js';
import { activationRange, scaleZp } from '../quant-params.js';
import { broadcastIndexMaps } from './broadcast.js';

export default {
  op: 'MUL',
  prepare(ctx) {
    const o = ctx.op.options;
    ensure(ctx, o.kind === 'mul', 'missing MulOptions');
    const a = ctx.input(0);
    const b = ctx.input(1);
    const out = ctx.output(0);
    ensure(ctx, a.tensor.type === 'int8' && b.tensor.type === 'int8' && out.tensor.type === 'int8', 'only int8 is supported');
    const qa = scaleZp(ctx, a.tensor);
    const qb = scaleZp(ctx, b.tensor);
    const qo = scaleZp(ctx, out.tensor);
    const { multiplier, shift } = quantizeMultiplier((qa.scale * qb.scale) / qo.scale, ctx.rounding);
    const maps = broadcastIndexMaps(a.tensor.shape, b.tensor.shape, out.tensor.shape);
    ensure(ctx, maps, `shapes [${a.tensor.shape.join(',')}] and [${b.tensor.shape.join(',')}] do not broadcast to [${out.tensor.shape.join(',')}]`);
    const { min, max } = activationRange(o.activation, qo);
    const requant = requantizer(ctx.rounding);
    const xa = a.i8;
    const xb = b.i8;
    const y = out.i8;
    const { ia, ib } = maps;
    return () => {
      for (let i = 0; i < y.length; i++) {
        const v = requant((xa[ia[i]!]! - qa.zeroPoint) * (xb[ib[i]!]! - qb.zeroPoint), multiplier, shift) + qo.zeroPoint;
        y[i] = v < min ? min : v > max ? max : v;
      }
    };
  },
} satisfies Kernel;
