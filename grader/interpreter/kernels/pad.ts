/** PAD / PADV2 for int8: constant padding with the output zero point (or PADV2's value). TFLM pad.cc. */
import { ensure, type Kernel, type PrepareContext } from '../kernel.js';
import { scaleZp } from '../quant-params.js';

function preparePad(ctx: PrepareContext) {
  const input = ctx.input(0);
  const paddings = ctx.input(1);
  const constant = ctx.optionalInput(2);
  const output = ctx.output(0);
  ensure(ctx, input.tensor.type === 'int8' && output.tensor.type === 'int8', 'only int8 is supported');
  ensure(ctx, paddings.tensor.data && paddings.tensor.type === 'int32' && paddings.i32, 'paddings must be a constant int32 tensor');
  const inShape = input.tensor.shape;
  const outShape = output.tensor.shape;
  const rank = inShape.length;
  ensure(ctx, paddings.tensor.elements === rank * 2 && outShape.length === rank, 'paddings do not match the input rank');
  const before: number[] = [];
  for (let d = 0; d < rank; d++) {
    const lo = paddings.i32[2 * d]!;
    const hi = paddings.i32[2 * d + 1]!;
    ensure(ctx, lo >= 0 && hi >= 0 && inShape[d]! + lo + hi === outShape[d], `padding of dimension ${d} does not give the output shape`);
    before.push(lo);
  }
  const value = constant ? constant.i8[0]! : scaleZp(ctx, output.tensor).zeroPoint;
  // Fill the output, then copy the input in as runs of its innermost dimension: one strided copy
  // (rows of the second-innermost dimension) per index of the outer dimensions, offsets computed once.
  const inner = rank > 0 ? inShape[rank - 1]! : 1;
  const rows = rank > 1 ? inShape[rank - 2]! : 1;
  const outStrides = outShape.map((_, d) => outShape.slice(d + 1).reduce((a, b) => a * b, 1));
  const lead = inShape.slice(0, Math.max(0, rank - 2));
  const count = lead.reduce((a, b) => a * b, 1);
  const src = new Int32Array(count);
  const dst = new Int32Array(count);
  const idx = new Array<number>(lead.length).fill(0);
  const base = before.reduce((a, p, d) => a + p * outStrides[d]!, 0);
  for (let k = 0; k < count; k++) {
    src[k] = k * rows * inner;
    dst[k] = base + idx.reduce((a, v, d) => a + v * outStrides[d]!, 0);
    for (let d = lead.length - 1; d >= 0; d--) {
      if (++idx[d]! < lead[d]!) break;
      idx[d] = 0;
    }
  }
  const rowStride = rank > 1 ? outStrides[rank - 2]! : 0;
  const simd = ctx.simd;
  const [x, y, n] = [input.address, output.address, output.tensor.elements];
  return () => {
    simd.fill(y, value, n);
    for (let k = 0; k < count; k++) simd.copyRuns(x + src[k]!, inner, y + dst[k]!, rowStride, inner, rows);
  };
}

export const pad = { op: 'PAD', prepare: preparePad } satisfies Kernel;
export const padV2 = { op: 'PADV2', prepare: preparePad } satisfies Kernel;
