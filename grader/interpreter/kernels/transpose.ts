/** TRANSPOSE with a constant permutation (any element type of 1 byte; int8 here). */
import { ensure, type Kernel } from '../kernel.js';

export default {
  op: 'TRANSPOSE',
  prepare(ctx) {
    const input = ctx.input(0);
    const perm = ctx.input(1);
    const output = ctx.output(0);
    ensure(ctx, input.tensor.type === 'int8' && output.tensor.type === 'int8', 'only int8 is supported');
    ensure(ctx, perm.tensor.data && perm.tensor.type === 'int32' && perm.i32, 'the permutation must be a constant int32 tensor');
    const inShape = input.tensor.shape;
    const rank = inShape.length;
    const p = Array.from(perm.i32);
    ensure(ctx, p.length === rank && [...p].sort().every((v, i) => v === i), `[${p.join(',')}] is not a permutation of ${rank} axes`);
    ensure(ctx, output.tensor.shape.every((d, i) => d === inShape[p[i]!]), 'output shape does not match the permutation');
    const inStrides = inShape.map((_, d) => inShape.slice(d + 1).reduce((a, b) => a * b, 1));
    const outShape = output.tensor.shape;
    if (rank <= 4) {
      // Output in order, reading the input with permuted strides: one strided gather.
      const lens = [...outShape];
      const steps = p.map((axis) => inStrides[axis]!);
      while (lens.length < 4) {
        lens.unshift(1);
        steps.unshift(0);
      }
      const simd = ctx.simd;
      const [n0, n1, n2, n3] = lens as [number, number, number, number];
      const [s0, s1, s2, s3] = steps as [number, number, number, number];
      return () => simd.gather4(input.address, n0, s0, n1, s1, n2, s2, n3, s3, output.address);
    }
    // Input index for every output element, computed once.
    const map = new Int32Array(output.tensor.elements);
    const idx = new Array<number>(rank).fill(0);
    for (let i = 0; i < map.length; i++) {
      let s = 0;
      for (let d = 0; d < rank; d++) s += idx[d]! * inStrides[p[d]!]!;
      map[i] = s;
      for (let d = rank - 1; d >= 0; d--) {
        if (++idx[d]! < outShape[d]!) break;
        idx[d] = 0;
      }
    }
    const x = input.i8;
    const y = output.i8;
    return () => {
      for (let i = 0; i < map.length; i++) y[i] = x[map[i]!]!;
    };
  },
} satisfies Kernel;
