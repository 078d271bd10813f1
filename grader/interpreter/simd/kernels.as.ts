// AssemblyScript source of the engine's WebAssembly SIMD inner loops (compiled by
// scripts/build-simd.mjs into kernels.wasm). Integer dot products only: int8 × int8 summed in int32,
// which is exact, so results are identical to the JavaScript loops they replace.

/** out[r] = Σ_d w[r·depth + d] · x[d] for r < rows (int8 inputs, int32 outputs). */
export function dotRows(w: usize, x: usize, rows: i32, depth: i32, out: usize): void {
  const vecEnd = depth & ~15;
  for (let r = 0; r < rows; r++) {
    const wr = w + <usize>(r * depth);
    let acc = i32x4.splat(0);
    for (let d = 0; d < vecEnd; d += 16) {
      const a = v128.load(wr + <usize>d);
      const b = v128.load(x + <usize>d);
      acc = i32x4.add(acc, i32x4.dot_i16x8_s(i16x8.extend_low_i8x16_s(a), i16x8.extend_low_i8x16_s(b)));
      acc = i32x4.add(acc, i32x4.dot_i16x8_s(i16x8.extend_high_i8x16_s(a), i16x8.extend_high_i8x16_s(b)));
    }
    let d = vecEnd;
    if (depth - d >= 8) {
      acc = i32x4.add(acc, i32x4.dot_i16x8_s(v128.load8x8_s(wr + <usize>d), v128.load8x8_s(x + <usize>d)));
      d += 8;
    }
    let sum = i32x4.extract_lane(acc, 0) + i32x4.extract_lane(acc, 1) + i32x4.extract_lane(acc, 2) + i32x4.extract_lane(acc, 3);
    for (; d < depth; d++) sum += <i32>load<i8>(wr + <usize>d) * <i32>load<i8>(x + <usize>d);
    store<i32>(out + <usize>(r << 2), sum);
  }
}

/**
 * im2col for int8 NHWC (one batch): row p = output pixel, columns = kH·kW·C taps; taps outside the
 * image take the value `zp` (the input zero point, so they contribute zero after offset folding).
 */
export function im2col(
  x: usize, inH: i32, inW: i32, C: i32, kH: i32, kW: i32, strideH: i32, strideW: i32,
  dilH: i32, dilW: i32, padH: i32, padW: i32, outH: i32, outW: i32, zp: i32, out: usize,
): void {
  let o = out;
  for (let oy = 0; oy < outH; oy++) {
    const y0 = oy * strideH - padH;
    for (let ox = 0; ox < outW; ox++) {
      const x0 = ox * strideW - padW;
      for (let fy = 0; fy < kH; fy++) {
        const iy = y0 + fy * dilH;
        const rowOk = iy >= 0 && iy < inH;
        for (let fx = 0; fx < kW; fx++) {
          const ix = x0 + fx * dilW;
          if (rowOk && ix >= 0 && ix < inW) {
            const src = x + <usize>((iy * inW + ix) * C);
            if (C < 16) {
              for (let c = 0; c < C; c++) store<u8>(o + <usize>c, load<u8>(src + <usize>c));
            } else {
              memory.copy(o, src, <usize>C);
            }
          } else {
            for (let c = 0; c < C; c++) store<u8>(o + <usize>c, <u8>zp);
          }
          o += <usize>C;
        }
      }
    }
  }
}


// ───────────────────────── Requantization ─────────────────────────
//
// TFLite's MultiplyByQuantizedMultiplier per output channel, then + output zero point and the
// activation clamp. Each op prepares one table block (quant-params.ts `requantTables`): a header,
// then per-channel fields of `cp` lanes (channels rounded up to 8, padding lanes harmless).
// The vector paths handle 4 channels per step; wasm SIMD has no per-lane shift, so per-channel
// shifts are done exactly as multiplications by powers of two (see `floorPow2`).

const H_SINGLE = 0; // 1: single rounding (TFLITE_SINGLE_ROUNDING), 0: gemmlowp double rounding
const H_VECTOR = 4; // 1: the vector path is exact for every accumulator this op can produce
const H_SHL = 8; // single: left shift before taking high halves (32 − base shift)
const H_SHR = 12; // single: right shift after (base shift − 32)
const H_OUT = 16; // output zero point
const H_MIN = 20; // activation clamp
const H_MAX = 24;
const H_CP = 28; // lanes per field
const H_LEFT = 32; // 1 when accumulators are first multiplied by field F_LEFT
const H_UNIFORM = 36; // the per-channel right shift e when all channels share it, else −1
const H_MODE = 40; // which specialised vector path the kernels run (see `requant4`)
const H_HALF = 44; // prescaled single rounding: 2^(T − 33), the rounding term after the high halves
const HEADER = 64;
// Field k (i32 lanes) starts at q + HEADER + k·cp·4; the i64 rounding field takes two slots.
const F_BIAS = 0; // int32 bias with the folded offset terms
const F_MULT = 1; // quantized multiplier
const F_SHIFT = 2; // TFLite shift (scalar paths)
const F_POW = 3; // 2^(30 − e): the per-channel part e of the right shift
const F_LEFT = 4; // double: 2^left; single: 2^(T − t) (see quant-params.ts wasmRequant)
const F_MASK = 5; // double: 2^right − 1
const F_HALF = 6; // double: mask >> 1
const F_RND = 7; // single: i64 2^(t − 1), t = 31 − shift
// Vector paths (H_MODE): every kernel is compiled once per mode, so `requant4` has no branches.
const MODE_GENERAL = 0; // branches on the header flags
const MODE_SINGLE_SCALED = 1; // single rounding, prescaled accumulators, one shift
const MODE_DOUBLE_PLAIN = 2; // double rounding, no left shifts, per-channel right shifts
const MODE_DOUBLE_SCALED = 3; // double rounding folded into one rounding, prescaled accumulators, one shift

/** Upper 32 bits of each i64 lane of a and b, as one i32x4 (a's two lanes first). */
// @ts-ignore: decorator
@inline function highHalves(a: v128, b: v128): v128 {
  return i32x4.shuffle(a, b, 1, 3, 5, 7);
}

/**
 * floor(u / 2^e) per lane, for pow = 2^(30 − e), 0 ≤ e ≤ 30: u·2^(30−e)·4 = u·2^(32−e) fits in i64,
 * and its upper half is the quotient.
 */
// @ts-ignore: decorator
@inline function floorPow2(u: v128, pow: v128): v128 {
  return highHalves(i64x2.shl(i64x2.extmul_low_i32x4_s(u, pow), 2), i64x2.shl(i64x2.extmul_high_i32x4_s(u, pow), 2));
}

/**
 * MultiplyByQuantizedMultiplier of 4 accumulators (bias included) for channels c..c+3 (`c4` = c·4
 * bytes); `f` is the address of field 0. Zero point and clamp follow in `finish`.
 */
// @ts-ignore: decorator
@inline function requant4(a: v128, f: usize, cp4: usize, c4: usize, mode: i32, shl: i32, shr: i32): v128 {
  const flags = f - HEADER;
  const m = v128.load(f + cp4 * F_MULT + c4);
  if (mode == MODE_SINGLE_SCALED) {
    // Single rounding with accumulators prescaled to one shift T ≥ 33 (quant-params.ts
    // wasmRequant): floor((a·m + 2^(T−1)) / 2^T) = (high half of a·m + 2^(T−33)) >> (T − 32).
    const as = i32x4.mul(a, v128.load(f + cp4 * F_LEFT + c4));
    const u = highHalves(i64x2.extmul_low_i32x4_s(as, m), i64x2.extmul_high_i32x4_s(as, m));
    return i32x4.shr_s(i32x4.add(u, v128.load32_splat(flags + H_HALF)), shr);
  }
  if (mode == MODE_DOUBLE_SCALED) {
    // Double rounding as one (quant-params.ts wasmRequant): with L = 2^(E−e) (F_LEFT), K = L·(2^30 +
    // 2^(30+e)) (F_RND) and s = [a < 0], the result is floor((a·L·m + K − s·L·2^31) / 2^(31+E)); L is
    // even, so the s term leaves the high half as s·L/2 (F_MASK).
    const as = i32x4.mul(a, v128.load(f + cp4 * F_LEFT + c4));
    const rnd = f + cp4 * F_RND + (c4 << 1);
    const u = highHalves(i64x2.add(i64x2.extmul_low_i32x4_s(as, m), v128.load(rnd)), i64x2.add(i64x2.extmul_high_i32x4_s(as, m), v128.load(rnd, 16)));
    const corr = v128.and(i32x4.shr_s(a, 31), v128.load(f + cp4 * F_MASK + c4));
    return i32x4.shr_s(i32x4.sub(u, corr), shr);
  }
  if (mode == MODE_DOUBLE_PLAIN) {
    // Double rounding, no left shifts, per-channel right shifts: the general path below, unbranched.
    const half = i64x2.splat(1 << 30);
    const high = highHalves(
      i64x2.shl(i64x2.add(i64x2.extmul_low_i32x4_s(a, m), half), 1),
      i64x2.shl(i64x2.add(i64x2.extmul_high_i32x4_s(a, m), half), 1),
    );
    const rem = v128.and(high, v128.load(f + cp4 * F_MASK + c4));
    const threshold = i32x4.sub(v128.load(f + cp4 * F_HALF + c4), i32x4.shr_s(high, 31));
    return i32x4.sub(floorPow2(high, v128.load(f + cp4 * F_POW + c4)), i32x4.gt_s(rem, threshold));
  }
  const pow = v128.load(f + cp4 * F_POW + c4);
  let v: v128;
  if (load<i32>(flags + H_SINGLE)) {
    // floor((a·m + 2^(t−1)) / 2^t) = floor(floor(… / 2^base) / 2^e): a shift common to all
    // channels, then the per-channel rest.
    const rnd = f + cp4 * F_RND + (c4 << 1);
    const as = load<i32>(flags + H_LEFT) ? i32x4.mul(a, v128.load(f + cp4 * F_LEFT + c4)) : a;
    const p0 = i64x2.add(i64x2.extmul_low_i32x4_s(as, m), v128.load(rnd));
    const p1 = i64x2.add(i64x2.extmul_high_i32x4_s(as, m), v128.load(rnd, 16));
    const u = i32x4.shr_s(highHalves(i64x2.shl(p0, shl), i64x2.shl(p1, shl)), shr);
    const e = load<i32>(flags + H_UNIFORM);
    v = e >= 0 ? i32x4.shr_s(u, e) : floorPow2(u, pow);
  } else {
    // SaturatingRoundingDoublingHighMul(a·2^left, m) with m ≥ 0 (no saturation case): gemmlowp's
    // nudge-and-truncate equals floor((a·m + 2^30) / 2^31) for both signs.
    const al = load<i32>(flags + H_LEFT) ? i32x4.mul(a, v128.load(f + cp4 * F_LEFT + c4)) : a;
    const half = i64x2.splat(1 << 30);
    const high = highHalves(
      i64x2.shl(i64x2.add(i64x2.extmul_low_i32x4_s(al, m), half), 1),
      i64x2.shl(i64x2.add(i64x2.extmul_high_i32x4_s(al, m), half), 1),
    );
    // RoundingDivideByPOT(high, right): floor, then + 1 when the remainder exceeds the threshold.
    const rem = v128.and(high, v128.load(f + cp4 * F_MASK + c4));
    const threshold = i32x4.sub(v128.load(f + cp4 * F_HALF + c4), i32x4.shr_s(high, 31));
    const e = load<i32>(flags + H_UNIFORM);
    v = i32x4.sub(e >= 0 ? i32x4.shr_s(high, e) : floorPow2(high, pow), i32x4.gt_s(rem, threshold));
  }
  return v;
}

/**
 * + output zero point and the activation clamp on requantized int32 lanes, as int8x16: narrowing
 * with saturation first, then the zero point (saturating int16 add) and the clamp on 16 lanes at
 * once. Same result as clamping v + zero point in int32: the clamp range lies inside int8 and
 * saturation only moves values that are outside it further from it. `out` = int16 splat of the zero
 * point, `lo`/`hi` = int8 splats of the clamp.
 */
// @ts-ignore: decorator
@inline function finish(v0: v128, v1: v128, v2: v128, v3: v128, out: v128, lo: v128, hi: v128): v128 {
  const w0 = i16x8.add_sat_s(i16x8.narrow_i32x4_s(v0, v1), out);
  const w1 = i16x8.add_sat_s(i16x8.narrow_i32x4_s(v2, v3), out);
  return i8x16.min_s(i8x16.max_s(i8x16.narrow_i16x8_s(w0, w1), lo), hi);
}

/** The same for one accumulator (bias included), as TFLite's scalar code: tails and fallbacks. */
function requant1(x: i32, q: usize, c: i32): i32 {
  const f = q + HEADER;
  const cp4 = <usize>(load<i32>(q + H_CP) << 2);
  const m = <i64>load<i32>(f + cp4 * F_MULT + <usize>(c << 2));
  const s = load<i32>(f + cp4 * F_SHIFT + <usize>(c << 2));
  let v: i32;
  if (load<i32>(q + H_SINGLE)) {
    const t = <i64>(31 - s);
    v = <i32>((<i64>x * m + (<i64>1 << (t - 1))) >> t);
  } else {
    const left = s > 0 ? s : 0;
    const right = s > 0 ? 0 : -s;
    const a = x * (1 << left);
    let high: i32;
    if (a == i32.MIN_VALUE && m == <i64>i32.MIN_VALUE) {
      high = i32.MAX_VALUE;
    } else {
      const ab = <i64>a * m;
      const nudge: i64 = ab >= 0 ? (<i64>1 << 30) : (<i64>1 - (<i64>1 << 30));
      // Truncating division by 2^31 without an i64 divide: bias negatives by 2^31 − 1, then shift.
      const v64 = ab + nudge;
      high = <i32>((v64 + (v64 < 0 ? (<i64>1 << 31) - 1 : 0)) >> 31);
    }
    if (right == 0) {
      v = high;
    } else {
      const mask = (1 << right) - 1;
      const threshold = (mask >> 1) + (high < 0 ? 1 : 0);
      v = (high >> right) + ((high & mask) > threshold ? 1 : 0);
    }
  }
  v += load<i32>(q + H_OUT);
  const lo = load<i32>(q + H_MIN);
  const hi = load<i32>(q + H_MAX);
  return v < lo ? lo : v > hi ? hi : v;
}

// ───────────────────────── Matrix product with requantization ─────────────────────────

/** 16 bytes of static scratch (in the runtime's reserved first page) for partial stores. */
const TAIL: usize = memory.data(16, 16);

/** Requantize 8 channels' accumulators (g..g+7, `g4` = g·4) and store the first `n` (≤ 8) as int8 at `o`. */
// @ts-ignore: decorator
@inline function store8(o: usize, a0: v128, a1: v128, n: i32, f: usize, cp4: usize, g4: usize, mode: i32, shl: i32, shr: i32, out: v128, lo: v128, hi: v128): void {
  const v0 = requant4(a0, f, cp4, g4, mode, shl, shr);
  const v1 = requant4(a1, f, cp4, g4 + 16, mode, shl, shr);
  const b = finish(v0, v1, v0, v1, out, lo, hi);
  if (n >= 8) v128.store64_lane(o, b, 0);
  else storePart8(o, b, 0, n);
}

/** Bytes 0..15 of a vector, for masks of the first n lanes. */
const RAMP: v128 = i8x16(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);

/**
 * The first n (< 8) bytes of 64-bit lane `lane` of `b` at `o`, the other bytes of those 8 left as
 * they were (read and written back: single-threaded, and the memory extends past every tensor).
 * A channel tail of a few bytes per pixel; memory.copy per pixel cost more than the requantization.
 */
// @ts-ignore: decorator
@inline function storePart8(o: usize, b: v128, lane: i32, n: i32): void {
  const v = lane == 0 ? b : i64x2.shuffle(b, b, 1, 1);
  v128.store64_lane(o, v128.bitselect(v, v128.load64_zero(o), i8x16.gt_s(i8x16.splat(<i8>n), RAMP)), 0);
}

/**
 * `requant4` of the specialised modes with the channel constants already in registers (`m`
 * multipliers, `u` F_LEFT or, for MODE_DOUBLE_PLAIN, F_HALF, `r0`/`r1` the F_RND pair or F_POW, `k`
 * F_MASK, `hv` the H_HALF splat): callers load them once for several pixels (loads cannot move past
 * the output stores, which might alias them).
 */
// @ts-ignore: decorator
@inline function requant4c(a: v128, m: v128, u: v128, r0: v128, r1: v128, k: v128, hv: v128, mode: i32, shr: i32): v128 {
  if (mode == MODE_SINGLE_SCALED) {
    const as = i32x4.mul(a, u);
    return i32x4.shr_s(i32x4.add(highHalves(i64x2.extmul_low_i32x4_s(as, m), i64x2.extmul_high_i32x4_s(as, m)), hv), shr);
  }
  if (mode == MODE_DOUBLE_SCALED) {
    const as = i32x4.mul(a, u);
    const q = highHalves(i64x2.add(i64x2.extmul_low_i32x4_s(as, m), r0), i64x2.add(i64x2.extmul_high_i32x4_s(as, m), r1));
    return i32x4.shr_s(i32x4.sub(q, v128.and(i32x4.shr_s(a, 31), k)), shr);
  }
  // MODE_DOUBLE_PLAIN
  const half = i64x2.splat(1 << 30);
  const high = highHalves(
    i64x2.shl(i64x2.add(i64x2.extmul_low_i32x4_s(a, m), half), 1),
    i64x2.shl(i64x2.add(i64x2.extmul_high_i32x4_s(a, m), half), 1),
  );
  const threshold = i32x4.sub(u, i32x4.shr_s(high, 31));
  return i32x4.sub(floorPow2(high, r0), i32x4.gt_s(v128.and(high, k), threshold));
}

/**
 * `store8` for 4 pixels (rows `N` bytes apart) of the same 8 channels: the channel constants are
 * loaded once, and two pixels share each narrowing (their 8 bytes in one vector's halves).
 */
// @ts-ignore: decorator
@inline function store8x4(
  ob: usize, N: i32, a00: v128, a01: v128, a10: v128, a11: v128, a20: v128, a21: v128, a30: v128, a31: v128,
  n: i32, f: usize, cp4: usize, g4: usize, mode: i32, shl: i32, shr: i32, out: v128, lo: v128, hi: v128,
): void {
  if (mode == MODE_GENERAL) {
    store8(ob, a00, a01, n, f, cp4, g4, mode, shl, shr, out, lo, hi);
    store8(ob + <usize>N, a10, a11, n, f, cp4, g4, mode, shl, shr, out, lo, hi);
    store8(ob + <usize>(2 * N), a20, a21, n, f, cp4, g4, mode, shl, shr, out, lo, hi);
    store8(ob + <usize>(3 * N), a30, a31, n, f, cp4, g4, mode, shl, shr, out, lo, hi);
    return;
  }
  const m0 = v128.load(f + cp4 * F_MULT + g4);
  const m1 = v128.load(f + cp4 * F_MULT + g4, 16);
  const uf = f + cp4 * (mode == MODE_DOUBLE_PLAIN ? F_HALF : F_LEFT) + g4;
  const u0 = v128.load(uf);
  const u1 = v128.load(uf, 16);
  const kf = f + cp4 * F_MASK + g4;
  const k0 = v128.load(kf);
  const k1 = v128.load(kf, 16);
  const hv = v128.load32_splat(f - HEADER + H_HALF);
  let r00 = k0, r01 = k0, r10 = k0, r11 = k0;
  if (mode == MODE_DOUBLE_SCALED) {
    const rf = f + cp4 * F_RND + (g4 << 1);
    r00 = v128.load(rf);
    r01 = v128.load(rf, 16);
    r10 = v128.load(rf, 32);
    r11 = v128.load(rf, 48);
  } else if (mode == MODE_DOUBLE_PLAIN) {
    r00 = v128.load(f + cp4 * F_POW + g4);
    r10 = v128.load(f + cp4 * F_POW + g4, 16);
  }
  const b01 = finish(
    requant4c(a00, m0, u0, r00, r01, k0, hv, mode, shr), requant4c(a01, m1, u1, r10, r11, k1, hv, mode, shr),
    requant4c(a10, m0, u0, r00, r01, k0, hv, mode, shr), requant4c(a11, m1, u1, r10, r11, k1, hv, mode, shr),
    out, lo, hi,
  );
  if (n < 8) {
    storePart8(ob, b01, 0, n);
    storePart8(ob + <usize>N, b01, 1, n);
  } else {
    v128.store64_lane(ob, b01, 0);
    v128.store64_lane(ob + <usize>N, b01, 1);
  }
  const b23 = finish(
    requant4c(a20, m0, u0, r00, r01, k0, hv, mode, shr), requant4c(a21, m1, u1, r10, r11, k1, hv, mode, shr),
    requant4c(a30, m0, u0, r00, r01, k0, hv, mode, shr), requant4c(a31, m1, u1, r10, r11, k1, hv, mode, shr),
    out, lo, hi,
  );
  if (n < 8) {
    storePart8(ob + <usize>(2 * N), b23, 0, n);
    storePart8(ob + <usize>(3 * N), b23, 1, n);
  } else {
    v128.store64_lane(ob + <usize>(2 * N), b23, 0);
    v128.store64_lane(ob + <usize>(3 * N), b23, 1);
  }
}

/** Store 8 channels' raw accumulators (int32, first `n`) for the scalar requantization fallback. */
// @ts-ignore: decorator
@inline function store8raw(o: usize, a0: v128, a1: v128, n: i32): void {
  if (n >= 8) {
    v128.store(o, a0);
    v128.store(o, a1, 16);
  } else {
    v128.store(TAIL, a0);
    memory.copy(o, TAIL, <usize>(min(n, 4) << 2));
    if (n > 4) {
      v128.store(TAIL, a1);
      memory.copy(o + 16, TAIL, <usize>((n - 4) << 2));
    }
  }
}

/**
 * Rows of int8 (`pixels` rows of K, `xStride` apart) widened to int16 rows of 2·⌈K/2⌉ at `out` (the
 * value past an odd row is whatever follows it: it meets a zero weight). Writes up to 30 bytes past
 * the last row.
 */
function widenRows(x: usize, xStride: i32, pixels: i32, K: i32, out: usize): void {
  const rowBytes = <usize>(((K + 1) >> 1) << 2);
  for (let p = 0; p < pixels; p++) {
    const src = x + <usize>(p * xStride);
    const dst = out + <usize>p * rowBytes;
    for (let k = 0; k < K; k += 16) {
      const v = v128.load(src + <usize>k);
      v128.store(dst + <usize>(k << 1), i16x8.extend_low_i8x16_s(v));
      v128.store(dst + <usize>(k << 1), i16x8.extend_high_i8x16_s(v), 16);
    }
  }
}

/**
 * Convolution as a matrix product with requantization: out[p·N + n] = requant(bias[n] + Σ_k
 * x[p·xStride + k] · w[n][k]) for `pixels` rows of K int8 inputs and N filters, int8 out (1×1
 * convolutions, im2col rows, fully-connected batches).
 *
 * The inputs are first widened to int16 at `x16` and the weights come packed and widened by
 * conv-2d.ts `packWeights`: for each group of 8 filters and each pair of taps k, k+1, eight int16
 * pairs [f0 k, f0 k+1, f1 k, f1 k+1, …, f7 k+1] (zeros past N and K). One input pair splatted to
 * every lane (a plain 32-bit broadcast load) meets 4 filters in one i32x4.dot_i16x8_s, so
 * accumulator lanes are output channels (no horizontal sums) and 4 pixels share each weight load.
 * Keeping sign extension out of the inner loop matters: on x86 it competes with the broadcasts for
 * the one shuffle port.
 *
 * When the table's vector path is not exact for this op, raw accumulators go to `acc` and the
 * scalar requantization finishes.
 */
// @ts-ignore: decorator
@inline function gemmImpl(x: usize, xStride: i32, pixels: i32, K: i32, wp: usize, N: i32, q: usize, out: usize, acc: usize, x16: usize, mode: i32): void {
  widenRows(x, xStride, pixels, K, x16);
  const f = q + HEADER;
  const cp4 = <usize>(load<i32>(q + H_CP) << 2);
  const shl = load<i32>(q + H_SHL);
  const shr = load<i32>(q + H_SHR);
  const vector = load<i32>(q + H_VECTOR);
  const o = i16x8.splat(<i16>load<i32>(q + H_OUT));
  const lo = i8x16.splat(<i8>load<i32>(q + H_MIN));
  const hi = i8x16.splat(<i8>load<i32>(q + H_MAX));
  const pairs = (K + 1) >> 1;
  const groupBytes = <usize>(pairs << 5);
  const xs = <usize>(pairs << 2);
  // Filters in chunks whose packed weights stay in L1 (16 KiB) while every pixel passes: with few
  // pixels and many weights (late 1×1 layers) streaming all weights per 4 pixels was memory bound.
  const gChunk = max(8, <i32>(16384 / <i32>groupBytes) << 3);
  for (let gStart = 0; gStart < N; gStart += gChunk) {
  const gEnd = min(N, gStart + gChunk);
  let p = 0;
  for (; p + 4 <= pixels; p += 4) {
    const x0 = x16 + <usize>p * xs;
    for (let g = gStart; g < gEnd; g += 8) {
      const g4 = <usize>(g << 2);
      const b0 = v128.load(f + g4);
      const b1 = v128.load(f + g4, 16);
      let a00 = b0, a01 = b1, a10 = b0, a11 = b1, a20 = b0, a21 = b1, a30 = b0, a31 = b1;
      let w = wp + <usize>(g >> 3) * groupBytes;
      let xp = x0;
      for (let j = 0; j < pairs; j++) {
        const w0 = v128.load(w);
        const w1 = v128.load(w, 16);
        let xv = v128.load32_splat(xp);
        a00 = i32x4.add(a00, i32x4.dot_i16x8_s(xv, w0));
        a01 = i32x4.add(a01, i32x4.dot_i16x8_s(xv, w1));
        xv = v128.load32_splat(xp + xs);
        a10 = i32x4.add(a10, i32x4.dot_i16x8_s(xv, w0));
        a11 = i32x4.add(a11, i32x4.dot_i16x8_s(xv, w1));
        xv = v128.load32_splat(xp + 2 * xs);
        a20 = i32x4.add(a20, i32x4.dot_i16x8_s(xv, w0));
        a21 = i32x4.add(a21, i32x4.dot_i16x8_s(xv, w1));
        xv = v128.load32_splat(xp + 3 * xs);
        a30 = i32x4.add(a30, i32x4.dot_i16x8_s(xv, w0));
        a31 = i32x4.add(a31, i32x4.dot_i16x8_s(xv, w1));
        w += 32;
        xp += 4;
      }
      const n = N - g;
      if (vector) {
        const ob = out + <usize>(p * N + g);
        store8x4(ob, N, a00, a01, a10, a11, a20, a21, a30, a31, n, f, cp4, g4, mode, shl, shr, o, lo, hi);
      } else {
        const ab = acc + <usize>((p * N + g) << 2);
        store8raw(ab, a00, a01, n);
        store8raw(ab + <usize>(N << 2), a10, a11, n);
        store8raw(ab + <usize>(N << 3), a20, a21, n);
        store8raw(ab + <usize>(N * 12), a30, a31, n);
      }
    }
  }
  for (; p < pixels; p++) {
    const x0 = x16 + <usize>p * xs;
    for (let g = gStart; g < gEnd; g += 8) {
      const g4 = <usize>(g << 2);
      let a0 = v128.load(f + g4);
      let a1 = v128.load(f + g4, 16);
      let w = wp + <usize>(g >> 3) * groupBytes;
      let xp = x0;
      for (let j = 0; j < pairs; j++) {
        const xv = v128.load32_splat(xp);
        a0 = i32x4.add(a0, i32x4.dot_i16x8_s(xv, v128.load(w)));
        a1 = i32x4.add(a1, i32x4.dot_i16x8_s(xv, v128.load(w, 16)));
        w += 32;
        xp += 4;
      }
      if (vector) store8(out + <usize>(p * N + g), a0, a1, N - g, f, cp4, g4, mode, shl, shr, o, lo, hi);
      else store8raw(acc + <usize>((p * N + g) << 2), a0, a1, N - g);
    }
  }
  }
  if (!vector) requantizeBiased(acc, pixels, N, q, out);
}

export function gemm(x: usize, xStride: i32, pixels: i32, K: i32, wp: usize, N: i32, q: usize, out: usize, acc: usize, x16: usize): void {
  const mode = load<i32>(q + H_MODE);
  if (mode == MODE_SINGLE_SCALED) gemmImpl(x, xStride, pixels, K, wp, N, q, out, acc, x16, MODE_SINGLE_SCALED);
  else if (mode == MODE_DOUBLE_PLAIN) gemmImpl(x, xStride, pixels, K, wp, N, q, out, acc, x16, MODE_DOUBLE_PLAIN);
  else if (mode == MODE_DOUBLE_SCALED) gemmImpl(x, xStride, pixels, K, wp, N, q, out, acc, x16, MODE_DOUBLE_SCALED);
  else gemmImpl(x, xStride, pixels, K, wp, N, q, out, acc, x16, MODE_GENERAL);
}

/** Address of output pixel p's receptive field in an input padded with its zero point. */
// @ts-ignore: decorator
@inline function window(x: usize, p: i32, outW: i32, rowStride: i32, pixelStride: i32): usize {
  const oy = p / outW;
  return x + <usize>(oy * rowStride + (p - oy * outW) * pixelStride);
}

/**
 * Convolution with requantization over an int16 input padded with its zero point (`padInput16`):
 * out[p·N + n] = requant(bias[n] + Σ_taps w[n][tap] · x[tap of p]). Each output pixel reads kH
 * rows of its window, each `rowPairs` pairs of contiguous values (kW·C taps, dilation 1 along the
 * row): window start = x + oy·rowStride + ox·pixelStride (bytes), rows `rowStep` bytes apart.
 *
 * As `gemm`, with int16 weights packed by conv-2d.ts `packWeights` per group of 8 filters, per
 * kernel row, per pair of taps (zeros past N and past an odd row, whose last pair reads one value
 * past it).
 *
 * When the table's vector path is not exact for this op, raw accumulators go to `acc` and the
 * scalar requantization finishes.
 */
// @ts-ignore: decorator
@inline function convImpl(
  x: usize, rowStride: i32, pixelStride: i32, rowStep: i32, kH: i32, rowPairs: i32,
  outH: i32, outW: i32, wp: usize, N: i32, q: usize, out: usize, acc: usize, mode: i32,
): void {
  const f = q + HEADER;
  const cp4 = <usize>(load<i32>(q + H_CP) << 2);
  const shl = load<i32>(q + H_SHL);
  const shr = load<i32>(q + H_SHR);
  const vector = load<i32>(q + H_VECTOR);
  const o = i16x8.splat(<i16>load<i32>(q + H_OUT));
  const lo = i8x16.splat(<i8>load<i32>(q + H_MIN));
  const hi = i8x16.splat(<i8>load<i32>(q + H_MAX));
  const groupBytes = <usize>((kH * rowPairs) << 5);
  const nextRow = <usize>(rowStep - 4 * rowPairs);
  const pixels = outH * outW;
  // Filters in chunks whose packed weights stay in L1 (16 KiB) while every pixel passes (as `gemm`):
  // wide late layers (64 filters × 3×3×64: 72 KiB) otherwise stream all weights per 4 pixels.
  const gChunk = max(8, <i32>(16384 / <i32>groupBytes) << 3);
  for (let gStart = 0; gStart < N; gStart += gChunk) {
  const gEnd = min(N, gStart + gChunk);
  let p = 0;
  // Window addresses of pixels p..p+4, stepped along rows (an integer division per pixel cost as
  // much as the arithmetic of a small convolution).
  let wy = 0;
  let wx = 0;
  for (; p + 4 <= pixels; p += 4) {
    const x0 = x + <usize>(wy * rowStride + wx * pixelStride);
    if (++wx == outW) { wx = 0; wy++; }
    const d1 = x + <usize>(wy * rowStride + wx * pixelStride) - x0;
    if (++wx == outW) { wx = 0; wy++; }
    const d2 = x + <usize>(wy * rowStride + wx * pixelStride) - x0;
    if (++wx == outW) { wx = 0; wy++; }
    const d3 = x + <usize>(wy * rowStride + wx * pixelStride) - x0;
    if (++wx == outW) { wx = 0; wy++; }
    for (let g = gStart; g < gEnd; g += 8) {
      const g4 = <usize>(g << 2);
      const b0 = v128.load(f + g4);
      const b1 = v128.load(f + g4, 16);
      let a00 = b0, a01 = b1, a10 = b0, a11 = b1, a20 = b0, a21 = b1, a30 = b0, a31 = b1;
      let w = wp + <usize>(g >> 3) * groupBytes;
      let xp = x0;
      for (let r = 0; r < kH; r++) {
        for (let j = 0; j < rowPairs; j++) {
          const w0 = v128.load(w);
          const w1 = v128.load(w, 16);
          let xv = v128.load32_splat(xp);
          a00 = i32x4.add(a00, i32x4.dot_i16x8_s(xv, w0));
          a01 = i32x4.add(a01, i32x4.dot_i16x8_s(xv, w1));
          xv = v128.load32_splat(xp + d1);
          a10 = i32x4.add(a10, i32x4.dot_i16x8_s(xv, w0));
          a11 = i32x4.add(a11, i32x4.dot_i16x8_s(xv, w1));
          xv = v128.load32_splat(xp + d2);
          a20 = i32x4.add(a20, i32x4.dot_i16x8_s(xv, w0));
          a21 = i32x4.add(a21, i32x4.dot_i16x8_s(xv, w1));
          xv = v128.load32_splat(xp + d3);
          a30 = i32x4.add(a30, i32x4.dot_i16x8_s(xv, w0));
          a31 = i32x4.add(a31, i32x4.dot_i16x8_s(xv, w1));
          w += 32;
          xp += 4;
        }
        xp += nextRow;
      }
      const n = N - g;
      if (vector) {
        const ob = out + <usize>(p * N + g);
        store8x4(ob, N, a00, a01, a10, a11, a20, a21, a30, a31, n, f, cp4, g4, mode, shl, shr, o, lo, hi);
      } else {
        const ab = acc + <usize>((p * N + g) << 2);
        store8raw(ab, a00, a01, n);
        store8raw(ab + <usize>(N << 2), a10, a11, n);
        store8raw(ab + <usize>(N << 3), a20, a21, n);
        store8raw(ab + <usize>(N * 12), a30, a31, n);
      }
    }
  }
  for (; p < pixels; p++) {
    const x0 = window(x, p, outW, rowStride, pixelStride);
    for (let g = gStart; g < gEnd; g += 8) {
      const g4 = <usize>(g << 2);
      let a0 = v128.load(f + g4);
      let a1 = v128.load(f + g4, 16);
      let w = wp + <usize>(g >> 3) * groupBytes;
      let xp = x0;
      for (let r = 0; r < kH; r++) {
        for (let j = 0; j < rowPairs; j++) {
          const xv = v128.load32_splat(xp);
          a0 = i32x4.add(a0, i32x4.dot_i16x8_s(xv, v128.load(w)));
          a1 = i32x4.add(a1, i32x4.dot_i16x8_s(xv, v128.load(w, 16)));
          w += 32;
          xp += 4;
        }
        xp += nextRow;
      }
      if (vector) store8(out + <usize>(p * N + g), a0, a1, N - g, f, cp4, g4, mode, shl, shr, o, lo, hi);
      else store8raw(acc + <usize>((p * N + g) << 2), a0, a1, N - g);
    }
  }
  }
  if (!vector) requantizeBiased(acc, pixels, N, q, out);
}

export function conv(
  x: usize, rowStride: i32, pixelStride: i32, rowStep: i32, kH: i32, rowPairs: i32,
  outH: i32, outW: i32, wp: usize, N: i32, q: usize, out: usize, acc: usize,
): void {
  const mode = load<i32>(q + H_MODE);
  if (mode == MODE_SINGLE_SCALED) convImpl(x, rowStride, pixelStride, rowStep, kH, rowPairs, outH, outW, wp, N, q, out, acc, MODE_SINGLE_SCALED);
  else if (mode == MODE_DOUBLE_PLAIN) convImpl(x, rowStride, pixelStride, rowStep, kH, rowPairs, outH, outW, wp, N, q, out, acc, MODE_DOUBLE_PLAIN);
  else if (mode == MODE_DOUBLE_SCALED) convImpl(x, rowStride, pixelStride, rowStep, kH, rowPairs, outH, outW, wp, N, q, out, acc, MODE_DOUBLE_SCALED);
  else convImpl(x, rowStride, pixelStride, rowStep, kH, rowPairs, outH, outW, wp, N, q, out, acc, MODE_GENERAL);
}

/**
 * Requantization of `rows` × C accumulators (bias included) through table `q`, channel i % C, to
 * int8 (MEAN's sums): 8 channels at a time when the table's vector path is exact, scalar otherwise
 * and for the last C % 8 channels of a row.
 */
export function requantRows(acc: usize, rows: i32, C: i32, q: usize, out: usize): void {
  if (!load<i32>(q + H_VECTOR) || C < 8) {
    requantizeBiased(acc, rows, C, q, out);
    return;
  }
  const mode = load<i32>(q + H_MODE);
  if (mode == MODE_SINGLE_SCALED) requantRowsImpl(acc, rows, C, q, out, MODE_SINGLE_SCALED);
  else if (mode == MODE_DOUBLE_PLAIN) requantRowsImpl(acc, rows, C, q, out, MODE_DOUBLE_PLAIN);
  else if (mode == MODE_DOUBLE_SCALED) requantRowsImpl(acc, rows, C, q, out, MODE_DOUBLE_SCALED);
  else requantRowsImpl(acc, rows, C, q, out, MODE_GENERAL);
}

// @ts-ignore: decorator
@inline function requantRowsImpl(acc: usize, rows: i32, C: i32, q: usize, out: usize, mode: i32): void {
  const f = q + HEADER;
  const cp4 = <usize>(load<i32>(q + H_CP) << 2);
  const shl = load<i32>(q + H_SHL);
  const shr = load<i32>(q + H_SHR);
  const o = i16x8.splat(<i16>load<i32>(q + H_OUT));
  const lo = i8x16.splat(<i8>load<i32>(q + H_MIN));
  const hi = i8x16.splat(<i8>load<i32>(q + H_MAX));
  const vecEnd = C & ~7;
  for (let r = 0; r < rows; r++) {
    const a = acc + <usize>((r * C) << 2);
    const y = out + <usize>(r * C);
    for (let g = 0; g < vecEnd; g += 8) {
      const g4 = <usize>(g << 2);
      store8(y + <usize>g, v128.load(a + g4), v128.load(a + g4, 16), 8, f, cp4, g4, mode, shl, shr, o, lo, hi);
    }
    for (let c = vecEnd; c < C; c++) store<i8>(y + <usize>c, <i8>requant1(load<i32>(a + <usize>(c << 2)), q, c));
  }
}

/** Scalar requantization of accumulators that already include the bias. */
function requantizeBiased(acc: usize, rows: i32, C: i32, q: usize, out: usize): void {
  for (let i = 0; i < rows * C; i++) {
    store<i8>(out + <usize>i, <i8>requant1(load<i32>(acc + <usize>(i << 2)), q, i % C));
  }
}

// ───────────────────────── Depthwise convolution ─────────────────────────

/** `bytes` bytes (rounded up to 16) of `v` repeated from `out`. */
// @ts-ignore: decorator
@inline function fill16(out: usize, bytes: usize, v: v128): void {
  for (let i: usize = 0; i < bytes; i += 16) v128.store(out + i, v);
}

/**
 * Copy one NHWC image (inH × inW × C int8), widened to int16, into a rows × cols × C buffer filled
 * with the input zero point `zp`, at row `top` and column `left`: taps in the padding then
 * contribute w·(zp − zp) = 0. Writes up to 14 bytes past the buffer.
 */
export function padInput16(x: usize, inH: i32, inW: i32, C: i32, rows: i32, cols: i32, top: i32, left: i32, zp: i32, out: usize): void {
  const fill = i16x8.splat(<i16>zp);
  const copyRows = min(inH, rows - top);
  const copyCols = min(inW, cols - left);
  if (copyCols <= 0 || copyRows <= 0) {
    fill16(out, <usize>(rows * cols * C) << 1, fill);
    return;
  }
  // Only the border gets the zero point (all fills before any copy: their 16-byte steps may run
  // into the interior, which the copy then overwrites).
  const rowBytes = <usize>(cols * C) << 1;
  fill16(out, <usize>top * rowBytes, fill);
  const leftBytes = <usize>(left * C) << 1;
  const rightStart = <usize>((left + copyCols) * C) << 1;
  const rightBytes = rowBytes - rightStart;
  for (let r = 0; r < copyRows; r++) {
    const row = out + <usize>(r + top) * rowBytes;
    fill16(row, leftBytes, fill);
    fill16(row + rightStart, rightBytes, fill);
  }
  fill16(out + <usize>(top + copyRows) * rowBytes, <usize>(rows - top - copyRows) * rowBytes, fill);
  const n = copyCols * C;
  for (let r = 0; r < copyRows; r++) {
    const src = x + <usize>(r * inW * C);
    const dst = out + (<usize>(((r + top) * cols + left) * C) << 1);
    let k = 0;
    for (; k + 16 <= n; k += 16) {
      const v = v128.load(src + <usize>k);
      v128.store(dst + <usize>(k << 1), i16x8.extend_low_i8x16_s(v));
      v128.store(dst + <usize>(k << 1), i16x8.extend_high_i8x16_s(v), 16);
    }
    for (; k < n; k++) store<i16>(dst + <usize>(k << 1), <i16>load<i8>(src + <usize>k));
  }
}

/** Lanes 0–3 of a and b interleaved as int16 pairs [a0, b0, a1, b1, a2, b2, a3, b3] (one unpack on x86). */
// @ts-ignore: decorator
@inline function pairLow(a: v128, b: v128): v128 {
  return i16x8.shuffle(a, b, 0, 8, 1, 9, 2, 10, 3, 11);
}

/** Lanes 4–7 of a and b interleaved as int16 pairs. */
// @ts-ignore: decorator
@inline function pairHigh(a: v128, b: v128): v128 {
  return i16x8.shuffle(a, b, 4, 12, 5, 13, 6, 14, 7, 15);
}

/**
 * Depthwise convolution (depth multiplier 1) with requantization, over an int16 input already padded
 * with its zero point: out[(oy·outW + ox)·C + c] = requant(bias[c] + Σ_taps w[tap][c] · xpad[…]).
 *
 * Taps go in pairs (A, B): the two taps' input vectors are interleaved as int16 pairs, so one
 * i32x4.dot_i16x8_s multiplies both taps of 4 channels and adds them, every lane doing useful
 * work and the accumulators staying in channel order. Weights come from depthwise-conv-2d.ts
 * `packDepthwiseWeights`: per tap pair and block of 8 channels, two int16 vectors [wA c0, wB c0,
 * …, wA c3, wB c3] and the same for c4..c7 (zeros for the missing tap of an odd count and past C),
 * followed by the pairs' byte offsets into the padded input (int32 A, B per pair; B repeats A when
 * missing). Blocks of 16 channels, then one of 8 (lanes past C read neighbouring values against
 * zero weights and are never stored). Raw accumulators go to `acc` when the table's vector path is
 * not exact for this op.
 */
// @ts-ignore: decorator
@inline function depthwiseImpl(
  xpad: usize, rowStride: i32, pixelStride: i32, C: i32, w: usize, kH: i32, kW: i32,
  outH: i32, outW: i32, q: usize, out: usize, acc: usize, mode: i32,
): void {
  const f = q + HEADER;
  const cp4 = <usize>(load<i32>(q + H_CP) << 2);
  const shl = load<i32>(q + H_SHL);
  const shr = load<i32>(q + H_SHR);
  const vector = load<i32>(q + H_VECTOR);
  const o = i16x8.splat(<i16>load<i32>(q + H_OUT));
  const lo = i8x16.splat(<i8>load<i32>(q + H_MIN));
  const hi = i8x16.splat(<i8>load<i32>(q + H_MAX));
  const pairCount = (kH * kW + 1) >> 1;
  const pairBytes = <usize>(((C + 7) >> 3) << 5);
  const offs = w + <usize>pairCount * pairBytes;
  const vecEnd = C & ~15;
  const pairs = C == 8 && pixelStride == 16;
  for (let oy = 0; oy < outH; oy++) {
    for (let ox = 0; ox < outW; ox++) {
      const pix = oy * outW + ox;
      const x0 = xpad + <usize>(oy * rowStride + ox * pixelStride);
      const ob = out + <usize>(pix * C);
      const ab = acc + <usize>((pix * C) << 2);
      if (pairs && ox + 1 < outW) {
        // 8 channels, stride 1: two neighbouring pixels as one block of 16 lanes (their taps are
        // 8 values apart, their outputs adjacent), sharing weight loads and the narrowing.
        const b0 = v128.load(f);
        const b1 = v128.load(f, 16);
        let a0 = b0, a1 = b1, a2 = b0, a3 = b1;
        let wt = w;
        for (let t = 0; t < pairCount; t++) {
          const xa = x0 + <usize>load<i32>(offs + <usize>(t << 3));
          const xb = x0 + <usize>load<i32>(offs + <usize>(t << 3), 4);
          const xa0 = v128.load(xa);
          const xb0 = v128.load(xb);
          const xa1 = v128.load(xa, 16);
          const xb1 = v128.load(xb, 16);
          const w0 = v128.load(wt);
          const w1 = v128.load(wt, 16);
          a0 = i32x4.add(a0, i32x4.dot_i16x8_s(pairLow(xa0, xb0), w0));
          a1 = i32x4.add(a1, i32x4.dot_i16x8_s(pairHigh(xa0, xb0), w1));
          a2 = i32x4.add(a2, i32x4.dot_i16x8_s(pairLow(xa1, xb1), w0));
          a3 = i32x4.add(a3, i32x4.dot_i16x8_s(pairHigh(xa1, xb1), w1));
          wt += pairBytes;
        }
        if (vector) {
          const v0 = requant4(a0, f, cp4, 0, mode, shl, shr);
          const v1 = requant4(a1, f, cp4, 16, mode, shl, shr);
          const v2 = requant4(a2, f, cp4, 0, mode, shl, shr);
          const v3 = requant4(a3, f, cp4, 16, mode, shl, shr);
          v128.store(ob, finish(v0, v1, v2, v3, o, lo, hi));
        } else {
          store8raw(ab, a0, a1, 8);
          store8raw(ab + 32, a2, a3, 8);
        }
        ox++;
        continue;
      }
      let c = 0;
      for (; c < vecEnd; c += 16) {
        const c4 = <usize>(c << 2);
        let a0 = v128.load(f + c4);
        let a1 = v128.load(f + c4, 16);
        let a2 = v128.load(f + c4, 32);
        let a3 = v128.load(f + c4, 48);
        const xc = x0 + <usize>(c << 1);
        let wt = w + c4;
        for (let t = 0; t < pairCount; t++) {
          const xa = xc + <usize>load<i32>(offs + <usize>(t << 3));
          const xb = xc + <usize>load<i32>(offs + <usize>(t << 3), 4);
          const xa0 = v128.load(xa);
          const xb0 = v128.load(xb);
          const xa1 = v128.load(xa, 16);
          const xb1 = v128.load(xb, 16);
          a0 = i32x4.add(a0, i32x4.dot_i16x8_s(pairLow(xa0, xb0), v128.load(wt)));
          a1 = i32x4.add(a1, i32x4.dot_i16x8_s(pairHigh(xa0, xb0), v128.load(wt, 16)));
          a2 = i32x4.add(a2, i32x4.dot_i16x8_s(pairLow(xa1, xb1), v128.load(wt, 32)));
          a3 = i32x4.add(a3, i32x4.dot_i16x8_s(pairHigh(xa1, xb1), v128.load(wt, 48)));
          wt += pairBytes;
        }
        if (vector) {
          const v0 = requant4(a0, f, cp4, c4, mode, shl, shr);
          const v1 = requant4(a1, f, cp4, c4 + 16, mode, shl, shr);
          const v2 = requant4(a2, f, cp4, c4 + 32, mode, shl, shr);
          const v3 = requant4(a3, f, cp4, c4 + 48, mode, shl, shr);
          v128.store(ob + <usize>c, finish(v0, v1, v2, v3, o, lo, hi));
        } else {
          store8raw(ab + c4, a0, a1, 8);
          store8raw(ab + c4 + 32, a2, a3, 8);
        }
      }
      for (; c < C; c += 8) {
        const c4 = <usize>(c << 2);
        let a0 = v128.load(f + c4);
        let a1 = v128.load(f + c4, 16);
        const xc = x0 + <usize>(c << 1);
        let wt = w + c4;
        for (let t = 0; t < pairCount; t++) {
          const xa = v128.load(xc + <usize>load<i32>(offs + <usize>(t << 3)));
          const xb = v128.load(xc + <usize>load<i32>(offs + <usize>(t << 3), 4));
          a0 = i32x4.add(a0, i32x4.dot_i16x8_s(pairLow(xa, xb), v128.load(wt)));
          a1 = i32x4.add(a1, i32x4.dot_i16x8_s(pairHigh(xa, xb), v128.load(wt, 16)));
          wt += pairBytes;
        }
        if (vector) store8(ob + <usize>c, a0, a1, C - c, f, cp4, c4, mode, shl, shr, o, lo, hi);
        else store8raw(ab + c4, a0, a1, C - c);
      }
    }
  }
  if (!vector) requantizeBiased(acc, outH * outW, C, q, out);
}

/**
 * `depthwiseImpl` over outH × outW output pixels of C channels; output pixel (oy, ox) reads its
 * window from xpad + oy·rowStride + ox·pixelStride (bytes). A row-mode call (depthwise-conv-2d.ts)
 * passes a whole output row as one pixel of outW·C "channels" (outW = 1).
 */
export function depthwise(
  xpad: usize, rowStride: i32, pixelStride: i32, C: i32, w: usize, kH: i32, kW: i32,
  outH: i32, outW: i32, q: usize, out: usize, acc: usize,
): void {
  const mode = load<i32>(q + H_MODE);
  if (mode == MODE_SINGLE_SCALED) depthwiseImpl(xpad, rowStride, pixelStride, C, w, kH, kW, outH, outW, q, out, acc, MODE_SINGLE_SCALED);
  else if (mode == MODE_DOUBLE_PLAIN) depthwiseImpl(xpad, rowStride, pixelStride, C, w, kH, kW, outH, outW, q, out, acc, MODE_DOUBLE_PLAIN);
  else if (mode == MODE_DOUBLE_SCALED) depthwiseImpl(xpad, rowStride, pixelStride, C, w, kH, kW, outH, outW, q, out, acc, MODE_DOUBLE_SCALED);
  else depthwiseImpl(xpad, rowStride, pixelStride, C, w, kH, kW, outH, outW, q, out, acc, MODE_GENERAL);
}

// ───────────────────────── Average pooling ─────────────────────────

/**
 * AVERAGE_POOL_2D on int8 NHWC (one image), as TFLM's reference: per output pixel and channel, the
 * sum over the in-image part of the window, divided by its size with rounding half away from zero
 * (C++ integer division), then clamped. `acc` is scratch for C int32 sums.
 */
export function averagePool(
  x: usize, inH: i32, inW: i32, C: i32, outH: i32, outW: i32, strideH: i32, strideW: i32,
  filterH: i32, filterW: i32, padH: i32, padW: i32, actMin: i32, actMax: i32, acc: usize, out: usize,
): void {
  const vecEnd = C & ~15;
  let o = out;
  for (let oy = 0; oy < outH; oy++) {
    const y0 = oy * strideH - padH;
    const fy0 = max(0, -y0);
    const fy1 = min(filterH, inH - y0);
    for (let ox = 0; ox < outW; ox++) {
      const x0 = ox * strideW - padW;
      const fx0 = max(0, -x0);
      const fx1 = min(filterW, inW - x0);
      memory.fill(acc, 0, <usize>(C << 2));
      for (let fy = fy0; fy < fy1; fy++) {
        for (let fx = fx0; fx < fx1; fx++) {
          const src = x + <usize>(((y0 + fy) * inW + x0 + fx) * C);
          let c = 0;
          for (; c < vecEnd; c += 16) {
            const v = v128.load(src + <usize>c);
            const lo = i16x8.extend_low_i8x16_s(v);
            const hi = i16x8.extend_high_i8x16_s(v);
            const a = acc + <usize>(c << 2);
            v128.store(a, i32x4.add(v128.load(a), i32x4.extend_low_i16x8_s(lo)));
            v128.store(a, i32x4.add(v128.load(a, 16), i32x4.extend_high_i16x8_s(lo)), 16);
            v128.store(a, i32x4.add(v128.load(a, 32), i32x4.extend_low_i16x8_s(hi)), 32);
            v128.store(a, i32x4.add(v128.load(a, 48), i32x4.extend_high_i16x8_s(hi)), 48);
          }
          for (; c < C; c++) {
            const a = acc + <usize>(c << 2);
            store<i32>(a, load<i32>(a) + <i32>load<i8>(src + <usize>c));
          }
        }
      }
      const count = (fy1 - fy0) * (fx1 - fx0);
      const half = count / 2;
      for (let c = 0; c < C; c++) {
        const s = load<i32>(acc + <usize>(c << 2));
        let v = count > 0 ? (s > 0 ? (s + half) / count : (s - half) / count) : 0;
        v = v < actMin ? actMin : v > actMax ? actMax : v;
        store<i8>(o + <usize>c, <i8>v);
      }
      o += <usize>C;
    }
  }
}
export * from "./elementwise.as";
