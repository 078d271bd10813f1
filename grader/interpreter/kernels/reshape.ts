/** RESHAPE (and other pure re-views of the same bytes): a copy, since input and output are separate. */
import { ensure, type Kernel } from '../kernel.js';

export default {
  op: 'RESHAPE',
  prepare(ctx) {
    const input = ctx.input(0);
    const output = ctx.output(0);
    ensure(ctx, input.tensor.type === output.tensor.type, 'input and output types differ');
    ensure(ctx, input.bytes.length === output.bytes.length, `input has ${input.tensor.elements} elements, output ${output.tensor.elements}`);
    const src = input.bytes;
    const dst = output.bytes;
    return () => dst.set(src);
  },
} satisfies Kernel;
