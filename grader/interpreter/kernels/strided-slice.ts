/**
 * STRIDED_SLICE with constant begin/end/strides, following TFLite's strided_slice_logic (begin/end
 * masks, shrink axes, negative indices and strides, the `offset` option). Ellipsis and new-axis masks
 * are refused at prepare.
 */
import { ensure, type Kernel } from '../kernel.js';

export default {
  op: 'STRIDED_SLICE',
  prepare(ctx) {
    const o = ctx.op.options;
    ensure(ctx, o.kind === 'stridedSlice', 'missing StridedSliceOptions');
    ensure(ctx, o.ellipsisMask === 0 && o.newAxisMask === 0, 'ellipsis and new-axis masks are not supported');
    const input = ctx.input(0);
    const [b, e, s] = [ctx.input(1), ctx.input(2), ctx.input(3)];
    const output = ctx.output(0);
    ensure(ctx, input.tensor.type === output.tensor.type && (input.tensor.type === 'int8' || input.tensor.type === 'int32'), 'only int8 and int32 are supported');
    for (const t of [b, e, s]) ensure(ctx, t.tensor.data && t.tensor.type === 'int32' && t.i32, 'begin, end and strides must be constant int32 tensors');
    const shape = input.tensor.shape;
    const rank = shape.length;
    ensure(ctx, b.tensor.elements === rank && e.tensor.elements === rank && s.tensor.elements === rank, 'begin/end/strides must have one entry per input dimension');
    const ranges: number[][] = [];
    const outDims: number[] = [];
    for (let d = 0; d < rank; d++) {
      const dim = shape[d]!;
      const stride = s.i32![d]!;
      ensure(ctx, stride !== 0, `stride of dimension ${d} is 0`);
      const clamp = (v: number) => (stride > 0 ? Math.min(Math.max(v, 0), dim) : Math.min(Math.max(v, -1), dim - 1));
      let start = b.i32![d]!;
      if (o.beginMask & (1 << d)) start = stride > 0 ? 0 : dim - 1;
      else start = clamp(start < 0 ? start + dim : start);
      let stop: number;
      if (o.shrinkAxisMask & (1 << d)) stop = start + 1;
      else if (o.endMask & (1 << d)) stop = stride > 0 ? dim : -1;
      else {
        stop = o.offset ? b.i32![d]! + e.i32![d]! : e.i32![d]!;
        stop = clamp(stop < 0 ? stop + dim : stop);
      }
      const r: number[] = [];
      for (let i = start; stride > 0 ? i < stop : i > stop; i += stride) r.push(i);
      ranges.push(r);
      if (!(o.shrinkAxisMask & (1 << d))) outDims.push(r.length);
    }
    const count = ranges.reduce((a, r) => a * r.length, 1);
    ensure(ctx, count === output.tensor.elements, `slice has ${count} elements, output ${output.tensor.elements}`);
    const strides = shape.map((_, d) => shape.slice(d + 1).reduce((a, c) => a * c, 1));
    const width = input.tensor.type === 'int32' ? 4 : 1;
    // int8 up to rank 4: every dimension is an arithmetic progression (first index, step), so a
    // strided copy does it — runs of the innermost dimension when its step is 1, else a gather.
    if (width === 1 && rank <= 4 && count > 0) {
      const lens = ranges.map((r) => r.length);
      const steps = ranges.map((r, d) => (r.length > 1 ? r[1]! - r[0]! : 1) * strides[d]!);
      const first = ranges.reduce((a, r, d) => a + r[0]! * strides[d]!, 0);
      const simd = ctx.simd;
      const [xa, ya] = [input.address + first, output.address];
      while (lens.length < 4) {
        lens.unshift(1);
        steps.unshift(0);
      }
      const [n0, n1, n2, n3] = lens as [number, number, number, number];
      const [s0, s1, s2, s3] = steps as [number, number, number, number];
      if (s3 === 1) {
        return () => {
          let o = ya;
          for (let i0 = 0; i0 < n0; i0++) {
            for (let i1 = 0; i1 < n1; i1++) {
              simd.copyRuns(xa + i0 * s0 + i1 * s1, s2, o, n3, n3, n2);
              o += n2 * n3;
            }
          }
        };
      }
      return () => simd.gather4(xa, n0, s0, n1, s1, n2, s2, n3, s3, ya);
    }
    const map = new Int32Array(count);
    const idx = new Array<number>(rank).fill(0);
    for (let k = 0; k < count; k++) {
      let src = 0;
      for (let d = 0; d < rank; d++) src += ranges[d]![idx[d]!]! * strides[d]!;
      map[k] = src;
      for (let d = rank - 1; d >= 0; d--) {
        if (++idx[d]! < ranges[d]!.length) break;
        idx[d] = 0;
      }
    }
    const x = input.bytes;
    const y = output.bytes;
    return () => {
      for (let k = 0; k < count; k++) for (let j = 0; j < width; j++) y[k * width + j] = x[map[k]! * width + j]!;
    };
  },
} satisfies Kernel;
