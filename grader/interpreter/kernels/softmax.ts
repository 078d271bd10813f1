/**
 * SOFTMAX int8 → int8 as TensorFlow Lite Micro computes it: gemmlowp fixed-point exp and reciprocal
 * (reference_ops::Softmax), not desktop TFLite's float lookup table. Prepare tabulates exp by
 * max − x; eval (max, sum, reciprocal, scaling) is simd/elementwise.as.ts `softmax`.
 */
import { expOnNegativeValues, multiplyByQuantizedMultiplierGreaterThanOne, quantizeMultiplier, rescale, type Rounding } from '../fixed-point.js';
import { ensure, type Kernel } from '../kernel.js';
import { scaleZp } from '../quant-params.js';

const SCALED_DIFF_INTEGER_BITS = 5;
/** Bytes of the kernel's tables in WebAssembly memory (allocator.ts budgets them). */
export const SOFTMAX_TABLE_BYTES = 2304;
const ACCUMULATION_INTEGER_BITS = 12;

/** PreprocessSoftmaxScaling + CalculateInputRadius (double rounding build). */
export function softmaxParams(beta: number, inputScale: number, rounding: Rounding): { multiplier: number; leftShift: number; diffMin: number } {
  const maxRealMultiplier = rounding === 'single' ? 2 ** 30 - 1 : 2 ** 31 - 1;
  const real = Math.min(beta * inputScale * 2 ** (31 - SCALED_DIFF_INTEGER_BITS), maxRealMultiplier);
  const { multiplier, shift } = quantizeMultiplier(real, rounding);
  const maxInputRescaled = (((1 << SCALED_DIFF_INTEGER_BITS) - 1) * 2 ** (31 - SCALED_DIFF_INTEGER_BITS)) / 2 ** shift;
  return { multiplier, leftShift: shift, diffMin: -Math.floor(maxInputRescaled) };
}

export default {
  op: 'SOFTMAX',
  prepare(ctx) {
    const o = ctx.op.options;
    ensure(ctx, o.kind === 'softmax', 'missing SoftmaxOptions');
    const input = ctx.input(0);
    const output = ctx.output(0);
    ensure(ctx, input.tensor.type === 'int8' && output.tensor.type === 'int8', 'only int8 → int8 is supported');
    const outQ = scaleZp(ctx, output.tensor);
    ensure(ctx, outQ.zeroPoint === -128 && outQ.scale === 1 / 256, 'int8 softmax output must have scale 1/256 and zero point -128');
    ensure(ctx, input.tensor.elements === output.tensor.elements, 'input and output sizes differ');
    const shape = input.tensor.shape;
    const depth = shape[shape.length - 1] ?? 1;
    const rows = depth > 0 ? input.tensor.elements / depth : 0;
    const { multiplier, leftShift, diffMin } = softmaxParams(o.beta, scaleZp(ctx, input.tensor).scale, ctx.rounding);
    const rounding = ctx.rounding;
    ensure(ctx, leftShift >= 0, 'softmax input scale × beta is too small');
    // exp() and its rescaled summand depend only on diff = x − max ∈ [−255, 0]: tabulated by −diff
    // (diffs below diffMin contribute nothing and give −128).
    const exps = new Int32Array(256);
    const terms = new Int32Array(256);
    const live = new Uint8Array(256);
    for (let k = 0; k < 256; k++) {
      if (-k < diffMin) continue;
      const e = expOnNegativeValues(multiplyByQuantizedMultiplierGreaterThanOne(-k, multiplier, leftShift, rounding), SCALED_DIFF_INTEGER_BITS);
      exps[k] = e;
      terms[k] = rescale(e, 0, ACCUMULATION_INTEGER_BITS);
      live[k] = 1;
    }

    // The tables in WebAssembly memory; eval is one SIMD-module call (the reciprocal's 64-bit
    // products are native there, where JavaScript splits each into doubles).
    const tables = ctx.persistent(SOFTMAX_TABLE_BYTES);
    new Int32Array(ctx.scratch.buffer, tables, 256).set(exps);
    new Int32Array(ctx.scratch.buffer, tables + 1024, 256).set(terms);
    new Uint8Array(ctx.scratch.buffer, tables + 2048, 256).set(live);
    const simd = ctx.simd;
    return () => simd.softmax(input.address, rows, depth, tables, tables + 1024, tables + 2048, output.address);
  },
} satisfies Kernel;
