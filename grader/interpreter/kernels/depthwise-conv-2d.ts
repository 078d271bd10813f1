/**
 * DEPTHWISE_CONV_2D, int8 per-channel: TFLM reference_integer_ops::DepthwiseConvPerChannel, on the
 * SIMD `depthwise` kernel for every depth multiplier: the input is copied once, widened to int16,
 * into a buffer padded with its zero point, each input channel written `multiplier` times, so output
 * channel c reads its own lane (c = ic·multiplier + m) and the kernel runs as multiplier 1.
 */
import { convTensors, type ConvTensors } from './conv-tensors.js';
import { ensure, type Kernel, type PrepareContext } from '../kernel.js';
import { activationRange, expectedOutSize, maxAbsInput, padding, perChannelMultipliers, scaleZp, wasmRequant } from '../quant-params.js';

interface DepthwiseGeometry extends ConvTensors {
  batches: number;
  inH: number;
  inW: number;
  inC: number;
  kH: number;
  kW: number;
  outH: number;
  outW: number;
  outC: number;
  multiplier: number;
  padH: number;
  padW: number;
}

/** Types, shapes, padding: everything that makes a node runnable, checked. */
function geometry(ctx: PrepareContext): DepthwiseGeometry {
  const o = ctx.op.options;
  ensure(ctx, o.kind === 'depthwiseConv2d', 'missing DepthwiseConv2DOptions');
  const { input, filter, bias, output } = convTensors(ctx);
  const [batches, inH, inW, inC] = input.tensor.shape as [number, number, number, number];
  const [, kH, kW, outC] = filter.tensor.shape as [number, number, number, number];
  const [, outH, outW, outC2] = output.tensor.shape as [number, number, number, number];
  const multiplier = inC > 0 ? outC / inC : 0;
  ensure(ctx, outC === outC2 && Number.isInteger(multiplier) && multiplier > 0, 'channel counts do not match');
  ensure(ctx, !bias || bias.tensor.elements === outC, 'bias length does not match output channels');
  ensure(ctx, outH === expectedOutSize(o.padding, inH, kH, o.strideH, o.dilationH) && outW === expectedOutSize(o.padding, inW, kW, o.strideW, o.dilationW), 'output shape does not match padding and strides');
  const padH = padding(inH, kH, o.strideH, o.dilationH, outH);
  const padW = padding(inW, kW, o.strideW, o.dilationW, outW);
  return { input, filter, bias, output, batches, inH, inW, inC, kH, kW, outH, outW, outC, multiplier, padH, padW };
}

/**
 * Σ w·(x + offset) = Σ w·x + offset·Σ w: the padded copy gives taps outside the image the zero
 * point, so every window is full and offset·Σ w per channel folds into the bias (exact integers).
 * Also bounds on |accumulator| per channel, for choosing an exact vector requantization.
 */
function foldedBias(g: DepthwiseGeometry, inputOffset: number): { bias: Float64Array; bounds: Float64Array } {
  const w = g.filter.i8;
  const b = g.bias?.i32 ?? null;
  const taps = g.kH * g.kW;
  const bias = new Float64Array(g.outC);
  const bounds = new Float64Array(g.outC);
  for (let oc = 0; oc < g.outC; oc++) {
    let sum = 0;
    let abs = 0;
    for (let k = 0; k < taps; k++) {
      sum += w[k * g.outC + oc]!;
      abs += Math.abs(w[k * g.outC + oc]!);
    }
    bias[oc] = (b ? b[oc]! : 0) + inputOffset * sum;
    bounds[oc] = Math.abs(b ? b[oc]! : 0) + abs * maxAbsInput(inputOffset);
  }
  return { bias, bounds };
}

export default {
  op: 'DEPTHWISE_CONV_2D',
  prepare(ctx) {
    const g = geometry(ctx);
    const o = ctx.op.options;
    if (o.kind !== 'depthwiseConv2d') throw new Error('unreachable');
    const zp = scaleZp(ctx, g.input.tensor).zeroPoint;
    const out = scaleZp(ctx, g.output.tensor);
    const { min: actMin, max: actMax } = activationRange(o.activation, out);
    const { multipliers, shifts } = perChannelMultipliers(ctx, g.input.tensor, g.filter.tensor, g.output.tensor, g.outC);
    const { bias, bounds } = foldedBias(g, -zp);
    const rq = wasmRequant(ctx, bias, multipliers, shifts, out.zeroPoint, actMin, actMax, bounds);
    // The rows and columns the output's receptive fields span.
    const rows = (g.outH - 1) * o.strideH + (g.kH - 1) * o.dilationH + 1;
    const cols = (g.outW - 1) * o.strideW + (g.kW - 1) * o.dilationW + 1;
    const wp = packDepthwiseWeights(ctx, g.filter.i8, g.kH, g.kW, g.outC, cols, o.dilationH, o.dilationW);
    const padAddr = ctx.scratch.address;
    const accAddr = padAddr + Math.ceil((rows * cols * g.outC * 2 + 16) / 16) * 16;
    const simd = ctx.simd;
    const { batches, inH, inW, inC, outH, outW, outC, multiplier, padH, padW, input, output, kH, kW } = g;
    return () => {
      for (let n = 0; n < batches; n++) {
        const x = input.address + n * inH * inW * inC;
        if (multiplier === 1) simd.padInput16(x, inH, inW, inC, rows, cols, padH, padW, zp, padAddr);
        else simd.padInput16Repeat(x, inH, inW, inC, multiplier, rows, cols, padH, padW, zp, padAddr);
        simd.depthwise(padAddr, cols, outC, wp, kH, kW, o.strideH, o.strideW, o.dilationH, o.dilationW, outH, outW, rq.address, output.address + n * outH * outW * outC, accAddr);
      }
    };
  },
} satisfies Kernel;

/**
 * Depthwise weights [kH·kW taps][C] in the order the wasm `depthwise` kernel reads them: taps in
 * pairs (A = 2t, B = 2t + 1), per pair and block of 8 channels two int16 vectors [wA c0, wB c0, wA c1,
 * wB c1, …, wB c3] and the same for c4..c7 (zeros past C and for the missing B of an odd tap count);
 * then per pair the byte offsets of taps A and B in the padded int16 input (B = A when missing),
 * for an input `cols` pixels wide with dilations `dilH` × `dilW`.
 */
export function packDepthwiseWeights(
  ctx: PrepareContext, w: Int8Array, kH: number, kW: number, C: number, cols: number, dilH: number, dilW: number,
): number {
  const taps = kH * kW;
  const pairs = Math.ceil(taps / 2);
  const blocks = Math.ceil(C / 8);
  const count = pairs * blocks * 16;
  const address = ctx.persistent(2 * count + 8 * pairs);
  const packed = new Int16Array(ctx.scratch.buffer, address, count);
  packed.fill(0);
  for (let t = 0; t < taps; t++) {
    for (let c = 0; c < C; c++) packed[((t >> 1) * blocks + (c >> 3)) * 16 + (c & 7) * 2 + (t & 1)] = w[t * C + c]!;
  }
  const offsets = new Int32Array(ctx.scratch.buffer, address + 2 * count, 2 * pairs);
  const offset = (t: number): number => ((Math.floor(t / kW) * dilH * cols + (t % kW) * dilW) * C) * 2;
  for (let p = 0; p < pairs; p++) {
    offsets[2 * p] = offset(2 * p);
    offsets[2 * p + 1] = offset(2 * p + 1 < taps ? 2 * p + 1 : 2 * p);
  }
  return address;
}
