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
  // Output index of every input element, computed once.
  const map = new Int32Array(input.tensor.elements);
  const outStrides = outShape.map((_, d) => outShape.slice(d + 1).reduce((a, b) => a * b, 1));
  const idx = new Array<number>(rank).fill(0);
  for (let i = 0; i < map.length; i++) {
    let o = 0;
    for (let d = 0; d < rank; d++) o += (idx[d]! + before[d]!) * outStrides[d]!;
    map[i] = o;
    for (let d = rank - 1; d >= 0; d--) {
      if (++idx[d]! < inShape[d]!) break;
      idx[d] = 0;
    }
  }
  const x = input.i8;
  const y = output.i8;
  return () => {
    y.fill(value);
    for (let i = 0; i < map.length; i++) y[map[i]!] = x[i]!;
  };
}

export const pad = { op: 'PAD', prepare: preparePad } satisfies Kernel;
export const padV2 = { op: 'PADV2', prepare: preparePad } satisfies Kernel;
