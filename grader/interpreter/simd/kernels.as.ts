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
    let sum = i32x4.extract_lane(acc, 0) + i32x4.extract_lane(acc, 1) + i32x4.extract_lane(acc, 2) + i32x4.extract_lane(acc, 3);
    for (let d = vecEnd; d < depth; d++) sum += <i32>load<i8>(wr + <usize>d) * <i32>load<i8>(x + <usize>d);
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
