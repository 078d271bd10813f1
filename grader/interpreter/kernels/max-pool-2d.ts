/** MAX_POOL_2D, int8: TFLM reference_integer_ops::MaxPool. */
import type { Kernel } from '../kernel.js';
import { preparePool } from './pooling.js';

export default {
  op: 'MAX_POOL_2D',
  prepare(ctx) {
    const p = preparePool(ctx);
    const { x, y, channels: C } = p;
    return () => {
      let yi = 0;
      for (let n = 0; n < p.batches; n++) {
        for (let oy = 0; oy < p.outH; oy++) {
          const inY0 = oy * p.strideH - p.padH;
          const fy0 = Math.max(0, -inY0);
          const fy1 = Math.min(p.filterH, p.inH - inY0);
          for (let ox = 0; ox < p.outW; ox++) {
            const inX0 = ox * p.strideW - p.padW;
            const fx0 = Math.max(0, -inX0);
            const fx1 = Math.min(p.filterW, p.inW - inX0);
            for (let c = 0; c < C; c++) {
              let m = -128;
              for (let fy = fy0; fy < fy1; fy++) {
                const row = ((n * p.inH + inY0 + fy) * p.inW + inX0) * C + c;
                for (let fx = fx0; fx < fx1; fx++) {
                  const v = x[row + fx * C]!;
                  if (v > m) m = v;
                }
              }
              y[yi++] = m < p.actMin ? p.actMin : m > p.actMax ? p.actMax : m;
            }
          }
        }
      }
    };
  },
} satisfies Kernel;
