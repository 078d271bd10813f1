/**
 * Prepare-time quantization parameters, computed as TFLite Micro's kernel_util does (the exact
 * double/float arithmetic matters: one LSB of requantization moves a leaderboard).
 */
import type { Tensor } from '../tflite/graph.js';
import type { Activation, Padding } from '../tflite/schema.js';
import { quantizeMultiplier, roundHalfAwayFromZero, type Rounding } from './fixed-point.js';
import { ensure, type PrepareContext } from './kernel.js';

export const INT8_MIN = -128;
export const INT8_MAX = 127;

/** Per-tensor scale and zero point of an int8/int16 activation tensor. */
export function scaleZp(ctx: PrepareContext, t: Tensor): { scale: number; zeroPoint: number } {
  const q = t.quantization;
  ensure(ctx, q && q.scale.length >= 1, `tensor ${t.index} (${t.name}) has no quantization parameters`);
  return { scale: q.scale[0]!, zeroPoint: q.zeroPoint[0] ?? 0 };
}

/** TFLite Quantize(): zero_point + round(f / scale) in float32 arithmetic. */
function quantizeValue(scale: number, zeroPoint: number, f: number): number {
  return zeroPoint + roundHalfAwayFromZero(Math.fround(Math.fround(f) / Math.fround(scale)));
}

/** CalculateActivationRangeQuantized for an int8 output. */
export function activationRange(activation: Activation, out: { scale: number; zeroPoint: number }, qmin = INT8_MIN, qmax = INT8_MAX): { min: number; max: number } {
  switch (activation) {
    case 'NONE':
      return { min: qmin, max: qmax };
    case 'RELU':
      return { min: Math.max(qmin, quantizeValue(out.scale, out.zeroPoint, 0)), max: qmax };
    case 'RELU6':
      return { min: Math.max(qmin, quantizeValue(out.scale, out.zeroPoint, 0)), max: Math.min(qmax, quantizeValue(out.scale, out.zeroPoint, 6)) };
    case 'RELU_N1_TO_1':
      return { min: Math.max(qmin, quantizeValue(out.scale, out.zeroPoint, -1)), max: Math.min(qmax, quantizeValue(out.scale, out.zeroPoint, 1)) };
    default:
      throw new Error(`fused activation ${activation} is not supported on int8 kernels`);
  }
}

/**
 * PopulateConvolutionQuantizationParams (int8): one multiplier/shift per output channel from
 * input_scale · filter_scale[c] / output_scale, formed in double.
 */
export function perChannelMultipliers(ctx: PrepareContext, input: Tensor, filter: Tensor, output: Tensor, channels: number): { multipliers: Int32Array; shifts: Int32Array } {
  const inScale = scaleZp(ctx, input).scale;
  const outScale = scaleZp(ctx, output).scale;
  const fq = filter.quantization;
  ensure(ctx, fq && fq.scale.length >= 1, `filter ${filter.index} has no quantization parameters`);
  const perChannel = fq.scale.length > 1;
  ensure(ctx, !perChannel || fq.scale.length === channels, `filter has ${fq.scale.length} scales for ${channels} output channels`);
  const multipliers = new Int32Array(channels);
  const shifts = new Int32Array(channels);
  for (let c = 0; c < channels; c++) {
    const filterScale = fq.scale[perChannel ? c : 0]!;
    const q = quantizeMultiplier((inScale * filterScale) / outScale, ctx.rounding);
    multipliers[c] = q.multiplier;
    shifts[c] = q.shift;
  }
  return { multipliers, shifts };
}

/**
 * GetQuantizedConvolutionMultipler (per-tensor fully-connected): note the product of the two scales
 * is formed in float32 before it is widened, exactly as TFLite does.
 */
export function perTensorMultiplier(inScale: number, filterScale: number, outScale: number, rounding: Rounding): { multiplier: number; shift: number } {
  return quantizeMultiplier(Math.fround(Math.fround(inScale) * Math.fround(filterScale)) / outScale, rounding);
}

/** Output size and leading padding as TFLite's ComputePaddingHeightWidth computes them. */
export function padding(inSize: number, filterSize: number, stride: number, dilation: number, outSize: number): number {
  // The same rule for SAME and VALID: VALID output sizes make the total ≤ 0.
  const effectiveFilter = (filterSize - 1) * dilation + 1;
  const total = (outSize - 1) * stride + effectiveFilter - inSize;
  return total > 0 ? Math.floor(total / 2) : 0;
}

export function expectedOutSize(kind: Padding, inSize: number, filterSize: number, stride: number, dilation: number): number {
  const effectiveFilter = (filterSize - 1) * dilation + 1;
  return kind === 'SAME' ? Math.floor((inSize + stride - 1) / stride) : Math.floor((inSize + stride - effectiveFilter) / stride);
}

/** Requantization of int32 accumulators in WebAssembly, with its per-channel tables prepared once. */
export interface WasmRequant {
  /** Requantize `rows` × C accumulators at `acc` into int8 at `out`. */
  run(acc: number, rows: number, out: number): void;
}

/**
 * Per-channel requantization in WebAssembly memory: int32 bias (already including folded offset
 * terms), multiplier and shift, plus for single rounding the i64 tables its fast path reads.
 */
export function wasmRequant(
  ctx: PrepareContext,
  bias: ArrayLike<number>,
  multipliers: Int32Array,
  shifts: Int32Array,
  outputOffset: number,
  actMin: number,
  actMax: number,
): WasmRequant {
  const n = multipliers.length;
  const buffer = ctx.scratch.buffer;
  const biasAddr = ctx.persistent(4 * n);
  const b = new Int32Array(buffer, biasAddr, n);
  for (let c = 0; c < n; c++) b[c] = bias[c]! | 0;
  const simd = ctx.simd;
  if (ctx.rounding === 'single' && shifts.every((s) => s <= 30)) {
    const m = ctx.persistent(8 * n);
    const rnd = ctx.persistent(8 * n);
    const sh = ctx.persistent(8 * n);
    const mv = new BigInt64Array(buffer, m, n);
    const rv = new BigInt64Array(buffer, rnd, n);
    const sv = new BigInt64Array(buffer, sh, n);
    for (let c = 0; c < n; c++) {
      const t = 31 - shifts[c]!;
      mv[c] = BigInt(multipliers[c]!);
      rv[c] = 1n << BigInt(t - 1);
      sv[c] = BigInt(t);
    }
    return { run: (acc, rows, out) => simd.requantizeSingle(acc, rows, n, biasAddr, m, rnd, sh, outputOffset, actMin, actMax, out) };
  }
  const mult = ctx.persistent(4 * n);
  const shift = ctx.persistent(4 * n);
  new Int32Array(buffer, mult, n).set(multipliers);
  new Int32Array(buffer, shift, n).set(shifts);
  const single = ctx.rounding === 'single' ? 1 : 0;
  return { run: (acc, rows, out) => simd.requantize(acc, rows, n, biasAddr, mult, shift, outputOffset, actMin, actMax, out, single) };
}
