/** CONV_2D, int8 with per-channel (or per-tensor) weights: TFLM reference_integer_ops::ConvPerChannel. */
import { channelRequantizer } from '../fixed-point.js';
import { ensure, type Kernel, type PrepareContext } from '../kernel.js';
import { activationRange, expectedOutSize, maxAbsInput, padding, perChannelMultipliers, scaleZp, wasmRequant } from '../quant-params.js';

export default {
  op: 'CONV_2D',
  prepare(ctx) {
    const o = ctx.op.options;
    ensure(ctx, o.kind === 'conv2d', 'missing Conv2DOptions');
    const input = ctx.input(0);
    const filter = ctx.input(1);
    const bias = ctx.optionalInput(2);
    const output = ctx.output(0);
    ensure(ctx, input.tensor.type === 'int8' && filter.tensor.type === 'int8' && output.tensor.type === 'int8', 'only int8 input, filter and output are supported');
    ensure(ctx, !bias || (bias.tensor.type === 'int32' && bias.i32), 'bias must be int32');
    ensure(ctx, input.tensor.shape.length === 4 && filter.tensor.shape.length === 4 && output.tensor.shape.length === 4, 'input, filter and output must be 4-D');
    const [batches, inH, inW, inC] = input.tensor.shape as [number, number, number, number];
    const [outC, kH, kW, fInC] = filter.tensor.shape as [number, number, number, number];
    const [, outH, outW, outC2] = output.tensor.shape as [number, number, number, number];
    ensure(ctx, outC === outC2 && fInC > 0 && inC % fInC === 0, 'channel counts do not match');
    ensure(ctx, !bias || bias.tensor.elements === outC, 'bias length does not match output channels');
    const { strideW, strideH, dilationW, dilationH } = o;
    ensure(ctx, outH === expectedOutSize(o.padding, inH, kH, strideH, dilationH) && outW === expectedOutSize(o.padding, inW, kW, strideW, dilationW), 'output shape does not match padding and strides');
    const padH = padding(inH, kH, strideH, dilationH, outH);
    const padW = padding(inW, kW, strideW, dilationW, outW);
    const inputOffset = -scaleZp(ctx, input.tensor).zeroPoint;
    const out = scaleZp(ctx, output.tensor);
    const outputOffset = out.zeroPoint;
    const { min: actMin, max: actMax } = activationRange(o.activation, out);
    const { multipliers, shifts } = perChannelMultipliers(ctx, input.tensor, filter.tensor, output.tensor, outC);
    const requant = channelRequantizer(ctx.rounding, multipliers, shifts);
    const x = input.i8;
    const w = filter.i8;
    const y = output.i8;
    const groups = inC / fInC;
    const filtersPerGroup = outC / groups;
    const taps = kH * kW * fInC;

    // Σ w·(x + offset) = Σ w·x + offset·Σ w: over a full window the second term is a per-channel
    // constant, folded with the bias here (exact integers, so the result is unchanged).
    const fullBias = new Float64Array(outC);
    const bounds = new Float64Array(outC);
    for (let oc = 0; oc < outC; oc++) {
      let s = 0;
      let abs = 0;
      for (let k = 0; k < taps; k++) {
        s += w[oc * taps + k]!;
        abs += Math.abs(w[oc * taps + k]!);
      }
      fullBias[oc] = (bias ? bias.i32![oc]! : 0) + inputOffset * s;
      bounds[oc] = Math.abs(bias ? bias.i32![oc]! : 0) + abs * maxAbsInput(inputOffset);
    }
    const b = bias?.i32 ?? null;
    
    const finish = (acc: number, oc: number): number => {
      const v = requant(acc | 0, oc) + outputOffset;
      return v < actMin ? actMin : v > actMax ? actMax : v;
    };

    if (groups === 1) {
      // SIMD paths, all requantizing in registers. Taps outside the image read the input zero point
      // (from a bordered copy or im2col), contributing w·(zp − zp) = 0.
      const pixels = outH * outW;
      const zp = -inputOffset;
      const simd = ctx.simd;
      const rq = wasmRequant(ctx, fullBias, multipliers, shifts, outputOffset, actMin, actMax, bounds);
      const align16 = (n: number) => Math.ceil(n / 16) * 16;
      const rows = (outH - 1) * strideH + (kH - 1) * dilationH + 1;
      const cols = (outW - 1) * strideW + (kW - 1) * dilationW + 1;
      const outAddr = (n: number) => output.address + n * pixels * outC;
      if (kH === 1 && kW === 1 && strideH === 1 && strideW === 1 && padH === 0 && padW === 0 && outH === inH && outW === inW) {
        // 1×1: the input already is the matrix of the product.
        const wp = packWeights(ctx, w, outC, 1, inC, true);
        const x16 = ctx.scratch.address;
        const accAddr = x16 + align16(pixels * Math.ceil(inC / 2) * 4 + 32);
        return () => {
          for (let n = 0; n < batches; n++) simd.gemm(input.address + n * inH * inW * inC, inC, pixels, inC, wp, outC, rq.address, outAddr(n), accAddr, x16);
        };
      }
      if (dilationW === 1) {
        // Windows read row by row (kW·C contiguous taps per kernel row) from a bordered int16 copy
        // of the input: no im2col.
        const padAddr = ctx.scratch.address;
        const accAddr = padAddr + align16(rows * cols * inC * 2 + 16);
        const wp = packWeights(ctx, w, outC, kH, kW * inC, true);
        const rowPairs = Math.ceil((kW * inC) / 2);
        return () => {
          for (let n = 0; n < batches; n++) {
            simd.padInput16(input.address + n * inH * inW * inC, inH, inW, inC, rows, cols, padH, padW, zp, padAddr);
            simd.conv(padAddr, 2 * strideH * cols * inC, 2 * strideW * inC, 2 * dilationH * cols * inC, kH, rowPairs, outH, outW, wp, outC, rq.address, outAddr(n), accAddr);
          }
        };
      }
      // Dilated rows: im2col, then the product.
      const patchAddr = ctx.scratch.address;
      const x16 = patchAddr + align16(pixels * taps);
      const accAddr = x16 + align16(pixels * Math.ceil(taps / 2) * 4 + 32);
      const wp = packWeights(ctx, w, outC, 1, taps, true);
      return () => {
        for (let n = 0; n < batches; n++) {
          simd.im2col(input.address + n * inH * inW * inC, inH, inW, inC, kH, kW, strideH, strideW, dilationH, dilationW, padH, padW, outH, outW, zp, patchAddr);
          simd.gemm(patchAddr, taps, pixels, taps, wp, outC, rq.address, outAddr(n), accAddr, x16);
        }
      };
    }

    return () => {
      let yi = 0;
      for (let n = 0; n < batches; n++) {
        for (let oy = 0; oy < outH; oy++) {
          const inY0 = oy * strideH - padH;
          for (let ox = 0; ox < outW; ox++) {
            const inX0 = ox * strideW - padW;
            // Grouped convolution: the reference loop, taps inside the image only.
            for (let oc = 0; oc < outC; oc++) {
              const inChannel0 = ((oc / filtersPerGroup) | 0) * fInC;
              let a = 0;
              for (let fy = 0; fy < kH; fy++) {
                const iy = inY0 + fy * dilationH;
                if (iy < 0 || iy >= inH) continue;
                for (let fx = 0; fx < kW; fx++) {
                  const ix = inX0 + fx * dilationW;
                  if (ix < 0 || ix >= inW) continue;
                  const xi = ((n * inH + iy) * inW + ix) * inC + inChannel0;
                  const wi = ((oc * kH + fy) * kW + fx) * fInC;
                  for (let ic = 0; ic < fInC; ic++) a += w[wi + ic]! * (x[xi + ic]! + inputOffset);
                }
              }
              y[yi++] = finish(b ? a + b[oc]! : a, oc);
            }
          }
        }
      }
    };
  },
} satisfies Kernel;

/**
 * Filters [N][rows·rowLen] int8 in the order the `conv` and `gemm` kernels read them: groups of 8
 * filters, then kernel rows, then taps in pairs, 8 pairs [f0 k, f0 k+1, f1 k, f1 k+1, …] per group
 * and pair of taps; zeros past N and past the end of an odd row. `wide`: as int16.
 */
export function packWeights(ctx: PrepareContext, w: Int8Array, N: number, rows: number, rowLen: number, wide: boolean): number {
  const pairs = Math.ceil(rowLen / 2);
  const groups = Math.ceil(N / 8);
  const count = groups * rows * pairs * 16;
  const address = ctx.persistent(wide ? 2 * count : count);
  const packed = wide ? new Int16Array(ctx.scratch.buffer, address, count) : new Int8Array(ctx.scratch.buffer, address, count);
  packed.fill(0);
  for (let n = 0; n < N; n++) {
    for (let r = 0; r < rows; r++) {
      for (let k = 0; k < rowLen; k++) packed[(((n >> 3) * rows + r) * pairs + (k >> 1)) * 16 + (n & 7) * 2 + (k & 1)] = w[(n * rows + r) * rowLen + k]!;
    }
  }
  return address;
}
