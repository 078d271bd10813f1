/**
 * Shared pieces of the element-wise int8 → int8 kernels (activations): the common checks, and the
 * eval of a kernel whose output depends only on the input byte — prepare tabulates the exact
 * arithmetic for all 256 inputs, eval looks them up.
 */
import { ensure, type Eval, type PrepareContext, type TensorData } from '../kernel.js';
import { scaleZp } from '../quant-params.js';

export function unaryInt8(ctx: PrepareContext): { input: TensorData; output: TensorData; qi: { scale: number; zeroPoint: number } } {
  const input = ctx.input(0);
  const output = ctx.output(0);
  ensure(ctx, input.tensor.type === 'int8' && output.tensor.type === 'int8', 'only int8 → int8 is supported');
  ensure(ctx, input.tensor.elements === output.tensor.elements, 'input and output sizes differ');
  return { input, output, qi: scaleZp(ctx, input.tensor) };
}

/** Eval of a 256-entry table (table[x + 128]) with the SIMD lookup kernel; the table lives in WebAssembly memory. */
export function lookupEval(ctx: PrepareContext, table: Int8Array, input: TensorData, output: TensorData): Eval {
  // A later ADD/SUB/MUL of this output with the same input may fold this node in (binary.ts).
  if (ctx.op.inputs[0] !== undefined && ctx.op.outputs[0] !== undefined) ctx.byteFunctions.set(ctx.op.outputs[0], { node: ctx.op.index, input: ctx.op.inputs[0], table: table.slice() });
  const address = ctx.persistent(256);
  new Int8Array(ctx.scratch.buffer, address, 256).set(table);
  const simd = ctx.simd;
  const n = output.tensor.elements;
  return () => simd.lookup(input.address, n, address, output.address);
}
