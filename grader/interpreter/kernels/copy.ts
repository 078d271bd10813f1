/**
 * Ops that only re-view the same bytes under another shape: RESHAPE, SQUEEZE, EXPAND_DIMS. Input and
 * output are separate arena tensors, so eval copies.
 */
import { ensure, type Kernel, type PrepareContext } from '../kernel.js';

function prepareCopy(ctx: PrepareContext) {
  const input = ctx.input(0);
  const output = ctx.output(0);
  ensure(ctx, input.tensor.type === output.tensor.type, 'input and output types differ');
  ensure(ctx, input.bytes.length === output.bytes.length, `input has ${input.tensor.elements} elements, output ${output.tensor.elements}`);
  const iq = input.tensor.quantization;
  const oq = output.tensor.quantization;
  ensure(ctx, !iq || !oq || (iq.scale[0] === oq.scale[0] && (iq.zeroPoint[0] ?? 0) === (oq.zeroPoint[0] ?? 0)), 'input and output quantization differ');
  const src = input.bytes;
  const dst = output.bytes;
  return () => dst.set(src);
}

export const reshape = { op: 'RESHAPE', prepare: prepareCopy } satisfies Kernel;
export const squeeze = { op: 'SQUEEZE', prepare: prepareCopy } satisfies Kernel;
export const expandDims = { op: 'EXPAND_DIMS', prepare: prepareCopy } satisfies Kernel;
