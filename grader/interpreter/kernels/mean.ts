/**
 * MEAN int8: TFLM reduce_common.cc → reference_ops::QuantizedMeanOrSum. Sums over the axes, then one
 * requantization whose multiplier absorbs the division by the element count (computed in 64 bits at
 * prepare, exactly as TFLM does).
 */
import { quantizeMultiplier, requantizer } from '../fixed-point.js';
import { ensure, type Kernel } from '../kernel.js';
import { INT8_MAX, INT8_MIN, scaleZp, wasmRequant } from '../quant-params.js';

export default {
  op: 'MEAN',
  prepare(ctx) {
    const o = ctx.op.options;
    ensure(ctx, o.kind === 'reducer', 'missing ReducerOptions');
    const input = ctx.input(0);
    const axisT = ctx.input(1);
    const output = ctx.output(0);
    ensure(ctx, input.tensor.type === 'int8' && output.tensor.type === 'int8', 'only int8 is supported');
    ensure(ctx, axisT.tensor.data && axisT.tensor.type === 'int32' && axisT.i32, 'axes must be a constant int32 tensor');
    const shape = input.tensor.shape;
    const rank = shape.length;
    const axes = new Set<number>();
    for (const a of axisT.i32) {
      const r = a < 0 ? a + rank : a;
      ensure(ctx, r >= 0 && r < rank, `axis ${a} is outside rank ${rank}`);
      axes.add(r);
    }
    const kept = shape.filter((_, d) => !axes.has(d));
    const outCount = kept.reduce((a, b) => a * b, 1);
    ensure(ctx, outCount === output.tensor.elements, 'output size does not match the reduction');
    const n = shape.reduce((a, b, d) => (axes.has(d) ? a * b : a), 1);
    const qi = scaleZp(ctx, input.tensor);
    const qo = scaleZp(ctx, output.tensor);
    const base = quantizeMultiplier(qi.scale / qo.scale, ctx.rounding);
    // Fold 1/n into the multiplier: shift = floor(log2 n), capped as TFLM caps it.
    ensure(ctx, n > 0, 'empty reduction');
    const log2n = 31 - Math.clz32(n); // 63 − CountLeadingZeros64(n) for n < 2^31
    const shift = Math.min(log2n, 32, 31 + base.shift);
    const multiplier = Number((BigInt(base.multiplier) << BigInt(shift)) / BigInt(n)) | 0;
    const outShift = base.shift - shift;
    const requant = requantizer(ctx.rounding);
    const y = output.i8;
    const zpTimesN = qi.zeroPoint * n;
    // Axes forming one block (size-1 dimensions between them do not matter): the input is
    // [outer][reduce][inner], summed on the SIMD kernel into int32, then one requantization each.
    const sorted = [...axes].sort((a, b) => a - b);
    const lo = sorted[0] ?? 0;
    const hi = sorted.at(-1) ?? -1;
    if (sorted.length > 0 && shape.slice(lo, hi + 1).every((d, i) => axes.has(lo + i) || d === 1)) {
      const outer = shape.slice(0, lo).reduce((a, b) => a * b, 1);
      const inner = shape.slice(hi + 1).reduce((a, b) => a * b, 1);
      // Sums start at −zp·n; their requantization runs in the module too, a row of `inner` outputs
      // at a time (the table repeats the one multiplier per output channel, so 8 go per vector).
      // |sum| ≤ 255·n bounds the accumulators for the vector path's exactness proof.
      const rq = wasmRequant(ctx, new Int32Array(inner), new Int32Array(inner).fill(multiplier), new Int32Array(inner).fill(outShift), qo.zeroPoint, INT8_MIN, INT8_MAX, new Float64Array(inner).fill(255 * n));
      const simd = ctx.simd;
      const acc = ctx.scratch.address;
      const init = -zpTimesN | 0;
      return () => {
        simd.reduceSum(input.address, outer, n, inner, acc, init);
        simd.requantRows(acc, outer, inner, rq.address, output.address);
      };
    }
    // Output index of every input element.
    const map = new Int32Array(input.tensor.elements);
    const idx = new Array<number>(rank).fill(0);
    for (let i = 0; i < map.length; i++) {
      let oi = 0;
      for (let d = 0; d < rank; d++) if (!axes.has(d)) oi = oi * shape[d]! + idx[d]!;
      map[i] = oi;
      for (let d = rank - 1; d >= 0; d--) {
        if (++idx[d]! < shape[d]!) break;
        idx[d] = 0;
      }
    }
    const sums = new Int32Array(outCount);
    const x = input.i8;
    return () => {
      sums.fill(0);
      for (let i = 0; i < map.length; i++) {
        const j = map[i]!;
        sums[j] = sums[j]! + x[i]!;
      }
      for (let k = 0; k < outCount; k++) {
        const v = requant((sums[k]! - zpTimesN) | 0, multiplier, outShift) + qo.zeroPoint;
        y[k] = v < INT8_MIN ? INT8_MIN : v > INT8_MAX ? INT8_MAX : v;
      }
    };
  },
} satisfies Kernel;
