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

/** Requantization tables in WebAssembly memory, read by the kernels that requantize in registers. */
export interface WasmRequant {
  address: number;
}

/** Largest |x + inputOffset| over int8 x: with Σ|w| per channel, a bound on the accumulators. */
export function maxAbsInput(inputOffset: number): number {
  return Math.max(Math.abs(INT8_MIN + inputOffset), Math.abs(INT8_MAX + inputOffset));
}

// Layout of the table block read by simd/kernels.as.ts (header, then fields of `cp` lanes).
const HEADER_WORDS = 16;
const F_MULT = 1;
const F_SHIFT = 2;
const F_POW = 3;
const F_LEFT = 4;
const F_MASK = 5;
const F_HALF = 6;
const F_RND = 7;
const FIELD_WORDS = 9; // seven i32 fields and the i64 rounding field

/**
 * Double rounding folded into one rounding, when every channel allows it. RoundingDivideByPOT(high,
 * e) of high = floor(P / 2^31), P = a·2^l·m + 2^30, equals floor((P + 2^31·(2^(e−1) − [P < 0])) /
 * 2^(31+e)) (nested floors; none of it for e = 0), and with m > 2^30, P < 0 exactly when a < 0.
 * Prescaling a by L = 2^(l + E − e) (exact while |a|·L < 2^31, from the bounds; the rounding terms by
 * 2^(E − e)) gives every channel the one shift 31 + E, E = 1 + the largest e, so L is even and the [a < 0] term only moves the high
 * half, by L/2 (0 where e = 0). Channels whose output is provably 0 (m = 0, or |high| < 2^(e−1)) get L = 0.
 * Null when some channel does not fit (then the per-channel paths run).
 */
function doubleScaled(multipliers: Int32Array, shifts: Int32Array, bounds: ArrayLike<number>): { L: number[]; K: bigint[]; corr: number[]; E: number } | null {
  const n = multipliers.length;
  const left = (c: number) => Math.max(0, shifts[c]!);
  const right = (c: number) => Math.max(0, -shifts[c]!);
  const zero = (c: number) => multipliers[c] === 0 || (right(c) >= 1 && (Math.abs(bounds[c]!) * 2 ** left(c) * multipliers[c]!) / 2 ** 31 + 1 < 2 ** (right(c) - 1) * 0.999);
  let E = 1;
  for (let c = 0; c < n; c++) if (!zero(c)) E = Math.max(E, right(c) + 1);
  const L: number[] = [];
  const K: bigint[] = [];
  const corr: number[] = [];
  for (let c = 0; c < n; c++) {
    if (zero(c)) {
      L.push(0);
      K.push(0n);
      corr.push(0);
      continue;
    }
    const e = right(c);
    const shift = left(c) + E - e;
    if (multipliers[c]! <= 2 ** 30 || shift > 30 || Math.abs(bounds[c]!) * 2 ** shift >= 2 ** 31 * 0.999) return null;
    L.push(2 ** shift);
    // The rounding terms scale with the common denominator only (2^(E−e)), not with a left shift
    // (which only channels with e = 0 have).
    K.push((1n << BigInt(30 + E - e)) + (e >= 1 ? 1n << BigInt(30 + E) : 0n));
    // e = 0: RoundingDivideByPOT does nothing, and there is no [a < 0] term.
    corr.push(e >= 1 ? 2 ** (E - e - 1) : 0);
  }
  if (E > 31) return null;
  return { L, K, corr, E };
}

/** Bytes of the requantization table block for `channels` output channels. */
export function requantTableBytes(channels: number): number {
  return 4 * (HEADER_WORDS + FIELD_WORDS * (Math.ceil(channels / 8) * 8));
}

/**
 * Per-channel requantization tables in WebAssembly memory: int32 bias (already including folded
 * offset terms), multiplier and shift for the scalar path, and the constants of the vector path,
 * which does MultiplyByQuantizedMultiplier with per-channel shifts as multiplications by powers of
 * two. Whether that path is exact for this op is decided here, once: double rounding always (the
 * multipliers are non-negative); single rounding when every product fits after the common part of
 * the shift, which `bounds` (max |accumulator + bias| per channel, default: any int32) proves.
 */
export function wasmRequant(
  ctx: PrepareContext,
  bias: ArrayLike<number>,
  multipliers: Int32Array,
  shifts: Int32Array,
  outputOffset: number,
  actMin: number,
  actMax: number,
  bounds?: ArrayLike<number>,
): WasmRequant {
  const n = multipliers.length;
  const cp = Math.ceil(n / 8) * 8;
  const address = ctx.persistent(requantTableBytes(n));
  const buffer = ctx.scratch.buffer;
  const words = new Int32Array(buffer, address, HEADER_WORDS + FIELD_WORDS * cp);
  const field = (k: number) => words.subarray(HEADER_WORDS + k * cp, HEADER_WORDS + (k + 1) * cp);
  const rnd = new BigInt64Array(buffer, address + 4 * (HEADER_WORDS + F_RND * cp), cp);
  const [bias32, mult, shift, pow, left, mask, half] = [0, F_MULT, F_SHIFT, F_POW, F_LEFT, F_MASK, F_HALF].map(field) as Int32Array[];
  for (let c = 0; c < n; c++) {
    bias32![c] = bias[c]! | 0;
    mult![c] = multipliers[c]!;
    shift![c] = shifts[c]!;
  }
  pow!.fill(1 << 30);
  left!.fill(1);
  const single = ctx.rounding === 'single';
  let vector = true;
  let shl = 0;
  let shr = 0;
  let anyLeft = 0;
  // The per-channel part of the right shift, when every channel has the same (−1: they differ).
  let uniform = -2;
  const share = (e: number) => (uniform = uniform === -2 || uniform === e ? e : -1);
  if (single) {
    // t = 31 − shift; channels with multiplier 0 give 0 whatever t is.
    const t = (c: number) => 31 - shifts[c]!;
    let base = 32;
    for (let c = 0; c < n; c++) if (multipliers[c] !== 0) base = Math.min(base, t(c));
    for (let c = 0; c < n; c++) {
      if (multipliers[c] === 0) continue;
      const e = t(c) - base;
      const a = Math.min(bounds ? Math.abs(bounds[c]!) : 2 ** 31, 2 ** 31);
      // After the common shift the value must fit in int32 (margin for the rounding of doubles).
      const fits = base >= 32 || (a * multipliers[c]! + 2 ** (t(c) - 1)) / 2 ** base < 2 ** 31 * 0.999;
      if (t(c) < 1 || e > 30 || multipliers[c]! < 0 || !fits) vector = false;
      pow![c] = 2 ** (30 - Math.min(e, 30));
      share(e);
      rnd[c] = 1n << BigInt(Math.max(t(c) - 1, 0));
    }
    shl = Math.max(0, 32 - base);
    shr = Math.max(0, base - 32);
    // Cheaper when the accumulator bounds allow: scale each accumulator by 2^(T − t) (exact while
    // it fits in int32), which gives every channel the largest t, T: one shift for all lanes.
    // Channels that can only produce 0 (|acc|·m < 2^(t−1)) are scaled by 0 and left out of T.
    if (vector && bounds) {
      const zero = (c: number) => multipliers[c] === 0 || Math.abs(bounds[c]!) * multipliers[c]! < 2 ** (t(c) - 1) * 0.999;
      let top = 0;
      for (let c = 0; c < n; c++) if (!zero(c)) top = Math.max(top, t(c));
      let ok = top >= 32;
      for (let c = 0; c < n; c++) if (!zero(c) && Math.abs(bounds[c]!) * 2 ** (top - t(c)) >= 2 ** 31 * 0.999) ok = false;
      if (ok) {
        for (let c = 0; c < cp; c++) {
          left![c] = c < n && !zero(c) ? 2 ** (top - t(c)) : 0;
          rnd[c] = 1n << BigInt(top - 1);
        }
        anyLeft = 1;
        uniform = 0;
        shl = 0;
        shr = top - 32;
      }
    }
  } else {
    for (let c = 0; c < n; c++) {
      const l = shifts[c]! > 0 ? shifts[c]! : 0;
      let r = shifts[c]! > 0 ? 0 : -shifts[c]!;
      // A right shift of 31 (a near-dead channel) is past the vector path's reach, but when the
      // accumulator bounds keep |high half| < 2^30, RoundingDivideByPOT(·, 31) is 0 for every input:
      // the same as multiplier 0, which the vector path computes exactly.
      if (r > 30 && bounds && multipliers[c]! >= 0 && (Math.abs(bounds[c]!) * multipliers[c]!) / 2 ** 31 + 1 < 2 ** 30 * 0.999) {
        mult![c] = 0;
        r = 0;
      }
      if (multipliers[c]! < 0 || l > 30 || r > 30) vector = false;
      if (l > 0) anyLeft = 1;
      share(r);
      left![c] = 2 ** Math.min(l, 30);
      pow![c] = 2 ** (30 - Math.min(r, 30));
      mask![c] = 2 ** Math.min(r, 30) - 1;
      half![c] = mask![c]! >> 1;
    }
  }
  // Which specialised vector path applies (simd/kernels.as.ts MODE_*; 0: the general one).
  let mode = single ? (anyLeft && uniform === 0 && shl === 0 && shr >= 1 ? 1 : 0) : !anyLeft && uniform === -1 ? 2 : 0;
  if (!single && vector && bounds) {
    const scaled = doubleScaled(multipliers, shifts, bounds);
    if (scaled) {
      for (let c = 0; c < cp; c++) {
        left![c] = c < n ? scaled.L[c]! : 0;
        mask![c] = c < n ? scaled.corr[c]! : 0;
        rnd[c] = c < n ? scaled.K[c]! : 0n;
      }
      mode = 3;
      shr = scaled.E - 1;
    }
  }
  // The vector path narrows before the zero point and clamp (simd/kernels.as.ts `finish`).
  if (actMin < INT8_MIN || actMax > INT8_MAX || Math.abs(outputOffset) > 32767) vector = false;
  words.set([single ? 1 : 0, vector ? 1 : 0, shl, shr, outputOffset, actMin, actMax, cp, anyLeft, uniform === -2 ? 0 : uniform, mode, mode === 1 ? 2 ** (shr - 1) : 0]);
  return { address };
}
