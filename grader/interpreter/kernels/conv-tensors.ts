/** Shared prepare step of CONV_2D and DEPTHWISE_CONV_2D: their tensors, with the checks both make. */
import { ensure, type PrepareContext, type TensorData } from '../kernel.js';

export interface ConvTensors {
  input: TensorData;
  filter: TensorData;
  bias: TensorData | null;
  output: TensorData;
}

/** Input, filter, optional bias and output: int8 (bias int32), all 4-D. */
export function convTensors(ctx: PrepareContext): ConvTensors {
  const input = ctx.input(0);
  const filter = ctx.input(1);
  const bias = ctx.optionalInput(2);
  const output = ctx.output(0);
  ensure(ctx, input.tensor.type === 'int8' && filter.tensor.type === 'int8' && output.tensor.type === 'int8', 'only int8 input, filter and output are supported');
  ensure(ctx, !bias || (bias.tensor.type === 'int32' && bias.i32), 'bias must be int32');
  ensure(ctx, input.tensor.shape.length === 4 && filter.tensor.shape.length === 4 && output.tensor.shape.length === 4, 'input, filter and output must be 4-D');
  return { input, filter, bias, output };
}
