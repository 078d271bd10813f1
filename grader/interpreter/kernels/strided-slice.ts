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
    const width = input.tensor.type === 'int32' ? 4 : 1;
    const x = input.bytes;
    const y = output.bytes;
    return () => {
      for (let k = 0; k < count; k++) for (let j = 0; j < width; j++) y[k * width + j] = x[map[k]! * width + j]!;
    };
  },
} satisfies Kernel;
