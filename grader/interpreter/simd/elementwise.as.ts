// AssemblyScript: the engine's element-wise and data-movement kernels (re-exported by kernels.as.ts).
// ADD/SUB/MUL requantize exactly as TFLite's reference kernels (per-tensor multipliers, both
// rounding builds) with i64 lane products, or through a 64 KiB table of all (a, b) results on large
// tensors; unary int8 ops are 256-entry table lookups; MAX_POOL_2D, channel-replicating padding for
// depthwise multipliers, strided copies.

/** 16 bytes of scratch for partial vectors (in the runtime's reserved first page). */
const TAIL_IN_A: usize = memory.data(16, 16);
const TAIL_IN_B: usize = memory.data(16, 16);
const TAIL_OUT: usize = memory.data(16, 16);

// ───────────────────────── per-tensor requantization, 4 lanes ─────────────────────────

/**
 * TFLite MultiplyByQuantizedMultiplier(x, m, shift) on 4 lanes, m ≥ 0.
 * double (gemmlowp): SaturatingRoundingDoublingHighMul(x·2^left, m) = floor((x·2^left·m + 2^30)/2^31)
 * (m ≥ 0 rules out the saturation case), then RoundingDivideByPOT(·, right).
 * single: floor((x·m + 2^(t−1)) / 2^t), t = 31 − shift.
 */
// @ts-ignore: decorator
@inline function mbqm4(x: v128, m: v128, single: bool, left: i32, right: i32, t: i32, rnd: v128, mask: v128, halfMask: v128): v128 {
  if (single) {
    const lo = i64x2.shr_s(i64x2.add(i64x2.extmul_low_i32x4_s(x, m), rnd), t);
    const hi = i64x2.shr_s(i64x2.add(i64x2.extmul_high_i32x4_s(x, m), rnd), t);
    return i32x4.shuffle(lo, hi, 0, 2, 4, 6);
  }
  const xl = left ? i32x4.shl(x, left) : x;
  const half = i64x2.splat(1 << 30);
  const lo = i64x2.shl(i64x2.add(i64x2.extmul_low_i32x4_s(xl, m), half), 1);
  const hi = i64x2.shl(i64x2.add(i64x2.extmul_high_i32x4_s(xl, m), half), 1);
  const high = i32x4.shuffle(lo, hi, 1, 3, 5, 7);
  if (right == 0) return high;
  const rem = v128.and(high, mask);
  const threshold = i32x4.sub(halfMask, i32x4.shr_s(high, 31));
  return i32x4.sub(i32x4.shr_s(high, right), i32x4.gt_s(rem, threshold));
}

// Parameter block of a binary op (i32 words), written by kernels/binary.ts.
const B_KIND = 0; // 0 ADD, 1 SUB, 2 MUL
const B_SINGLE = 4;
const B_OFF_A = 8; // −zero point of a
const B_OFF_B = 12;
const B_M1 = 16;
const B_S1 = 20;
const B_M2 = 24;
const B_S2 = 28;
const B_MO = 32;
const B_SO = 36;
const B_ZO = 40;
const B_MIN = 44;
const B_MAX = 48;

/** 16 int8 lanes widened to four i32x4 (+ offset). */
// @ts-ignore: decorator
@inline function widen0(v: v128, off: v128): v128 {
  return i32x4.add(i32x4.extend_low_i16x8_s(i16x8.extend_low_i8x16_s(v)), off);
}
// @ts-ignore: decorator
@inline function widen1(v: v128, off: v128): v128 {
  return i32x4.add(i32x4.extend_high_i16x8_s(i16x8.extend_low_i8x16_s(v)), off);
}
// @ts-ignore: decorator
@inline function widen2(v: v128, off: v128): v128 {
  return i32x4.add(i32x4.extend_low_i16x8_s(i16x8.extend_high_i8x16_s(v)), off);
}
// @ts-ignore: decorator
@inline function widen3(v: v128, off: v128): v128 {
  return i32x4.add(i32x4.extend_high_i16x8_s(i16x8.extend_high_i8x16_s(v)), off);
}

/** Requantization constants of one (multiplier, shift) pair. */
// @ts-ignore: decorator
@inline function rqLeft(shift: i32): i32 {
  return shift > 0 ? shift : 0;
}
// @ts-ignore: decorator
@inline function rqRight(shift: i32): i32 {
  return shift > 0 ? 0 : -shift;
}
// @ts-ignore: decorator
@inline function rqRnd(shift: i32): v128 {
  return i64x2.splat(31 - shift > 0 ? <i64>1 << <i64>(30 - shift) : 0);
}
// @ts-ignore: decorator
@inline function rqMask(shift: i32): i32 {
  const right = rqRight(shift);
  return right >= 31 ? 0x7fffffff : (1 << right) - 1;
}

/**
 * add.cc's input stage, MultiplyByQuantizedMultiplier(v·2^20, m, shift ≤ 0) for |v| ≤ 255, in int32
 * lanes only: with m = mh·2^11 + ml, v·2^20·m / 2^31 = (v·mh·2^11 + v·ml) / 2^11, and both products
 * fit in 32 bits. double: floor((v·m + 2^10) / 2^11) = v·mh + ((v·ml + 2^10) >> 11) (the gemmlowp
 * high half), then RoundingDivideByPOT(e); single: floor((v·m + 2^(T−1)) / 2^T), T = 11 − shift,
 * = (v·mh + rc + ((v·ml + rl) >> 11)) >> (T − 11) with the rounding term in rc = 2^(T−12) or, for
 * T = 11, in rl = 2^10.
 */
// @ts-ignore: decorator
@inline function inputStage(v: v128, mh: v128, ml: v128, rc: v128, rl: v128, sh: i32, single: bool, e: i32, k: v128, h: v128): v128 {
  const x = i32x4.shr_s(i32x4.add(i32x4.add(i32x4.mul(v, mh), rc), i32x4.shr_s(i32x4.add(i32x4.mul(v, ml), rl), 11)), sh);
  if (single || e == 0) return x;
  const rem = v128.and(x, k);
  const threshold = i32x4.sub(h, i32x4.shr_s(x, 31));
  return i32x4.sub(i32x4.shr_s(x, e), i32x4.gt_s(rem, threshold));
}

/** One group of 4 lanes of ADD/SUB/MUL, before the zero point and clamp. */
// @ts-ignore: decorator
@inline function lanes4(
  kind: i32, single: bool, va: v128, vb: v128,
  mh1: v128, ml1: v128, rc1: v128, rl1: v128, sh1: i32, e1: i32, k1: v128, h1: v128,
  mh2: v128, ml2: v128, rc2: v128, rl2: v128, sh2: i32, e2: i32, k2: v128, h2: v128,
  mo: v128, lo_: i32, eo: i32, to: i32, no: v128, ko: v128, ho: v128,
): v128 {
  if (kind == 2) return mbqm4(i32x4.mul(va, vb), mo, single, lo_, eo, to, no, ko, ho);
  // add.cc / sub.cc: inputs shifted left by 20 bits, each rescaled, combined, rescaled to the output.
  const x1 = inputStage(va, mh1, ml1, rc1, rl1, sh1, single, e1, k1, h1);
  const x2 = inputStage(vb, mh2, ml2, rc2, rl2, sh2, single, e2, k2, h2);
  return mbqm4(kind == 1 ? i32x4.sub(x1, x2) : i32x4.add(x1, x2), mo, single, lo_, eo, to, no, ko, ho);
}

/**
 * ADD/SUB (kind 0/1) or MUL (kind 2) of 16 int8 lanes, with zero point and clamp. Every constant
 * comes in as an argument, read from the parameter block once per call: loads inside the loop could
 * not be hoisted past the stores (they might alias).
 */
// @ts-ignore: decorator
@inline function binary16(
  kind: i32, single: bool, a: v128, b: v128, offA: v128, offB: v128,
  mh1: v128, ml1: v128, rc1: v128, rl1: v128, sh1: i32, e1: i32, k1: v128, h1: v128,
  mh2: v128, ml2: v128, rc2: v128, rl2: v128, sh2: i32, e2: i32, k2: v128, h2: v128,
  mo: v128, lo_: i32, eo: i32, to: i32, no: v128, ko: v128, ho: v128,
  zo: v128, lo: v128, hi: v128,
): v128 {
  // Four groups of 4 lanes, written out (a loop over them was not unrolled).
  const r0 = lanes4(kind, single, widen0(a, offA), widen0(b, offB), mh1, ml1, rc1, rl1, sh1, e1, k1, h1, mh2, ml2, rc2, rl2, sh2, e2, k2, h2, mo, lo_, eo, to, no, ko, ho);
  const r1 = lanes4(kind, single, widen1(a, offA), widen1(b, offB), mh1, ml1, rc1, rl1, sh1, e1, k1, h1, mh2, ml2, rc2, rl2, sh2, e2, k2, h2, mo, lo_, eo, to, no, ko, ho);
  const r2 = lanes4(kind, single, widen2(a, offA), widen2(b, offB), mh1, ml1, rc1, rl1, sh1, e1, k1, h1, mh2, ml2, rc2, rl2, sh2, e2, k2, h2, mo, lo_, eo, to, no, ko, ho);
  const r3 = lanes4(kind, single, widen3(a, offA), widen3(b, offB), mh1, ml1, rc1, rl1, sh1, e1, k1, h1, mh2, ml2, rc2, rl2, sh2, e2, k2, h2, mo, lo_, eo, to, no, ko, ho);
  const w0 = i16x8.add_sat_s(i16x8.narrow_i32x4_s(r0, r1), zo);
  const w1 = i16x8.add_sat_s(i16x8.narrow_i32x4_s(r2, r3), zo);
  return i8x16.min_s(i8x16.max_s(i8x16.narrow_i16x8_s(w0, w1), lo), hi);
}

// @ts-ignore: decorator
@inline function binaryImpl(kind: i32, single: bool, a: usize, aInner: i32, aOuter: i32, b: usize, bInner: i32, bOuter: i32, inner: i32, outer: i32, out: usize, q: usize): void {
  const offA = i32x4.splat(load<i32>(q + B_OFF_A));
  const offB = i32x4.splat(load<i32>(q + B_OFF_B));
  const s1 = load<i32>(q + B_S1), s2 = load<i32>(q + B_S2), so = load<i32>(q + B_SO);
  const mo = i32x4.splat(load<i32>(q + B_MO));
  const lo_ = rqLeft(so);
  // Input stages (ADD/SUB: shift ≤ 0, checked at prepare).
  const m1 = load<i32>(q + B_M1), m2 = load<i32>(q + B_M2);
  const mh1 = i32x4.splat(m1 >> 11), ml1 = i32x4.splat(m1 & 2047), mh2 = i32x4.splat(m2 >> 11), ml2 = i32x4.splat(m2 & 2047);
  // single: T = 11 − shift; double: the high half first (T = 11), RoundingDivideByPOT after.
  const T1 = single ? 11 - s1 : 11, T2 = single ? 11 - s2 : 11;
  const rc1 = i32x4.splat(T1 > 11 ? 1 << (T1 - 12) : 0), rc2 = i32x4.splat(T2 > 11 ? 1 << (T2 - 12) : 0);
  const rl1 = i32x4.splat(T1 > 11 ? 0 : 1024), rl2 = i32x4.splat(T2 > 11 ? 0 : 1024);
  const sh1 = T1 - 11, sh2 = T2 - 11;
  const e1 = rqRight(s1), e2 = rqRight(s2), eo = rqRight(so);
  const k1 = i32x4.splat(rqMask(s1)), k2 = i32x4.splat(rqMask(s2)), ko = i32x4.splat(rqMask(so));
  const h1 = i32x4.splat(rqMask(s1) >> 1), h2 = i32x4.splat(rqMask(s2) >> 1), ho = i32x4.splat(rqMask(so) >> 1);
  const no = rqRnd(so);
  const to = 31 - so;
  const zo = i16x8.splat(<i16>load<i32>(q + B_ZO));
  const lo = i8x16.splat(<i8>load<i32>(q + B_MIN));
  const hi = i8x16.splat(<i8>load<i32>(q + B_MAX));
  const vecEnd = inner & ~15;
  for (let o = 0; o < outer; o++) {
    const pa = a + <usize>(o * aOuter);
    const pb = b + <usize>(o * bOuter);
    const po = out + <usize>(o * inner);
    const sa = aInner ? i8x16.splat(0) : v128.load8_splat(pa);
    const sb = bInner ? i8x16.splat(0) : v128.load8_splat(pb);
    let i = 0;
    for (; i < vecEnd; i += 16) {
      const va = aInner ? v128.load(pa + <usize>i) : sa;
      const vb = bInner ? v128.load(pb + <usize>i) : sb;
      v128.store(po + <usize>i, binary16(kind, single, va, vb, offA, offB, mh1, ml1, rc1, rl1, sh1, e1, k1, h1, mh2, ml2, rc2, rl2, sh2, e2, k2, h2, mo, lo_, eo, to, no, ko, ho, zo, lo, hi));
    }
    if (i < inner) {
      const n = <usize>(inner - i);
      let va = sa;
      let vb = sb;
      if (aInner) {
        memory.copy(TAIL_IN_A, pa + <usize>i, n);
        va = v128.load(TAIL_IN_A);
      }
      if (bInner) {
        memory.copy(TAIL_IN_B, pb + <usize>i, n);
        vb = v128.load(TAIL_IN_B);
      }
      v128.store(TAIL_OUT, binary16(kind, single, va, vb, offA, offB, mh1, ml1, rc1, rl1, sh1, e1, k1, h1, mh2, ml2, rc2, rl2, sh2, e2, k2, h2, mo, lo_, eo, to, no, ko, ho, zo, lo, hi));
      memory.copy(po + <usize>i, TAIL_OUT, n);
    }
  }
}

/**
 * out[o·inner + i] = a[o·aOuter + i·aInner] ⊕ b[o·bOuter + i·bInner] for int8 ADD/SUB/MUL with
 * requantization (parameter block `q`); aInner/bInner are 1 (contiguous) or 0 (broadcast).
 */
export function binary(a: usize, aInner: i32, aOuter: i32, b: usize, bInner: i32, bOuter: i32, inner: i32, outer: i32, out: usize, q: usize): void {
  const kind = load<i32>(q + B_KIND);
  const single = load<i32>(q + B_SINGLE) != 0;
  // One instantiation per (kind, rounding): the lane code has no branches left.
  if (kind == 2) {
    if (single) binaryImpl(2, true, a, aInner, aOuter, b, bInner, bOuter, inner, outer, out, q);
    else binaryImpl(2, false, a, aInner, aOuter, b, bInner, bOuter, inner, outer, out, q);
  } else if (kind == 1) {
    if (single) binaryImpl(1, true, a, aInner, aOuter, b, bInner, bOuter, inner, outer, out, q);
    else binaryImpl(1, false, a, aInner, aOuter, b, bInner, bOuter, inner, outer, out, q);
  } else {
    if (single) binaryImpl(0, true, a, aInner, aOuter, b, bInner, bOuter, inner, outer, out, q);
    else binaryImpl(0, false, a, aInner, aOuter, b, bInner, bOuter, inner, outer, out, q);
  }
}

// ───────────────────────── table lookups ─────────────────────────

/** y[i] = table[x[i] + 128] for n int8 values and a 256-entry int8 table at `table`. */
export function lookup(x: usize, n: i32, table: usize, out: usize): void {
  // Scalar loads through the 256-byte table, the indices taken 8 at a time from one 64-bit load:
  // cheaper than sixteen 16-entry swizzles per vector (each a shuffle plus a saturating add on x86).
  const vecEnd = n & ~7;
  let i = 0;
  for (; i < vecEnd; i += 8) {
    const q = load<u64>(x + <usize>i) ^ 0x8080808080808080;
    const o = out + <usize>i;
    store<u8>(o, load<u8>(table + <usize>(<u32>q & 0xff)), 0);
    store<u8>(o, load<u8>(table + <usize>(<u32>(q >>> 8) & 0xff)), 1);
    store<u8>(o, load<u8>(table + <usize>(<u32>(q >>> 16) & 0xff)), 2);
    store<u8>(o, load<u8>(table + <usize>(<u32>(q >>> 24) & 0xff)), 3);
    store<u8>(o, load<u8>(table + <usize>(<u32>(q >>> 32) & 0xff)), 4);
    store<u8>(o, load<u8>(table + <usize>(<u32>(q >>> 40) & 0xff)), 5);
    store<u8>(o, load<u8>(table + <usize>(<u32>(q >>> 48) & 0xff)), 6);
    store<u8>(o, load<u8>(table + <usize>(<u32>(q >>> 56) & 0xff)), 7);
  }
  for (; i < n; i++) store<i8>(out + <usize>i, load<i8>(table + <usize>(<i32>load<i8>(x + <usize>i) + 128)));
}

/**
 * `lookup` of runs of `inner` values through one 256-entry row per run, chosen by a byte:
 * run o reads x + o·xOuter and the row table + (idx[o·idxOuter] + 128)·256 (a binary op's table
 * when one operand is broadcast along the run, e.g. MUL by a per-pixel gate).
 */
export function lookupRows(x: usize, xOuter: i32, idx: usize, idxOuter: i32, inner: i32, outer: i32, table: usize, out: usize): void {
  for (let o = 0; o < outer; o++) {
    const row = table + (<usize>(<u32>load<u8>(idx + <usize>(o * idxOuter)) ^ 0x80) << 8);
    lookup(x + <usize>(o * xOuter), inner, row, out + <usize>(o * inner));
  }
}

/** y = min(max(x, lo), hi) on n int8 values (RELU6 and friends without requantization). */
export function clampInt8(x: usize, n: i32, lo: i32, hi: i32, out: usize): void {
  const l = i8x16.splat(<i8>lo);
  const h = i8x16.splat(<i8>hi);
  const vecEnd = n & ~15;
  for (let i = 0; i < vecEnd; i += 16) v128.store(out + <usize>i, i8x16.min_s(i8x16.max_s(v128.load(x + <usize>i), l), h));
  for (let i = vecEnd; i < n; i++) {
    const v = <i32>load<i8>(x + <usize>i);
    store<i8>(out + <usize>i, <i8>(v < lo ? lo : v > hi ? hi : v));
  }
}

// ───────────────────────── max pooling ─────────────────────────

/** MAX_POOL_2D on one int8 NHWC image (reference_integer_ops::MaxPool), 16 channels per step. */
export function maxPool(
  x: usize, inH: i32, inW: i32, C: i32, outH: i32, outW: i32, strideH: i32, strideW: i32,
  filterH: i32, filterW: i32, padH: i32, padW: i32, actMin: i32, actMax: i32, out: usize,
): void {
  const vecEnd = C & ~15;
  const lo = i8x16.splat(<i8>actMin);
  const hi = i8x16.splat(<i8>actMax);
  let o = out;
  if (C < 16) {
    // Fewer than 16 channels: one vector per pixel holding its channels and whatever follows
    // (reads stay inside the memory: it ends at least a page past the arena). Its stores run 16
    // bytes wide, the next pixel's store overwriting what spilled; only the last pixel is cut to C.
    const last = out + <usize>((outH * outW - 1) * C);
    for (let oy = 0; oy < outH; oy++) {
      const y0 = oy * strideH - padH;
      const fy0 = max(0, -y0);
      const fy1 = min(filterH, inH - y0);
      for (let ox = 0; ox < outW; ox++) {
        const x0 = ox * strideW - padW;
        const fx0 = max(0, -x0);
        const fx1 = min(filterW, inW - x0);
        let m = i8x16.splat(-128);
        for (let fy = fy0; fy < fy1; fy++) {
          const row = x + <usize>(((y0 + fy) * inW + x0) * C);
          for (let fx = fx0; fx < fx1; fx++) m = i8x16.max_s(m, v128.load(row + <usize>(fx * C)));
        }
        const r = i8x16.min_s(i8x16.max_s(m, lo), hi);
        if (o < last) {
          v128.store(o, r);
        } else {
          v128.store(TAIL_OUT, r);
          memory.copy(o, TAIL_OUT, <usize>C);
        }
        o += <usize>C;
      }
    }
    return;
  }
  for (let oy = 0; oy < outH; oy++) {
    const y0 = oy * strideH - padH;
    const fy0 = max(0, -y0);
    const fy1 = min(filterH, inH - y0);
    for (let ox = 0; ox < outW; ox++) {
      const x0 = ox * strideW - padW;
      const fx0 = max(0, -x0);
      const fx1 = min(filterW, inW - x0);
      let c = 0;
      for (; c < vecEnd; c += 16) {
        let m = i8x16.splat(-128);
        for (let fy = fy0; fy < fy1; fy++) {
          const row = x + <usize>(((y0 + fy) * inW + x0) * C + c);
          for (let fx = fx0; fx < fx1; fx++) m = i8x16.max_s(m, v128.load(row + <usize>(fx * C)));
        }
        v128.store(o + <usize>c, i8x16.min_s(i8x16.max_s(m, lo), hi));
      }
      if (c < C && C >= 16) {
        // The last channels as one more vector ending at C (overlapping ones get the same values).
        const t = C - 16;
        let m = i8x16.splat(-128);
        for (let fy = fy0; fy < fy1; fy++) {
          const row = x + <usize>(((y0 + fy) * inW + x0) * C + t);
          for (let fx = fx0; fx < fx1; fx++) m = i8x16.max_s(m, v128.load(row + <usize>(fx * C)));
        }
        v128.store(o + <usize>t, i8x16.min_s(i8x16.max_s(m, lo), hi));
        c = C;
      }
      if (c + 8 <= C) {
        let m = i8x16.splat(-128);
        for (let fy = fy0; fy < fy1; fy++) {
          const row = x + <usize>(((y0 + fy) * inW + x0) * C + c);
          for (let fx = fx0; fx < fx1; fx++) m = i8x16.max_s(m, v128.load64_zero(row + <usize>(fx * C)));
        }
        v128.store64_lane(o + <usize>c, i8x16.min_s(i8x16.max_s(m, lo), hi), 0);
        c += 8;
      }
      for (; c < C; c++) {
        let m: i32 = -128;
        for (let fy = fy0; fy < fy1; fy++) {
          const row = x + <usize>(((y0 + fy) * inW + x0) * C + c);
          for (let fx = fx0; fx < fx1; fx++) {
            const v = <i32>load<i8>(row + <usize>(fx * C));
            if (v > m) m = v;
          }
        }
        store<i8>(o + <usize>c, <i8>(m < actMin ? actMin : m > actMax ? actMax : m));
      }
      o += <usize>C;
    }
  }
}

// ───────────────────────── data movement ─────────────────────────

/**
 * Strided copy of `rows` runs of `run` bytes: run r goes from src + r·srcStride to dst + r·dstStride
 * (PAD, CONCATENATION, STRIDED_SLICE with unit innermost stride).
 */
export function copyRuns(src: usize, srcStride: i32, dst: usize, dstStride: i32, run: i32, rows: i32): void {
  for (let r = 0; r < rows; r++) memory.copy(dst + <usize>(r * dstStride), src + <usize>(r * srcStride), <usize>run);
}

/** memset of n bytes. */
export function fill(dst: usize, value: i32, n: i32): void {
  memory.fill(dst, <u8>value, <usize>n);
}

/**
 * Gather of int8 elements by a 4-level loop (TRANSPOSE, strided slices): out is written in order,
 * element (i0, i1, i2, i3) reads x + i0·s0 + i1·s1 + i2·s2 + i3·s3 (byte strides).
 */
export function gather4(x: usize, n0: i32, s0: i32, n1: i32, s1: i32, n2: i32, s2: i32, n3: i32, s3: i32, out: usize): void {
  let o = out;
  for (let i0 = 0; i0 < n0; i0++) {
    for (let i1 = 0; i1 < n1; i1++) {
      for (let i2 = 0; i2 < n2; i2++) {
        let p = x + <usize>(i0 * s0 + i1 * s1 + i2 * s2);
        for (let i3 = 0; i3 < n3; i3++) {
          store<u8>(o++, load<u8>(p));
          p += <usize>s3;
        }
      }
    }
  }
}

/**
 * Like padInput16 (kernels.as.ts) but each input channel written `m` times (C·m channels per pixel):
 * depthwise convolutions with depth multiplier m then run as multiplier 1 over C·m channels.
 */
export function padInput16Repeat(x: usize, inH: i32, inW: i32, C: i32, m: i32, rows: i32, cols: i32, top: i32, left: i32, zp: i32, out: usize): void {
  const Cm = C * m;
  const fillV = i16x8.splat(<i16>zp);
  const total = <usize>(rows * cols * Cm) << 1;
  for (let i: usize = 0; i < total; i += 16) v128.store(out + i, fillV);
  const copyRows = min(inH, rows - top);
  const copyCols = min(inW, cols - left);
  for (let r = 0; r < copyRows; r++) {
    for (let c = 0; c < copyCols; c++) {
      const src = x + <usize>((r * inW + c) * C);
      let dst = out + (<usize>(((r + top) * cols + left + c) * Cm) << 1);
      for (let k = 0; k < C; k++) {
        const v = <i16>load<i8>(src + <usize>k);
        if (m == 8) {
          v128.store(dst, i16x8.splat(v));
          dst += 16;
        } else {
          for (let j = 0; j < m; j++) {
            store<i16>(dst, v);
            dst += 2;
          }
        }
      }
    }
  }
}

// ───────────────────────── reductions ─────────────────────────

/**
 * acc[o·inner + i] = init + Σ_r x[(o·reduce + r)·inner + i] (int8 in, int32 sums, wrapping): MEAN
 * over a contiguous block of axes. 16 values per step along `inner`.
 */
export function reduceSum(x: usize, outer: i32, reduce: i32, inner: i32, acc: usize, init: i32): void {
  const vecEnd = inner & ~15;
  const initV = i32x4.splat(init);
  const zero = i16x8.splat(0);
  for (let o = 0; o < outer; o++) {
    const a = acc + <usize>((o * inner) << 2);
    const base = x + <usize>(o * reduce * inner);
    let i = 0;
    for (; i < vecEnd; i += 16) {
      // Each 16-lane column summed in registers: int16 partial sums (255 values of at most 128 in
      // magnitude fit), widened into the int32 totals every 255 rows.
      let s0 = initV, s1 = initV, s2 = initV, s3 = initV;
      let lo = zero, hi = zero;
      let n = 0;
      let p = base + <usize>i;
      for (let r = 0; r < reduce; r++) {
        const v = v128.load(p);
        lo = i16x8.add(lo, i16x8.extend_low_i8x16_s(v));
        hi = i16x8.add(hi, i16x8.extend_high_i8x16_s(v));
        p += <usize>inner;
        if (++n == 255 || r == reduce - 1) {
          s0 = i32x4.add(s0, i32x4.extend_low_i16x8_s(lo));
          s1 = i32x4.add(s1, i32x4.extend_high_i16x8_s(lo));
          s2 = i32x4.add(s2, i32x4.extend_low_i16x8_s(hi));
          s3 = i32x4.add(s3, i32x4.extend_high_i16x8_s(hi));
          lo = zero;
          hi = zero;
          n = 0;
        }
      }
      const q = a + <usize>(i << 2);
      v128.store(q, s0);
      v128.store(q, s1, 16);
      v128.store(q, s2, 32);
      v128.store(q, s3, 48);
    }
    if (i + 8 <= inner) {
      // An 8-lane column (a width of 24 or 40 leaves one), the same way on half a vector.
      let s0 = initV, s1 = initV;
      let acc16 = zero;
      let n = 0;
      let p = base + <usize>i;
      for (let r = 0; r < reduce; r++) {
        acc16 = i16x8.add(acc16, i16x8.extend_low_i8x16_s(v128.load64_zero(p)));
        p += <usize>inner;
        if (++n == 255 || r == reduce - 1) {
          s0 = i32x4.add(s0, i32x4.extend_low_i16x8_s(acc16));
          s1 = i32x4.add(s1, i32x4.extend_high_i16x8_s(acc16));
          acc16 = zero;
          n = 0;
        }
      }
      const q = a + <usize>(i << 2);
      v128.store(q, s0);
      v128.store(q, s1, 16);
      i += 8;
    }
    for (; i < inner; i++) {
      let sum = init;
      for (let r = 0; r < reduce; r++) sum += <i32>load<i8>(base + <usize>(r * inner + i));
      store<i32>(a + <usize>(i << 2), sum);
    }
  }
}

// ───────────────────────── float32 → int8 ─────────────────────────

/**
 * AffineQuantize: zero point + round(x / scale) in float32 (TfLiteRound: halves away from zero),
 * clamped to int8. Float32 division, as the C++ code divides two floats.
 */
export function quantizeF32(x: usize, n: i32, scale: f32, zp: i32, out: usize): void {
  const sv = f32x4.splat(scale);
  const half = f32x4.splat(0.5);
  const one = f32x4.splat(1);
  const cap = f32x4.splat(1000);
  const sign = i32x4.splat(0x80000000);
  const z = i32x4.splat(zp);
  const vecEnd = n & ~7;
  for (let i = 0; i < vecEnd; i += 8) {
    let q0 = i32x4.splat(0), q1 = i32x4.splat(0);
    for (let h = 0; h < 2; h++) {
      const v = f32x4.div(v128.load(x + (<usize>(i + 4 * h) << 2)), sv);
      const a = f32x4.abs(v);
      const fl = f32x4.floor(a);
      const r = f32x4.min(f32x4.add(fl, v128.and(f32x4.ge(f32x4.sub(a, fl), half), one)), cap);
      // Sign back on (r ≥ 0); NaN converts to 0, as the scalar path treats it.
      const q = i32x4.add(i32x4.trunc_sat_f32x4_s(v128.or(r, v128.and(v, sign))), z);
      if (h == 0) q0 = q;
      else q1 = q;
    }
    const w = i16x8.narrow_i32x4_s(q0, q1);
    v128.store64_lane(out + <usize>i, i8x16.narrow_i16x8_s(w, w), 0);
  }
  for (let i = vecEnd; i < n; i++) {
    const v: f32 = load<f32>(x + (<usize>i << 2)) / scale;
    const a: f32 = abs<f32>(v);
    const fl: f32 = floor<f32>(a);
    // a − floor(a) is exact in float32, so the half is decided exactly.
    const r: f32 = a - fl >= <f32>0.5 ? fl + <f32>1 : fl;
    // Beyond ±1000 the int8 clamp decides anyway (and NaN, undefined in C++, gives the zero point).
    const c: f32 = r < <f32>1000 ? r : <f32>1000;
    const q = (v != v ? 0 : <i32>(v < 0 ? -c : c)) + zp;
    store<i8>(out + <usize>i, <i8>(q < -128 ? -128 : q > 127 ? 127 : q));
  }
}

/** out[k] = table[16-bit index k of q], k = 0..3 (four indices packed in one 64-bit lane). */
// @ts-ignore: decorator
@inline function lookup4(out: usize, q: u64, table: usize): void {
  store<u8>(out, load<u8>(table + <usize>(<u32>q & 0xffff)), 0);
  store<u8>(out, load<u8>(table + <usize>(<u32>(q >>> 16) & 0xffff)), 1);
  store<u8>(out, load<u8>(table + <usize>(<u32>(q >>> 32) & 0xffff)), 2);
  store<u8>(out, load<u8>(table + <usize>(<u32>(q >>> 48) & 0xffff)), 3);
}

/**
 * The `binary` loop through a 65,536-entry table of the op's result for every (a, b) pair, built at
 * prepare time by `binary` itself: out = table[(a + 128)·256 + (b + 128)]. Exact by construction,
 * and cheaper per element than the i64 requantizations once a tensor is large.
 */
export function binaryTable(a: usize, aInner: i32, aOuter: i32, b: usize, bInner: i32, bOuter: i32, inner: i32, outer: i32, out: usize, table: usize): void {
  const da = <usize>aInner;
  const db = <usize>bInner;
  const flip = i8x16.splat(-128);
  const vecEnd = inner & ~15;
  for (let o = 0; o < outer; o++) {
    let pa = a + <usize>(o * aOuter);
    let pb = b + <usize>(o * bOuter);
    let po = out + <usize>(o * inner);
    const end = po + <usize>inner;
    // 16 at a time: the table indices (a ^ 0x80)·256 + (b ^ 0x80) built as int16 lanes by two byte
    // interleaves, taken out four per 64-bit lane extract, then one table load and one byte store
    // per element (the scalar loop spent ~8 instructions per element forming indices).
    // (kernels/binary.ts sends a broadcast operand along runs of 16 or more to lookupRows instead.)
    const vecStop = da && db ? po + <usize>vecEnd : po;
    while (po < vecStop) {
      const va = v128.xor(v128.load(pa), flip);
      const vb = v128.xor(v128.load(pb), flip);
      const lo = i8x16.shuffle(vb, va, 0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
      const hi = i8x16.shuffle(vb, va, 8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31);
      lookup4(po, i64x2.extract_lane(lo, 0), table);
      lookup4(po + 4, i64x2.extract_lane(lo, 1), table);
      lookup4(po + 8, i64x2.extract_lane(hi, 0), table);
      lookup4(po + 12, i64x2.extract_lane(hi, 1), table);
      pa += 16;
      pb += 16;
      po += 16;
    }
    while (po < end) {
      store<u8>(po, load<u8>(table + <usize>(((<u32>load<u8>(pa) ^ 0x80) << 8) | (<u32>load<u8>(pb) ^ 0x80))));
      pa += da;
      pb += db;
      po++;
    }
  }
}

/** out[i] = table[x[i] + 128] for n int8 values and a 256-entry float32 table (DEQUANTIZE). */
export function lookupF32(x: usize, n: i32, table: usize, out: usize): void {
  for (let i = 0; i < n; i++) store<f32>(out + (<usize>i << 2), load<f32>(table + (<usize>(<i32>load<i8>(x + <usize>i) + 128) << 2)));
}

// ───────────────────────── SOFTMAX (gemmlowp fixed point) ─────────────────────────

/** gemmlowp SaturatingRoundingDoublingHighMul. */
// @ts-ignore: decorator
@inline function srdhm(a: i32, b: i32): i32 {
  if (a == i32.MIN_VALUE && b == i32.MIN_VALUE) return i32.MAX_VALUE;
  const ab = <i64>a * <i64>b;
  const v = ab + (ab >= 0 ? (<i64>1 << 30) : <i64>1 - (<i64>1 << 30));
  // Division by 2^31 truncating toward zero.
  return <i32>((v + (v < 0 ? (<i64>1 << 31) - 1 : 0)) >> 31);
}

/** gemmlowp RoundingDivideByPOT (exponent as JavaScript's and wasm's shifts take it: mod 32). */
// @ts-ignore: decorator
@inline function rdpot(x: i32, exponent: i32): i32 {
  if (exponent == 0) return x;
  const mask = exponent >= 31 ? 0x7fffffff : (1 << exponent) - 1;
  const threshold = (mask >> 1) + (x < 0 ? 1 : 0);
  return (x >> exponent) + ((x & mask) > threshold ? 1 : 0);
}

/** gemmlowp SaturatingRoundingMultiplyByPOT for a positive exponent. */
// @ts-ignore: decorator
@inline function srmpotUp(x: i32, exponent: i32): i32 {
  const threshold = (1 << (31 - exponent)) - 1;
  return x > threshold ? i32.MAX_VALUE : x < -threshold ? i32.MIN_VALUE : x << exponent;
}

/** gemmlowp one_over_one_plus_x_for_x_in_0_1 (Q0.31 in and out, Newton–Raphson, 3 steps). */
function oneOverOnePlusX(a: i32): i32 {
  const sum = <i64>a + <i64>i32.MAX_VALUE;
  const halfDenominator = <i32>((sum + (sum >= 0 ? 1 : -1)) / 2);
  let x = 1515870810 + srdhm(halfDenominator, -1010580540);
  for (let i = 0; i < 3; i++) {
    const oneMinus = (1 << 29) - srdhm(halfDenominator, x);
    x = x + srmpotUp(srdhm(x, oneMinus), 2);
  }
  return srmpotUp(x, 1);
}

/**
 * SOFTMAX int8 → int8 as TFLM's reference kernel (gemmlowp exp and reciprocal), over `rows` rows of
 * `depth` values. Prepare tabulates, by k = max − x (0…255): `exps` (int32, the exp), `terms` (int32,
 * its rescaled summand) and `live` (u8, 0 where the diff is below diffMin: output −128).
 */
export function softmax(x: usize, rows: i32, depth: i32, exps: usize, terms: usize, live: usize, out: usize): void {
  for (let r = 0; r < rows; r++) {
    const px = x + <usize>(r * depth);
    const po = out + <usize>(r * depth);
    let maxIn: i32 = -128;
    for (let c = 0; c < depth; c++) maxIn = max(maxIn, <i32>load<i8>(px + <usize>c));
    let sum: i32 = 0;
    for (let c = 0; c < depth; c++) sum += load<i32>(terms + (<usize>(maxIn - <i32>load<i8>(px + <usize>c)) << 2));
    // GetReciprocal(sum, 12).
    const headroomPlusOne = <i32>clz(sum);
    const numBitsOverUnit = 12 - headroomPlusOne;
    const shifted = (headroomPlusOne >= 32 ? 0 : sum << headroomPlusOne) + i32.MIN_VALUE;
    const scale = oneOverOnePlusX(shifted);
    const exponent = numBitsOverUnit + 31 - 8;
    for (let c = 0; c < depth; c++) {
      const k = <usize>(maxIn - <i32>load<i8>(px + <usize>c));
      let v: i32 = -128;
      if (load<u8>(live + k)) {
        v = rdpot(srdhm(scale, load<i32>(exps + (k << 2))), exponent) - 128;
        v = v > 127 ? 127 : v < -128 ? -128 : v;
      }
      store<i8>(po + <usize>c, <i8>v);
    }
  }
}
