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
    const { batches, inH, inW, inC, outH, outW, outC, multiplier, padH, padW, input, output, kH, kW } = g;
    // Row mode: a whole output row is one "pixel" of outW·C lanes (see depthwiseRowMode).
    const rowMode = depthwiseRowMode(outC, outW, o.strideW);
    const lanes = rowMode ? outW * outC : outC;
    const tile = <A extends Int32Array | Float64Array | Int8Array>(a: A, make: (n: number) => A, per: number, taps: number): A => {
      if (!rowMode) return a;
      const t = make(taps * lanes);
      for (let k = 0; k < taps; k++) for (let j = 0; j < lanes; j++) t[k * lanes + j] = a[k * per + (j % per)]!;
      return t;
    };
    const rq = wasmRequant(
      ctx,
      tile(bias, (n) => new Float64Array(n), outC, 1),
      tile(multipliers, (n) => new Int32Array(n), outC, 1),
      tile(shifts, (n) => new Int32Array(n), outC, 1),
      out.zeroPoint,
      actMin,
      actMax,
      tile(bounds, (n) => new Float64Array(n), outC, 1),
    );
    // The rows and columns the output's receptive fields span.
    const rows = (outH - 1) * o.strideH + (kH - 1) * o.dilationH + 1;
    const cols = (outW - 1) * o.strideW + (kW - 1) * o.dilationW + 1;
    const wp = packDepthwiseWeights(ctx, tile(g.filter.i8, (n) => new Int8Array(n), outC, kH * kW), kH, kW, lanes, cols, o.dilationH, o.dilationW, outC);
    const padAddr = ctx.scratch.address;
    const accAddr = padAddr + Math.ceil((rows * cols * outC * 2 + 16) / 16) * 16;
    const simd = ctx.simd;
    const rowStride = 2 * o.strideH * cols * outC;
    const pixelStride = 2 * o.strideW * outC;
    const [pixH, pixW] = rowMode ? [outH, 1] : [outH, outW];
    return () => {
      for (let n = 0; n < batches; n++) {
        const x = input.address + n * inH * inW * inC;
        if (multiplier === 1) simd.padInput16(x, inH, inW, inC, rows, cols, padH, padW, zp, padAddr);
        else simd.padInput16Repeat(x, inH, inW, inC, multiplier, rows, cols, padH, padW, zp, padAddr);
        simd.depthwise(padAddr, rowStride, pixelStride, lanes, wp, kH, kW, pixH, pixW, rq.address, output.address + n * outH * outW * outC, accAddr);
      }
    };
  },
} satisfies Kernel;

/**
 * Whether a depthwise node runs in row mode. At stride 1 along W, output lane j = ox·C + c of a row
 * reads the padded input at j + (tap's offset)·C: a row is one long pixel of outW·C channels whose
 * weights and requantization repeat every C lanes. Channel counts that are not a multiple of 8
 * then fill every vector (12 channels per pixel otherwise use 8 + 4 of 16 lanes, plus a per-pixel
 * loop): 2–2.4× per node at 10–12 channels. Multiples of 8 gained nothing (C = 8 has its own
 * pixel-pair path, 72 measured the same), and the weights and per-channel parameters are tiled outW
 * times, so wide rows of many channels stay on the per-pixel path.
 */
export function depthwiseRowMode(C: number, outW: number, strideW: number): boolean {
  return strideW === 1 && C % 8 !== 0 && C < 48 && outW > 1 && outW * C <= 2048;
}

/**
 * Depthwise weights [kH·kW taps][C] in the order the wasm `depthwise` kernel reads them: taps in
 * pairs (A = 2t, B = 2t + 1), per pair and block of 8 channels two int16 vectors [wA c0, wB c0, wA c1,
 * wB c1, …, wB c3] and the same for c4..c7 (zeros past C and for the missing B of an odd tap count);
 * then per pair the byte offsets of taps A and B in the padded int16 input (B = A when missing),
 * for an input `cols` pixels of `pixelChannels` values wide with dilations `dilH` × `dilW` (C is
 * the row's lanes in row mode).
 */
export function packDepthwiseWeights(
  ctx: PrepareContext, w: Int8Array, kH: number, kW: number, C: number, cols: number, dilH: number, dilW: number, pixelChannels = C,
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
  const offset = (t: number): number => ((Math.floor(t / kW) * dilH * cols + (t % kW) * dilW) * pixelChannels) * 2;
  for (let p = 0; p < pairs; p++) {
    offsets[2 * p] = offset(2 * p);
    offsets[2 * p + 1] = offset(2 * p + 1 < taps ? 2 * p + 1 : 2 * p);
  }
  return address;
}
