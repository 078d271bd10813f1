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
    // Depends on the input byte only: the 256 float32 results, looked up in WebAssembly memory.
    const table = ctx.persistent(1024);
    new Float32Array(ctx.scratch.buffer, table, 256).set(Float32Array.from({ length: 256 }, (_, i) => scale * (i - 128 - zeroPoint)));
    const simd = ctx.simd;
    const n = input.tensor.elements;
    return () => simd.lookupF32(input.address, n, table, output.address);
  },
} satisfies Kernel;
