/** MAX_POOL_2D, int8: TFLM reference_integer_ops::MaxPool (SIMD kernel, 16 channels per step). */
import type { Kernel } from '../kernel.js';
import { preparePool } from './pooling.js';

export default {
  op: 'MAX_POOL_2D',
  prepare(ctx) {
    const p = preparePool(ctx);
    const { batches, inH, inW, channels: C, outH, outW } = p;
    const simd = ctx.simd;
    const x = ctx.input(0).address;
    const y = ctx.output(0).address;
    return () => {
      for (let n = 0; n < batches; n++) {
        simd.maxPool(x + n * inH * inW * C, inH, inW, C, outH, outW, p.strideH, p.strideW, p.filterH, p.filterW, p.padH, p.padW, p.actMin, p.actMax, y + n * outH * outW * C);
      }
    };
  },
} satisfies Kernel;
