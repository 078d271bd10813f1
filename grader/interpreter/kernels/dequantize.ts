/** DEQUANTIZE int8 → float32: scale · (x − zero point), formed in double and stored as float32 (TFLM). */
import { ensure, type Kernel } from '../kernel.js';
import { scaleZp } from '../quant-params.js';

export default {
  op: 'DEQUANTIZE',
  prepare(ctx) {
    const input = ctx.input(0);
    const output = ctx.output(0);
    ensure(ctx, input.tensor.type === 'int8' && output.tensor.type === 'float32' && output.f32, 'only int8 → float32 is supported');
    ensure(ctx, input.tensor.elements === output.tensor.elements, 'input and output sizes differ');
    const { scale, zeroPoint } = scaleZp(ctx, input.tensor);
    const x = input.i8;
    const y = output.f32;
    // Depends on the input byte only: the 256 float32 results, looked up.
    const table = Float32Array.from({ length: 256 }, (_, i) => scale * (i - 128 - zeroPoint));
    return () => {
      for (let i = 0; i < x.length; i++) y[i] = table[x[i]! + 128]!;
    };
  },
} satisfies Kernel;
