/**
 * CONV_2D, int8 with per-channel (or per-tensor) weights: TFLM reference_integer_ops::ConvPerChannel.
 * Ungrouped convolutions run on the SIMD kernels (requantizing in registers): 1×1 as a matrix
 * product over the input itself (row by row when strided), windows read row by row from a zero-point-padded int16 copy, or
 * (dilated rows) im2col then the product. Grouped convolutions run the reference loop.
 */
import { channelRequantizer } from '../fixed-point.js';
import { convTensors, type ConvTensors } from './conv-tensors.js';
import { ensure, type Eval, type Kernel, type PrepareContext } from '../kernel.js';
import { activationRange, expectedOutSize, maxAbsInput, padding, perChannelMultipliers, scaleZp, wasmRequant } from '../quant-params.js';

interface ConvGeometry extends ConvTensors {
  batches: number;
  inH: number;
  inW: number;
  inC: number;
  outC: number;
  kH: number;
  kW: number;
  /** Input channels each filter sees (inC / groups). */
  fInC: number;
  outH: number;
  outW: number;
  padH: number;
  padW: number;
}

/** Types, shapes, padding: everything that makes a node runnable, checked. */
function geometry(ctx: PrepareContext): ConvGeometry {
  const o = ctx.op.options;
  ensure(ctx, o.kind === 'conv2d', 'missing Conv2DOptions');
  const { input, filter, bias, output } = convTensors(ctx);
  const [batches, inH, inW, inC] = input.tensor.shape as [number, number, number, number];
  const [outC, kH, kW, fInC] = filter.tensor.shape as [number, number, number, number];
  const [, outH, outW, outC2] = output.tensor.shape as [number, number, number, number];
  ensure(ctx, outC === outC2 && fInC > 0 && inC % fInC === 0, 'channel counts do not match');
  ensure(ctx, !bias || bias.tensor.elements === outC, 'bias length does not match output channels');
  ensure(ctx, outH === expectedOutSize(o.padding, inH, kH, o.strideH, o.dilationH) && outW === expectedOutSize(o.padding, inW, kW, o.strideW, o.dilationW), 'output shape does not match padding and strides');
  return { input, filter, bias, output, batches, inH, inW, inC, outC, kH, kW, fInC, outH, outW, padH: padding(inH, kH, o.strideH, o.dilationH, outH), padW: padding(inW, kW, o.strideW, o.dilationW, outW) };
}

/**
 * Σ w·(x + offset) = Σ w·x + offset·Σ w: over a full window the second term is a per-channel
 * constant, folded with the bias (exact integers, so the result is unchanged). Also bounds on
 * |accumulator| per channel, for choosing an exact vector requantization.
 */
function foldedBias(g: ConvGeometry, inputOffset: number): { bias: Float64Array; bounds: Float64Array } {
  const w = g.filter.i8;
  const b = g.bias?.i32 ?? null;
  const taps = g.kH * g.kW * g.fInC;
  const bias = new Float64Array(g.outC);
  const bounds = new Float64Array(g.outC);
  for (let oc = 0; oc < g.outC; oc++) {
    let s = 0;
    let abs = 0;
    for (let k = 0; k < taps; k++) {
      s += w[oc * taps + k]!;
      abs += Math.abs(w[oc * taps + k]!);
    }
    bias[oc] = (b ? b[oc]! : 0) + inputOffset * s;
    bounds[oc] = Math.abs(b ? b[oc]! : 0) + abs * maxAbsInput(inputOffset);
  }
  return { bias, bounds };
}

const align16 = (n: number) => Math.ceil(n / 16) * 16;

/**
 * The SIMD eval of an ungrouped convolution. Taps outside the image read the input zero point (from
 * a bordered copy or im2col), contributing w·(zp − zp) = 0 against the folded bias.
 */
function simdEval(ctx: PrepareContext, g: ConvGeometry, zp: number, rq: number): Eval {
  const o = ctx.op.options;
  if (o.kind !== 'conv2d') throw new Error('unreachable');
  const { input, output, batches, inH, inW, inC, outC, kH, kW, outH, outW, padH, padW } = g;
  const { strideH, strideW, dilationH, dilationW } = o;
  const simd = ctx.simd;
  const w = g.filter.i8;
  const pixels = outH * outW;
  const inAddr = (n: number) => input.address + n * inH * inW * inC;
  const outAddr = (n: number) => output.address + n * pixels * outC;
  if (kH === 1 && kW === 1 && strideH === 1 && strideW === 1 && padH === 0 && padW === 0 && outH === inH && outW === inW) {
    // 1×1: the input already is the matrix of the product.
    const wp = packWeights(ctx, w, outC, 1, inC, true);
    const x16 = ctx.scratch.address;
    const acc = x16 + align16(pixels * Math.ceil(inC / 2) * 4 + 32);
    return () => {
      for (let n = 0; n < batches; n++) simd.gemm(inAddr(n), inC, pixels, inC, wp, outC, rq, outAddr(n), acc, x16);
    };
  }
  if (kH === 1 && kW === 1 && padH === 0 && padW === 0) {
    // Strided 1×1 (ResNet shortcuts): each output row is a product over every strideW-th pixel of
    // an input row, read in place (no padded copy of the whole input).
    const wp = packWeights(ctx, w, outC, 1, inC, true);
    const x16 = ctx.scratch.address;
    const acc = x16 + align16(outW * Math.ceil(inC / 2) * 4 + 32);
    const rowIn = strideH * inW * inC;
    const rowOut = outW * outC;
    if (outW === 1) {
      // One output column (1-D models along H, e.g. TC-ResNet shortcuts): the pixels are evenly
      // spaced, so the whole image is one product instead of one single-pixel product per row.
      const accAll = x16 + align16(outH * Math.ceil(inC / 2) * 4 + 32);
      return () => {
        for (let n = 0; n < batches; n++) simd.gemm(inAddr(n), rowIn, outH, inC, wp, outC, rq, outAddr(n), accAll, x16);
      };
    }
    return () => {
      for (let n = 0; n < batches; n++) {
        for (let oy = 0; oy < outH; oy++) simd.gemm(inAddr(n) + oy * rowIn, strideW * inC, outW, inC, wp, outC, rq, outAddr(n) + oy * rowOut, acc, x16);
      }
    };
  }
  const rows = (outH - 1) * strideH + (kH - 1) * dilationH + 1;
  const cols = (outW - 1) * strideW + (kW - 1) * dilationW + 1;
  if (dilationW === 1) {
    // Windows read row by row (kW·C contiguous taps per kernel row): no im2col.
    const padAddr = ctx.scratch.address;
    const acc = padAddr + align16(rows * cols * inC * 2 + 16);
    const wp = packWeights(ctx, w, outC, kH, kW * inC, true);
    const rowPairs = Math.ceil((kW * inC) / 2);
    return () => {
      for (let n = 0; n < batches; n++) {
        simd.padInput16(inAddr(n), inH, inW, inC, rows, cols, padH, padW, zp, padAddr);
        simd.conv(padAddr, 2 * strideH * cols * inC, 2 * strideW * inC, 2 * dilationH * cols * inC, kH, rowPairs, outH, outW, wp, outC, rq, outAddr(n), acc);
      }
    };
  }
  // Dilated rows: im2col, then the product.
  const taps = kH * kW * inC;
  const patchAddr = ctx.scratch.address;
  const x16 = patchAddr + align16(pixels * taps);
  const acc = x16 + align16(pixels * Math.ceil(taps / 2) * 4 + 32);
  const wp = packWeights(ctx, w, outC, 1, taps, true);
  return () => {
    for (let n = 0; n < batches; n++) {
      simd.im2col(inAddr(n), inH, inW, inC, kH, kW, strideH, strideW, dilationH, dilationW, padH, padW, outH, outW, zp, patchAddr);
      simd.gemm(patchAddr, taps, pixels, taps, wp, outC, rq, outAddr(n), acc, x16);
    }
  };
}

/** Grouped convolution: the reference loop, taps inside the image only. */
function groupedEval(ctx: PrepareContext, g: ConvGeometry, zp: number, requant: (acc: number, channel: number) => number, outputOffset: number, actMin: number, actMax: number): Eval {
  const o = ctx.op.options;
  if (o.kind !== 'conv2d') throw new Error('unreachable');
  const { batches, inH, inW, inC, outC, kH, kW, fInC, outH, outW, padH, padW } = g;
  const [x, w, y] = [g.input.i8, g.filter.i8, g.output.i8];
  const b = g.bias?.i32 ?? null;
  const filtersPerGroup = outC / (inC / fInC);
  return () => {
    let yi = 0;
    for (let n = 0; n < batches; n++) {
      for (let oy = 0; oy < outH; oy++) {
        const inY0 = oy * o.strideH - padH;
        for (let ox = 0; ox < outW; ox++) {
          const inX0 = ox * o.strideW - padW;
          for (let oc = 0; oc < outC; oc++) {
            const inChannel0 = ((oc / filtersPerGroup) | 0) * fInC;
            let a = 0;
            for (let fy = 0; fy < kH; fy++) {
              const iy = inY0 + fy * o.dilationH;
              if (iy < 0 || iy >= inH) continue;
              for (let fx = 0; fx < kW; fx++) {
                const ix = inX0 + fx * o.dilationW;
                if (ix < 0 || ix >= inW) continue;
                const xi = ((n * inH + iy) * inW + ix) * inC + inChannel0;
                const wi = ((oc * kH + fy) * kW + fx) * fInC;
                for (let ic = 0; ic < fInC; ic++) a += w[wi + ic]! * (x[xi + ic]! - zp);
              }
            }
            const v = requant((b ? a + b[oc]! : a) | 0, oc) + outputOffset;
            y[yi++] = v < actMin ? actMin : v > actMax ? actMax : v;
          }
        }
      }
    }
  };
}

export default {
  op: 'CONV_2D',
  prepare(ctx) {
    const g = geometry(ctx);
    const o = ctx.op.options;
    if (o.kind !== 'conv2d') throw new Error('unreachable');
    const zp = scaleZp(ctx, g.input.tensor).zeroPoint;
    const out = scaleZp(ctx, g.output.tensor);
    const { min: actMin, max: actMax } = activationRange(o.activation, out);
    const { multipliers, shifts } = perChannelMultipliers(ctx, g.input.tensor, g.filter.tensor, g.output.tensor, g.outC);
    if (g.fInC !== g.inC) return groupedEval(ctx, g, zp, channelRequantizer(ctx.rounding, multipliers, shifts), out.zeroPoint, actMin, actMax);
    const { bias, bounds } = foldedBias(g, -zp);
    const rq = wasmRequant(ctx, bias, multipliers, shifts, out.zeroPoint, actMin, actMax, bounds);
    return simdEval(ctx, g, zp, rq.address);
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
