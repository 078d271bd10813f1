/**
 * ADD, SUB and MUL on int8, as TFLM's add_common.cc / sub_common.cc / mul_common.cc prepare them and
 * reference_integer_ops::Add / Sub / Mul compute them: ADD and SUB shift both inputs left by 20 bits,
 * rescale each to a common scale, combine and rescale to the output (SUB forms its multipliers in
 * float32 where ADD uses double, as TFLM does); MUL requantizes the product of the offset inputs.
 * Eval is one SIMD kernel (simd/elementwise.as.ts `binary`) over the broadcast plan.
 */
import { quantizeMultiplier } from '../fixed-point.js';
import { ensure, type Eval, type Kernel, type PrepareContext } from '../kernel.js';
import { activationRange, scaleZp } from '../quant-params.js';
import { broadcastPlan } from './broadcast.js';

const LEFT_SHIFT = 20;
const KIND = { ADD: 0, SUB: 1, MUL: 2 } as const;

/** Bytes of the parameter block the kernel reads (see elementwise.as.ts B_*). */
export const BINARY_PARAM_BYTES = 64;

/**
 * From this many output elements on, eval looks results up in a 64 KiB table of all (a, b) pairs
 * (~0.1–0.2 ms to build at prepare) instead of requantizing each element (allocator.ts budgets it).
 * A lookup costs about a third of the requantization (64-bit lane products), so even the residual
 * ADDs of small 1-D models (TC-ResNet: 336–600 elements) gain 2–2.7× per node; below 256 elements
 * the table's build and cache footprint outweigh it.
 */
export const TABLE_MIN_ELEMENTS = 256;

/** Multipliers of the op as TFLM computes them at prepare time. */
function multipliers(ctx: PrepareContext, op: keyof typeof KIND, qa: { scale: number }, qb: { scale: number }, qo: { scale: number }) {
  if (op === 'MUL') {
    const q = quantizeMultiplier((qa.scale * qb.scale) / qo.scale, ctx.rounding);
    return { m1: 0, s1: 0, m2: 0, s2: 0, mo: q.multiplier, so: q.shift };
  }
  const f = op === 'SUB' ? Math.fround : (v: number) => v;
  const twiceMax = f(2 * Math.max(qa.scale, qb.scale));
  const q1 = quantizeMultiplier(f(qa.scale / twiceMax), ctx.rounding);
  const q2 = quantizeMultiplier(f(qb.scale / twiceMax), ctx.rounding);
  const qo2 = quantizeMultiplier(f(twiceMax / f((1 << LEFT_SHIFT) * qo.scale)), ctx.rounding);
  ensure(ctx, q1.shift <= 0 && q2.shift <= 0 && qo2.shift <= 0, 'input/output scales need a multiplier above one');
  return { m1: q1.multiplier, s1: q1.shift, m2: q2.multiplier, s2: q2.shift, mo: qo2.multiplier, so: qo2.shift };
}

/**
 * x ⊕ f(x) where f is an earlier node's byte function of the same tensor (swish as x·LOGISTIC(x),
 * x·TANH(x), x + RELU(x), …): the result depends on x's byte alone, so this op is one 256-entry
 * table — the same requantization, evaluated for each x and f(x) at prepare — and f's node is not
 * run at all when nothing else reads its output. Exact by construction.
 */
function foldByteFunction(ctx: PrepareContext, q: number): Eval | null {
  const [ia, ib] = ctx.op.inputs as [number, number];
  const out = ctx.output(0);
  const a = ctx.input(0);
  const b = ctx.input(1);
  if (a.tensor.data || b.tensor.data || a.tensor.elements !== out.tensor.elements || b.tensor.elements !== out.tensor.elements) return null;
  const fb = ctx.byteFunctions.get(ib);
  const fa = ctx.byteFunctions.get(ia);
  const [x, fxIndex, f] = fb && fb.input === ia ? [a, ib, fb] : fa && fa.input === ib ? [b, ia, fa] : [null, -1, null];
  if (!x || !f) return null;
  // Operands in op order: a ramp of every byte for x, and f of it for f(x).
  const ramp = Int8Array.from({ length: 256 }, (_, i) => i - 128);
  const fOf = Int8Array.from(ramp, (v) => f.table[v + 128]!);
  const [first, second] = x === a ? [ramp, fOf] : [fOf, ramp];
  // (Persistent, not scratch: a small op's scratch may be shorter than the two 256-byte operands.)
  const at = ctx.persistent(512);
  new Int8Array(ctx.scratch.buffer, at, 256).set(first);
  new Int8Array(ctx.scratch.buffer, at + 256, 256).set(second);
  const table = ctx.persistent(256);
  ctx.simd.binary(at, 1, 0, at + 256, 1, 0, 256, 1, table, q);
  const g = ctx.graph;
  const readers = g.operators.filter((op) => op.inputs.includes(fxIndex)).length;
  if (readers === 1 && !g.outputs.includes(fxIndex)) ctx.elide(f.node);
  const simd = ctx.simd;
  const n = out.tensor.elements;
  return () => simd.lookup(x.address, n, table, out.address);
}

function prepareBinary(ctx: PrepareContext, op: keyof typeof KIND) {
  const o = ctx.op.options;
  const optionsKind = op === 'ADD' ? 'add' : op === 'SUB' ? 'sub' : 'mul';
  ensure(ctx, o.kind === optionsKind, `missing ${op === 'ADD' ? 'Add' : op === 'SUB' ? 'Sub' : 'Mul'}Options`);
  if (o.kind !== 'add' && o.kind !== 'sub' && o.kind !== 'mul') throw new Error('unreachable');
  const a = ctx.input(0);
  const b = ctx.input(1);
  const out = ctx.output(0);
  ensure(ctx, a.tensor.type === 'int8' && b.tensor.type === 'int8' && out.tensor.type === 'int8', 'only int8 is supported');
  const [qa, qb, qo] = [scaleZp(ctx, a.tensor), scaleZp(ctx, b.tensor), scaleZp(ctx, out.tensor)];
  const m = multipliers(ctx, op, qa, qb, qo);
  let plan = broadcastPlan(a.tensor.shape, b.tensor.shape, out.tensor.shape);
  ensure(ctx, plan, `shapes [${a.tensor.shape.join(',')}] and [${b.tensor.shape.join(',')}] do not broadcast to [${out.tensor.shape.join(',')}]`);
  const { min, max } = activationRange(o.activation, qo);
  const words = [KIND[op], ctx.rounding === 'single' ? 1 : 0, -qa.zeroPoint, -qb.zeroPoint, m.m1, m.s1, m.m2, m.s2, m.mo, m.so, qo.zeroPoint, min, max];
  const q = ctx.persistent(BINARY_PARAM_BYTES);
  new Int32Array(ctx.scratch.buffer, q, words.length).set(words);

  // A constant operand broadcast in short runs (per-channel constants) is spread to the output's
  // shape once, so the kernel runs over whole vectors.
  let aAddr = a.address;
  let bAddr = b.address;
  if (plan.inner < 16 && plan.outer * plan.blocks.length > 1 && (a.tensor.data || b.tensor.data)) {
    const spread = (t: typeof a, other: typeof b): number => {
      const address = ctx.persistent(out.tensor.elements);
      const dst = new Int8Array(ctx.scratch.buffer, address, out.tensor.elements);
      const p = broadcastPlan(t.tensor.shape, other.tensor.shape, out.tensor.shape)!;
      for (const blk of p.blocks) {
        for (let o2 = 0; o2 < p.outer; o2++) for (let i = 0; i < p.inner; i++) dst[blk.out + o2 * p.inner + i] = t.i8[blk.a + o2 * p.aOuter + i * p.aInner]!;
      }
      return address;
    };
    if (a.tensor.data) aAddr = spread(a, b);
    else bAddr = spread(b, a);
    plan = { inner: out.tensor.elements, outer: 1, aInner: 1, bInner: 1, aOuter: 0, bOuter: 0, blocks: [{ a: 0, b: 0, out: 0 }] };
  }
  const simd = ctx.simd;
  const folded = foldByteFunction(ctx, q);
  if (folded) return folded;
  const p = plan;
  const outAddr = out.address;
  // Large tensors: the result of every (a, b) pair tabulated once, by the kernel itself.
  if (out.tensor.elements >= TABLE_MIN_ELEMENTS) {
    const table = ctx.persistent(65536);
    const ramp = ctx.scratch.address;
    new Int8Array(ctx.scratch.buffer, ramp, 256).set(Int8Array.from({ length: 256 }, (_, i) => i - 128));
    simd.binary(ramp, 0, 1, ramp, 1, 0, 256, 256, table, q);
    if (p.inner >= 16 && (p.aInner === 0) !== (p.bInner === 0)) {
      // One operand broadcast along runs of 16 or more: per run, the table row of its byte, looked
      // up on the SIMD path. Rows are indexed by a (as built) or, when b is the broadcast one, by b.
      if (p.bInner === 0) {
        const t = new Uint8Array(ctx.scratch.buffer, table, 65536);
        const copy = t.slice();
        for (let i = 0; i < 256; i++) for (let j = 0; j < 256; j++) t[j * 256 + i] = copy[i * 256 + j]!;
      }
      const [xAddr, xOuter, idxAddr, idxOuter] = p.bInner === 0 ? [aAddr, p.aOuter, bAddr, p.bOuter] : [bAddr, p.bOuter, aAddr, p.aOuter];
      return () => {
        for (const blk of p.blocks) {
          const [xo, io] = p.bInner === 0 ? [blk.a, blk.b] : [blk.b, blk.a];
          simd.lookupRows(xAddr + xo, xOuter, idxAddr + io, idxOuter, p.inner, p.outer, table, outAddr + blk.out);
        }
      };
    }
    if (p.blocks.length === 1) return () => simd.binaryTable(aAddr, p.aInner, p.aOuter, bAddr, p.bInner, p.bOuter, p.inner, p.outer, outAddr, table);
    return () => {
      for (const blk of p.blocks) simd.binaryTable(aAddr + blk.a, p.aInner, p.aOuter, bAddr + blk.b, p.bInner, p.bOuter, p.inner, p.outer, outAddr + blk.out, table);
    };
  }
  if (p.blocks.length === 1) return () => simd.binary(aAddr, p.aInner, p.aOuter, bAddr, p.bInner, p.bOuter, p.inner, p.outer, outAddr, q);
  return () => {
    for (const blk of p.blocks) simd.binary(aAddr + blk.a, p.aInner, p.aOuter, bAddr + blk.b, p.bInner, p.bOuter, p.inner, p.outer, outAddr + blk.out, q);
  };
}

export const add = { op: 'ADD', prepare: (ctx) => prepareBinary(ctx, 'ADD') } satisfies Kernel;
export const sub = { op: 'SUB', prepare: (ctx) => prepareBinary(ctx, 'SUB') } satisfies Kernel;
export const mul = { op: 'MUL', prepare: (ctx) => prepareBinary(ctx, 'MUL') } satisfies Kernel;
