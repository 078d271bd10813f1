/** DEPTHWISE_CONV_2D, int8 per-channel: TFLM reference_integer_ops::DepthwiseConvPerChannel. */
import { channelRequantizer } from '../fixed-point.js';
import { ensure, type Kernel, type PrepareContext } from '../kernel.js';
import { activationRange, expectedOutSize, maxAbsInput, padding, perChannelMultipliers, scaleZp, wasmRequant } from '../quant-params.js';

export default {
  op: 'DEPTHWISE_CONV_2D',
  prepare(ctx) {
    const o = ctx.op.options;
    ensure(ctx, o.kind === 'depthwiseConv2d', 'missing DepthwiseConv2DOptions');
    const input = ctx.input(0);
    const filter = ctx.input(1);
    const bias = ctx.optionalInput(2);
    const output = ctx.output(0);
    ensure(ctx, input.tensor.type === 'int8' && filter.tensor.type === 'int8' && output.tensor.type === 'int8', 'only int8 input, filter and output are supported');
    ensure(ctx, !bias || (bias.tensor.type === 'int32' && bias.i32), 'bias must be int32');
    ensure(ctx, input.tensor.shape.length === 4 && filter.tensor.shape.length === 4 && output.tensor.shape.length === 4, 'input, filter and output must be 4-D');
    const [batches, inH, inW, inC] = input.tensor.shape as [number, number, number, number];
    const [, kH, kW, outC] = filter.tensor.shape as [number, number, number, number];
    const [, outH, outW, outC2] = output.tensor.shape as [number, number, number, number];
    const depthMultiplier = inC > 0 ? outC / inC : 0;
    ensure(ctx, outC === outC2 && Number.isInteger(depthMultiplier) && depthMultiplier > 0, 'channel counts do not match');
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
    const b = bias?.i32 ?? null;
    const y = output.i8;

    // Per-channel accumulators: the channel loop is innermost, reading weights and inputs contiguously.
    const acc = new Int32Array(outC);
    // Full windows fold offset·Σw into the bias (exact integers; same result as the reference).
    const fullBias = new Float64Array(outC);
    const bounds = new Float64Array(outC);
    for (let oc = 0; oc < outC; oc++) {
      let sum = 0;
      let abs = 0;
      for (let k = 0; k < kH * kW; k++) {
        sum += w[k * outC + oc]!;
        abs += Math.abs(w[k * outC + oc]!);
      }
      fullBias[oc] = (b ? b[oc]! : 0) + inputOffset * sum;
      bounds[oc] = Math.abs(b ? b[oc]! : 0) + abs * maxAbsInput(inputOffset);
    }

    if (depthMultiplier === 1) {
      // SIMD path: copy the input, widened to int16, into a zero-point-padded buffer (padding then
      // contributes w·(zp − zp) = 0, which the folded bias accounts for) and run the
      // channel-vectorised kernel, which requantizes in registers.
      const rows = (outH - 1) * strideH + (kH - 1) * dilationH + 1;
      const cols = (outW - 1) * strideW + (kW - 1) * dilationW + 1;
      const padBytes = Math.ceil((rows * cols * outC * 2 + 16) / 16) * 16;
      const padAddr = ctx.scratch.address;
      const accAddr = padAddr + padBytes;
      const rq = wasmRequant(ctx, fullBias, multipliers, shifts, outputOffset, actMin, actMax, bounds);
      const simd = ctx.simd;
      const zp = -inputOffset;
      const wp = packDepthwiseWeights(ctx, w, kH * kW, outC);
      return () => {
        for (let n = 0; n < batches; n++) {
          simd.padInput16(input.address + n * inH * inW * inC, inH, inW, inC, rows, cols, padH, padW, zp, padAddr);
          simd.depthwise(padAddr, cols, outC, wp, kH, kW, strideH, strideW, dilationH, dilationW, outH, outW, rq.address, output.address + n * outH * outW * outC, accAddr);
        }
      };
    }

    return () => {
      for (let n = 0; n < batches; n++) {
        for (let oy = 0; oy < outH; oy++) {
          const inY0 = oy * strideH - padH;
          let fy0 = 0;
          while (fy0 < kH && inY0 + fy0 * dilationH < 0) fy0++;
          let fy1 = kH;
          while (fy1 > fy0 && inY0 + (fy1 - 1) * dilationH >= inH) fy1--;
          for (let ox = 0; ox < outW; ox++) {
            const inX0 = ox * strideW - padW;
            let fx0 = 0;
            while (fx0 < kW && inX0 + fx0 * dilationW < 0) fx0++;
            let fx1 = kW;
            while (fx1 > fx0 && inX0 + (fx1 - 1) * dilationW >= inW) fx1--;
            const yBase = ((n * outH + oy) * outW + ox) * outC;
            const full = fy0 === 0 && fy1 === kH && fx0 === 0 && fx1 === kW;
            if (depthMultiplier === 1) {
              if (full) for (let c = 0; c < outC; c++) acc[c] = fullBias[c]!;
              else for (let c = 0; c < outC; c++) acc[c] = b ? b[c]! : 0;
              const off = full ? 0 : inputOffset;
              for (let fy = fy0; fy < fy1; fy++) {
                const inRow = (n * inH + inY0 + fy * dilationH) * inW;
                for (let fx = fx0; fx < fx1; fx++) {
                  const xi = (inRow + inX0 + fx * dilationW) * inC;
                  const wi = (fy * kW + fx) * outC;
                  for (let c = 0; c < outC; c++) acc[c] = acc[c]! + w[wi + c]! * (x[xi + c]! + off);
                }
              }
              for (let c = 0; c < outC; c++) {
                const v = requant(acc[c]! | 0, c) + outputOffset;
                y[yBase + c] = v < actMin ? actMin : v > actMax ? actMax : v;
              }
              continue;
            }
            for (let ic = 0; ic < inC; ic++) {
              for (let m = 0; m < depthMultiplier; m++) {
                const oc = ic * depthMultiplier + m;
                let a = 0;
                for (let fy = fy0; fy < fy1; fy++) {
                  const inRow = (n * inH + inY0 + fy * dilationH) * inW;
                  const fRow = fy * kW;
                  for (let fx = fx0; fx < fx1; fx++) {
                    a += w[(fRow + fx) * outC + oc]! * (x[(inRow + inX0 + fx * dilationW) * inC + ic]! + inputOffset);
                  }
                }
                if (b) a += b[oc]!;
                const v = requant(a | 0, oc) + outputOffset;
                y[yBase + oc] = v < actMin ? actMin : v > actMax ? actMax : v;
              }
            }
          }
        }
      }
    };
  },
} satisfies Kernel;

/**
 * Depthwise weights [taps][C] in the order the wasm `depthwise` kernel reads them: per tap and block
 * of 8 channels, two int16 vectors: [w0, 0, w2, 0, w4, 0, w6, 0] and [0, w1, 0, w3, 0, w5, 0, w7]
 * (zeros past C).
 */
export function packDepthwiseWeights(ctx: PrepareContext, w: Int8Array, taps: number, C: number): number {
  const blocks = Math.ceil(C / 8);
  const count = taps * blocks * 16;
  const address = ctx.persistent(2 * count);
  const packed = new Int16Array(ctx.scratch.buffer, address, count);
  packed.fill(0);
  for (let t = 0; t < taps; t++) {
    for (let c = 0; c < C; c++) packed[(t * blocks + (c >> 3)) * 16 + ((c & 1) << 3) + (c & 7)] = w[t * C + c]!;
  }
  return address;
}
