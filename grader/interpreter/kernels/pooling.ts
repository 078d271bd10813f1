/** Shared prepare for AVERAGE_POOL_2D and MAX_POOL_2D (int8, same quantization in and out). */
import { ensure, type PrepareContext, type TensorData } from '../kernel.js';
import { activationRange, expectedOutSize, padding, scaleZp } from '../quant-params.js';

export interface PoolPlan {
  x: Int8Array;
  y: Int8Array;
  batches: number;
  inH: number;
  inW: number;
  channels: number;
  outH: number;
  outW: number;
  strideH: number;
  strideW: number;
  filterH: number;
  filterW: number;
  padH: number;
  padW: number;
  actMin: number;
  actMax: number;
}

export function preparePool(ctx: PrepareContext): PoolPlan {
  const o = ctx.op.options;
  ensure(ctx, o.kind === 'pool2d', 'missing Pool2DOptions');
  const input: TensorData = ctx.input(0);
  const output: TensorData = ctx.output(0);
  ensure(ctx, input.tensor.type === 'int8' && output.tensor.type === 'int8', 'only int8 is supported');
  ensure(ctx, input.tensor.shape.length === 4 && output.tensor.shape.length === 4, 'input and output must be 4-D');
  const [batches, inH, inW, channels] = input.tensor.shape as [number, number, number, number];
  const [, outH, outW, outC] = output.tensor.shape as [number, number, number, number];
  ensure(ctx, outC === channels, 'channel counts do not match');
  ensure(ctx, outH === expectedOutSize(o.padding, inH, o.filterH, o.strideH, 1) && outW === expectedOutSize(o.padding, inW, o.filterW, o.strideW, 1), 'output shape does not match padding and strides');
  const inQ = scaleZp(ctx, input.tensor);
  const outQ = scaleZp(ctx, output.tensor);
  // TFLM's int8 pooling works on raw values: it requires identical quantization in and out.
  ensure(ctx, inQ.scale === outQ.scale && inQ.zeroPoint === outQ.zeroPoint, 'input and output quantization differ');
  const { min, max } = activationRange(o.activation, outQ);
  return {
    x: input.i8,
    y: output.i8,
    batches,
    inH,
    inW,
    channels,
    outH,
    outW,
    strideH: o.strideH,
    strideW: o.strideW,
    filterH: o.filterH,
    filterW: o.filterW,
    padH: padding(inH, o.filterH, o.strideH, 1, outH),
    padW: padding(inW, o.filterW, o.strideW, 1, outW),
    actMin: min,
    actMax: max,
  };
}
