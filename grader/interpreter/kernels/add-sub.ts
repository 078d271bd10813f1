/**
 * ADD and SUB, int8: TFLM add_common.cc / sub_common.cc. Both inputs are rescaled to a common scale
 * with 20 bits of headroom, summed (or subtracted) and requantized. Note SUB forms its multipliers in
 * float32 where ADD uses double, as TFLM does.
 */
import { quantizeMultiplier, requantizer } from '../fixed-point.js';
import { ensure, type Kernel, type PrepareContext } from '../kernel.js';
import { activationRange, scaleZp } from '../quant-params.js';
import { broadcastIndexMaps } from './broadcast.js';

const LEFT_SHIFT = 20;

function prepareAddSub(ctx: PrepareContext, subtract: boolean) {
  const o = ctx.op.options;
  ensure(ctx, o.kind === (subtract ? 'sub' : 'add'), `missing ${subtract ? 'Sub' : 'Add'}Options`);
  const a = ctx.input(0);
  const b = ctx.input(1);
  const out = ctx.output(0);
  ensure(ctx, a.tensor.type === 'int8' && b.tensor.type === 'int8' && out.tensor.type === 'int8', 'only int8 is supported');
  const qa = scaleZp(ctx, a.tensor);
  const qb = scaleZp(ctx, b.tensor);
  const qo = scaleZp(ctx, out.tensor);
  let m1: number, m2: number, mo: number;
  if (subtract) {
    const twiceMax = Math.fround(2 * Math.max(qa.scale, qb.scale));
    m1 = Math.fround(qa.scale / twiceMax);
    m2 = Math.fround(qb.scale / twiceMax);
    mo = Math.fround(twiceMax / Math.fround((1 << LEFT_SHIFT) * qo.scale));
  } else {
    const twiceMax = 2 * Math.max(qa.scale, qb.scale);
    m1 = qa.scale / twiceMax;
    m2 = qb.scale / twiceMax;
    mo = twiceMax / ((1 << LEFT_SHIFT) * qo.scale);
  }
  const q1 = quantizeMultiplier(m1, ctx.rounding);
  const q2 = quantizeMultiplier(m2, ctx.rounding);
  const qout = quantizeMultiplier(mo, ctx.rounding);
  ensure(ctx, q1.shift <= 0 && q2.shift <= 0 && qout.shift <= 0, 'input/output scales need a multiplier above one');
  const maps = broadcastIndexMaps(a.tensor.shape, b.tensor.shape, out.tensor.shape);
  ensure(ctx, maps, `shapes [${a.tensor.shape.join(',')}] and [${b.tensor.shape.join(',')}] do not broadcast to [${out.tensor.shape.join(',')}]`);
  const { min, max } = activationRange(o.activation, qo);
  const requant = requantizer(ctx.rounding);
  const xa = a.i8;
  const xb = b.i8;
  const y = out.i8;
  const { ia, ib } = maps;
  const off1 = -qa.zeroPoint;
  const off2 = -qb.zeroPoint;
  const sign = subtract ? -1 : 1;
  return () => {
    for (let i = 0; i < y.length; i++) {
      const s1 = requant((xa[ia[i]!]! + off1) << LEFT_SHIFT, q1.multiplier, q1.shift);
      const s2 = requant((xb[ib[i]!]! + off2) << LEFT_SHIFT, q2.multiplier, q2.shift);
      const v = requant((s1 + sign * s2) | 0, qout.multiplier, qout.shift) + qo.zeroPoint;
      y[i] = v < min ? min : v > max ? max : v;
    }
  };
}

export const add = { op: 'ADD', prepare: (ctx) => prepareAddSub(ctx, false) } satisfies Kernel;
export const sub = { op: 'SUB', prepare: (ctx) => prepareAddSub(ctx, true) } satisfies Kernel;
