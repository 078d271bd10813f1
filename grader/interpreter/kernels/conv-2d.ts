/** CONV_2D, int8 with per-channel (or per-tensor) weights: TFLM reference_integer_ops::ConvPerChannel. */
import { channelRequantizer } from '../fixed-point.js';
import { ensure, type Kernel } from '../kernel.js';
import { activationRange, expectedOutSize, padding, perChannelMultipliers, scaleZp } from '../quant-params.js';

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
    for (let oc = 0; oc < outC; oc++) {
      let s = 0;
      for (let k = 0; k < taps; k++) s += w[oc * taps + k]!;
      fullBias[oc] = (bias ? bias.i32![oc]! : 0) + inputOffset * s;
    }
    const b = bias?.i32 ?? null;
    // Input offsets of every tap of a full window, relative to the window's first element.
    const tapOffset = new Int32Array(taps);
    for (let fy = 0, k = 0; fy < kH; fy++) for (let fx = 0; fx < kW; fx++) for (let ic = 0; ic < fInC; ic++) tapOffset[k++] = (fy * dilationH * inW + fx * dilationW) * inC + ic;
    const pointwise = kH === 1 && kW === 1 && groups === 1;

    const finish = (acc: number, oc: number): number => {
      const v = requant(acc | 0, oc) + outputOffset;
      return v < actMin ? actMin : v > actMax ? actMax : v;
    };

    return () => {
      let yi = 0;
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
            if (pointwise && fy1 === 1 && fx1 === 1) {
              // 1×1: a dot product of the pixel's channels with each filter row.
              const xi = ((n * inH + inY0) * inW + inX0) * inC;
              for (let oc = 0; oc < outC; oc++) {
                const wi = oc * inC;
                let acc = 0;
                let ic = 0;
                for (; ic + 3 < inC; ic += 4) acc += w[wi + ic]! * x[xi + ic]! + w[wi + ic + 1]! * x[xi + ic + 1]! + w[wi + ic + 2]! * x[xi + ic + 2]! + w[wi + ic + 3]! * x[xi + ic + 3]!;
                for (; ic < inC; ic++) acc += w[wi + ic]! * x[xi + ic]!;
                y[yi++] = finish(acc + fullBias[oc]!, oc);
              }
            } else if (fy0 === 0 && fy1 === kH && fx0 === 0 && fx1 === kW) {
              // Full window: precomputed tap offsets, offset folded into the bias.
              const base = ((n * inH + inY0) * inW + inX0) * inC;
              for (let oc = 0; oc < outC; oc++) {
                const xi = base + ((oc / filtersPerGroup) | 0) * fInC;
                const wi = oc * taps;
                let acc = 0;
                for (let k = 0; k < taps; k++) acc += w[wi + k]! * x[xi + tapOffset[k]!]!;
                y[yi++] = finish(acc + fullBias[oc]!, oc);
              }
            } else {
              // Border: only the taps inside the image, as the reference kernel does.
              for (let oc = 0; oc < outC; oc++) {
                const inChannel0 = ((oc / filtersPerGroup) | 0) * fInC;
                let acc = 0;
                for (let fy = fy0; fy < fy1; fy++) {
                  const inRow = (n * inH + inY0 + fy * dilationH) * inW * inC + inChannel0;
                  const fRow = (oc * kH + fy) * kW * fInC;
                  for (let fx = fx0; fx < fx1; fx++) {
                    const xi = inRow + (inX0 + fx * dilationW) * inC;
                    const wi = fRow + fx * fInC;
                    for (let ic = 0; ic < fInC; ic++) acc += w[wi + ic]! * (x[xi + ic]! + inputOffset);
                  }
                }
                y[yi++] = finish(b ? acc + b[oc]! : acc, oc);
              }
            }
          }
        }
      }
    };
  },
} satisfies Kernel;
