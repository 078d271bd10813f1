/** CONCATENATION int8 (TFLM requires every input quantized like the output, so it is pure copying). */
import { ensure, type Kernel } from '../kernel.js';
import { scaleZp } from '../quant-params.js';

export default {
  op: 'CONCATENATION',
  prepare(ctx) {
    const o = ctx.op.options;
    ensure(ctx, o.kind === 'concatenation', 'missing ConcatenationOptions');
    ensure(ctx, o.activation === 'NONE', 'fused activations on CONCATENATION are not supported');
    const output = ctx.output(0);
    const outShape = output.tensor.shape;
    const rank = outShape.length;
    const axis = o.axis < 0 ? o.axis + rank : o.axis;
    ensure(ctx, axis >= 0 && axis < rank, `axis ${o.axis} is outside rank ${rank}`);
    const qo = scaleZp(ctx, output.tensor);
    const inputs = ctx.op.inputs.map((_, k) => ctx.input(k));
    ensure(ctx, output.tensor.type === 'int8', 'only int8 is supported');
    let axisTotal = 0;
    for (const t of inputs) {
      ensure(ctx, t.tensor.type === 'int8' && t.tensor.shape.length === rank, 'inputs must be int8 of the output rank');
      const q = scaleZp(ctx, t.tensor);
      ensure(ctx, q.scale === qo.scale && q.zeroPoint === qo.zeroPoint, 'inputs must be quantized like the output');
      for (let d = 0; d < rank; d++) if (d !== axis) ensure(ctx, t.tensor.shape[d] === outShape[d], 'input shapes differ outside the axis');
      axisTotal += t.tensor.shape[axis]!;
    }
    ensure(ctx, axisTotal === outShape[axis], 'input sizes along the axis do not add up to the output');
    const outer = outShape.slice(0, axis).reduce((a, b) => a * b, 1);
    const inner = outShape.slice(axis + 1).reduce((a, b) => a * b, 1);
    // Each input is `outer` runs of its own size, landing at its offset in every output run.
    const chunks: { x: number; size: number; at: number }[] = [];
    let at = 0;
    for (const t of inputs) {
      chunks.push({ x: t.address, size: t.tensor.shape[axis]! * inner, at });
      at += t.tensor.shape[axis]! * inner;
    }
    const simd = ctx.simd;
    const y = output.address;
    const outRun = at;
    return () => {
      for (const c of chunks) simd.copyRuns(c.x, c.size, y + c.at, outRun, c.size, outer);
    };
  },
} satisfies Kernel;
