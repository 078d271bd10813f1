/** AVERAGE_POOL_2D, int8: TFLM reference_integer_ops::AveragePool (rounded integer division). */
import type { Kernel } from '../kernel.js';
import { preparePool } from './pooling.js';

export default {
  op: 'AVERAGE_POOL_2D',
  prepare(ctx) {
    const p = preparePool(ctx);
    const { batches, inH, inW, channels: C, outH, outW } = p;
    const simd = ctx.simd;
    const x = ctx.input(0).address;
    const y = ctx.output(0).address;
    // Sums in WebAssembly (16 channels per step), then C++'s rounded integer division per channel.
    return () => {
      for (let n = 0; n < batches; n++) {
        simd.averagePool(x + n * inH * inW * C, inH, inW, C, outH, outW, p.strideH, p.strideW, p.filterH, p.filterW, p.padH, p.padW, p.actMin, p.actMax, ctx.scratch.address, y + n * outH * outW * C);
      }
    };
  },
} satisfies Kernel;
