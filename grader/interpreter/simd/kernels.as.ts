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
 * Pointwise (1×1) convolution core: for each of `pixels` input pixels (stride `inC` bytes) and each of
 * `outC` filters (rows of `inC` int8), out[p·outC + oc] = dot(x[p], w[oc]) as int32.
 */
export function pointwise(x: usize, w: usize, pixels: i32, inC: i32, outC: i32, out: usize): void {
  for (let p = 0; p < pixels; p++) {
    dotRows(w, x + <usize>(p * inC), outC, inC, out + <usize>((p * outC) << 2));
  }
}

/**
 * Depthwise convolution core (depth multiplier 1) over an input already padded with its zero point:
 * acc[(oy·outW + ox)·C + c] = Σ_taps w[tap·C + c] · xpad[...], int32, 16 channels per step.
 */
export function depthwise(
  xpad: usize, padW: i32, C: i32, w: usize, kH: i32, kW: i32,
  strideH: i32, strideW: i32, dilH: i32, dilW: i32, outH: i32, outW: i32, acc: usize,
): void {
  const vecEnd = C & ~15;
  for (let oy = 0; oy < outH; oy++) {
    for (let ox = 0; ox < outW; ox++) {
      const out = acc + <usize>(((oy * outW + ox) * C) << 2);
      for (let c = 0; c < vecEnd; c += 16) {
        let a0 = i32x4.splat(0);
        let a1 = i32x4.splat(0);
        let a2 = i32x4.splat(0);
        let a3 = i32x4.splat(0);
        for (let fy = 0; fy < kH; fy++) {
          const row = (oy * strideH + fy * dilH) * padW;
          for (let fx = 0; fx < kW; fx++) {
            const xv = v128.load(xpad + <usize>((row + ox * strideW + fx * dilW) * C + c));
            const wv = v128.load(w + <usize>((fy * kW + fx) * C + c));
            const xl = i16x8.extend_low_i8x16_s(xv);
            const xh = i16x8.extend_high_i8x16_s(xv);
            const wl = i16x8.extend_low_i8x16_s(wv);
            const wh = i16x8.extend_high_i8x16_s(wv);
            a0 = i32x4.add(a0, i32x4.extmul_low_i16x8_s(xl, wl));
            a1 = i32x4.add(a1, i32x4.extmul_high_i16x8_s(xl, wl));
            a2 = i32x4.add(a2, i32x4.extmul_low_i16x8_s(xh, wh));
            a3 = i32x4.add(a3, i32x4.extmul_high_i16x8_s(xh, wh));
          }
        }
        const o = out + <usize>(c << 2);
        v128.store(o, a0);
        v128.store(o, a1, 16);
        v128.store(o, a2, 32);
        v128.store(o, a3, 48);
      }
      let c8 = vecEnd;
      for (; c8 + 8 <= C; c8 += 8) {
        let b0 = i32x4.splat(0);
        let b1 = i32x4.splat(0);
        for (let fy = 0; fy < kH; fy++) {
          const row = (oy * strideH + fy * dilH) * padW;
          for (let fx = 0; fx < kW; fx++) {
            const xv = v128.load8x8_s(xpad + <usize>((row + ox * strideW + fx * dilW) * C + c8));
            const wv = v128.load8x8_s(w + <usize>((fy * kW + fx) * C + c8));
            b0 = i32x4.add(b0, i32x4.extmul_low_i16x8_s(xv, wv));
            b1 = i32x4.add(b1, i32x4.extmul_high_i16x8_s(xv, wv));
          }
        }
        const o8 = out + <usize>(c8 << 2);
        v128.store(o8, b0);
        v128.store(o8, b1, 16);
      }
      for (let c = c8; c < C; c++) {
        let s = 0;
        for (let fy = 0; fy < kH; fy++) {
          const row = (oy * strideH + fy * dilH) * padW;
          for (let fx = 0; fx < kW; fx++) {
            s += <i32>load<i8>(xpad + <usize>((row + ox * strideW + fx * dilW) * C + c)) * <i32>load<i8>(w + <usize>((fy * kW + fx) * C + c));
          }
        }
        store<i32>(out + <usize>(c << 2), s);
      }
    }
  }
}

/**
 * Per-channel requantization of int32 accumulators to int8, as TFLite's MultiplyByQuantizedMultiplier:
 * out = clamp(MBQM(acc + bias[c], mult[c], shift[c]) + outOffset). `single` selects the
 * single-rounding build (one 64-bit rounding shift) over gemmlowp's double rounding.
 */
export function requantize(
  acc: usize, rows: i32, C: i32, bias: usize, mult: usize, shift: usize,
  outOffset: i32, actMin: i32, actMax: i32, out: usize, single: i32,
): void {
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < C; c++) {
      const i = r * C + c;
      const x: i32 = load<i32>(acc + <usize>(i << 2)) + load<i32>(bias + <usize>(c << 2));
      const m = <i64>load<i32>(mult + <usize>(c << 2));
      const s = load<i32>(shift + <usize>(c << 2));
      let v: i32;
      if (single) {
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
      v += outOffset;
      v = v < actMin ? actMin : v > actMax ? actMax : v;
      store<i8>(out + <usize>i, <i8>v);
    }
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

/**
 * Matrix product for narrow inputs (small depth, outC a multiple of 8), with weights transposed to
 * wT[d·outC + oc]: each input value is broadcast against 8 output channels at a time, so no
 * horizontal sums are needed. out[p·outC + oc] = Σ_d x[p·depth + d] · wT[d·outC + oc], int32.
 */
export function gemmNarrow(x: usize, wT: usize, pixels: i32, depth: i32, outC: i32, out: usize): void {
  for (let p = 0; p < pixels; p++) {
    const xr = x + <usize>(p * depth);
    const orow = out + <usize>((p * outC) << 2);
    let oc = 0;
    for (; oc + 16 <= outC; oc += 16) {
      let a0 = i32x4.splat(0);
      let a1 = i32x4.splat(0);
      let a2 = i32x4.splat(0);
      let a3 = i32x4.splat(0);
      for (let d = 0; d < depth; d++) {
        const xs = i16x8.splat(<i16>load<i8>(xr + <usize>d));
        const wr = wT + <usize>(d * outC + oc);
        const w0 = v128.load8x8_s(wr);
        const w1 = v128.load8x8_s(wr, 8);
        a0 = i32x4.add(a0, i32x4.extmul_low_i16x8_s(xs, w0));
        a1 = i32x4.add(a1, i32x4.extmul_high_i16x8_s(xs, w0));
        a2 = i32x4.add(a2, i32x4.extmul_low_i16x8_s(xs, w1));
        a3 = i32x4.add(a3, i32x4.extmul_high_i16x8_s(xs, w1));
      }
      const o = orow + <usize>(oc << 2);
      v128.store(o, a0);
      v128.store(o, a1, 16);
      v128.store(o, a2, 32);
      v128.store(o, a3, 48);
    }
    for (; oc < outC; oc += 8) {
      let a0 = i32x4.splat(0);
      let a1 = i32x4.splat(0);
      for (let d = 0; d < depth; d++) {
        const xs = i16x8.splat(<i16>load<i8>(xr + <usize>d));
        const w0 = v128.load8x8_s(wT + <usize>(d * outC + oc));
        a0 = i32x4.add(a0, i32x4.extmul_low_i16x8_s(xs, w0));
        a1 = i32x4.add(a1, i32x4.extmul_high_i16x8_s(xs, w0));
      }
      const o = orow + <usize>(oc << 2);
      v128.store(o, a0);
      v128.store(o, a1, 16);
    }
  }
}

/**
 * Single-rounding requantization with per-channel tables prepared once: rnd[c] = 2^(t−1) and
 * sh[c] = t = 31 − shift[c] (i64 each), mult[c] (i64). Same result as `requantize(..., single = 1)`.
 */
export function requantizeSingle(
  acc: usize, rows: i32, C: i32, bias: usize, mult: usize, rnd: usize, sh: usize,
  outOffset: i32, actMin: i32, actMax: i32, out: usize,
): void {
  let i = 0;
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < C; c++) {
      const x = <i64>(load<i32>(acc + <usize>(i << 2)) + load<i32>(bias + <usize>(c << 2)));
      const cc = <usize>(c << 3);
      let v = <i32>((x * load<i64>(mult + cc) + load<i64>(rnd + cc)) >> load<i64>(sh + cc)) + outOffset;
      v = v < actMin ? actMin : v > actMax ? actMax : v;
      store<i8>(out + <usize>i, <i8>v);
      i++;
    }
  }
}
