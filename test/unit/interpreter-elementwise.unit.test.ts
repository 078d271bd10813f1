/**
 * The element-wise, pooling, reduction and data-movement fast paths (SIMD ADD/SUB/MUL with every
 * broadcast pattern, table lookups, SOFTMAX, MAX_POOL_2D, MEAN over axis blocks, PAD, CONCATENATION,
 * STRIDED_SLICE, TRANSPOSE) against the plain reference transcription, on seeded random single-op
 * models: odd sizes, broadcasts along any axes, constant operands, scales giving multipliers from tiny
 * to above one (MUL shifts left), every zero point, fused activations, every arithmetic profile.
 */
import { describe, expect, it } from 'vitest';
import { seededRng, type Rng } from '../../lib/rng.js';
import { ARITHMETIC_NAMES } from '../../grader/interpreter/arithmetic.js';
import { Interpreter } from '../../grader/interpreter/interpreter.js';
import { buildModel, i32, i8, type ModelDef, type OpDef, type TensorDef } from '../../grader/tflite/builder.js';
import { parseModel } from '../../grader/tflite/parse.js';
import { REFERENCE_KERNELS } from '../helpers/reference-kernels.js';

const f32 = Math.fround;
const quant = (r: Rng) => ({ scale: [f32(r.pick([0.001, 0.01, 0.05, 0.2, 1.5]) * r.range(0.5, 1.5))], zeroPoint: [r.int(-128, 127)] });
const act = (r: Rng) => r.pick([0, 0, 1, 3]);

/** Engine and reference outputs of a one-op model on seeded inputs, under every profile. */
function check(def: ModelDef, seed: number): void {
  const graph = parseModel(buildModel(def));
  for (const arithmetic of ARITHMETIC_NAMES) {
    const fast = Interpreter.create(graph, { arithmetic });
    const ref = Interpreter.create(graph, { arithmetic, kernels: REFERENCE_KERNELS });
    const r = seededRng(seed);
    for (let k = 0; k < 2; k++) {
      const input = Uint8Array.from({ length: fast.inputBytes }, () => r.int(0, 255));
      fast.setInputBytes(input);
      fast.invoke();
      ref.setInputBytes(input);
      ref.invoke();
      expect(Array.from(fast.getOutputBytes()), `${arithmetic} ${def.ops[0]!.op} seed ${seed}`).toEqual(Array.from(ref.getOutputBytes()));
    }
  }
}

/** A random shape of rank 1–4 and a broadcastable partner (some dims 1, maybe fewer dims). */
function shapes(r: Rng): [number[], number[], number[]] {
  const rank = r.int(1, 4);
  const out = Array.from({ length: rank }, () => r.pick([1, 2, 3, 5, 7, 16, 17, 33]));
  const thin = (s: number[]) => s.map((d) => (r.next() < 0.35 ? 1 : d));
  let a = r.next() < 0.5 ? out : thin(out);
  let b = r.next() < 0.5 ? out : thin(out);
  if (r.next() < 0.2) b = b.slice(r.int(0, b.length - 1));
  if (r.next() < 0.1) a = [1];
  // The output is what they broadcast to.
  const rankOut = Math.max(a.length, b.length);
  const pa = [...Array<number>(rankOut - a.length).fill(1), ...a];
  const pb = [...Array<number>(rankOut - b.length).fill(1), ...b];
  return [a, b, pa.map((d, i) => Math.max(d, pb[i]!))];
}

describe('element-wise and data-movement fast paths against the reference', { timeout: 60_000 }, () => {
  it.each(['ADD', 'SUB', 'MUL'])('%s with broadcasting and constant operands', (op) => {
    for (let s = 1; s <= 40; s++) {
      const r = seededRng(100 * op.length + s);
      const [a, b, out] = shapes(r);
      const constant = r.next() < 0.3;
      const tensors: TensorDef[] = [
        { shape: a, type: 'int8', quant: quant(r) },
        { shape: b, type: 'int8', quant: quant(r), ...(constant ? { data: i8(Array.from({ length: b.reduce((x, y) => x * y, 1) }, () => r.int(-128, 127))) } : {}) },
        { shape: out, type: 'int8', quant: quant(r) },
      ];
      const union = op === 'ADD' ? 'AddOptions' : op === 'SUB' ? 'SubOptions' : 'MulOptions';
      const def: ModelDef = { tensors, ops: [{ op, inputs: [0, 1], outputs: [2], options: { union, int8: { 0: act(r) } } }], inputs: constant ? [0] : [0, 1], outputs: [2] };
      try {
        check(def, s);
      } catch (err) {
        // Scales the op itself refuses (an ADD multiplier above one) are not a fast-path question.
        if (!/multiplier above one/.test(String(err))) throw err;
      }
    }
  });

  it.each(['ADD', 'SUB', 'MUL'])('%s with one operand broadcast along long runs (gates, per-channel scales: table rows)', (op) => {
    const cases: [number[], number[]][] = [
      [[1, 12, 12, 36], [1, 12, 12, 1]],
      [[1, 12, 12, 1], [1, 12, 12, 36]],
      [[1, 4, 4, 96], [1, 1, 1, 96]],
      [[1, 1, 1, 96], [1, 4, 4, 96]],
      [[2, 9, 7, 17], [2, 9, 1, 17]],
      [[3, 700], [3, 1]],
    ];
    cases.forEach(([a, b], k) => {
      const r = seededRng(4000 + 10 * op.length + k);
      const out = a.map((d, i) => Math.max(d, b[i]!));
      const union = op === 'ADD' ? 'AddOptions' : op === 'SUB' ? 'SubOptions' : 'MulOptions';
      const def: ModelDef = {
        tensors: [
          { shape: a, type: 'int8', quant: quant(r) },
          { shape: b, type: 'int8', quant: quant(r) },
          { shape: out, type: 'int8', quant: quant(r) },
        ],
        ops: [{ op, inputs: [0, 1], outputs: [2], options: { union, int8: { 0: act(r) } } }],
        inputs: [0, 1],
        outputs: [2],
      };
      try {
        check(def, k + 1);
      } catch (err) {
        if (!/multiplier above one/.test(String(err))) throw err;
      }
    });
  });

  it('x ⊕ f(x) folded into one table (swish as x·LOGISTIC(x), x·TANH(x), x + RELU(x), …), either operand order, f kept when something else reads it', () => {
    const unary: [string, { scale: number[]; zeroPoint: number[] } | null][] = [['LOGISTIC', { scale: [1 / 256], zeroPoint: [-128] }], ['TANH', { scale: [1 / 128], zeroPoint: [0] }], ['RELU', null], ['HARD_SWISH', null]];
    for (let s = 1; s <= 32; s++) {
      const r = seededRng(7000 + s);
      const [u, uq] = unary[s % unary.length]!;
      const op = r.pick(['MUL', 'MUL', 'ADD', 'SUB']);
      const shape = r.pick([[1, 7, 5, 24], [1, 64], [2, 3], [1, 16, 16, 40]]);
      const swapped = r.next() < 0.5;
      // 3: also a model output, so f's node must still run.
      const keep = s % 3 === 0;
      const union = op === 'ADD' ? 'AddOptions' : op === 'SUB' ? 'SubOptions' : 'MulOptions';
      const def: ModelDef = {
        tensors: [
          { shape, type: 'int8', quant: quant(r) },
          { shape, type: 'int8', quant: uq ?? quant(r) },
          { shape, type: 'int8', quant: quant(r) },
        ],
        ops: [
          { op: u, inputs: [0], outputs: [1] },
          { op, inputs: swapped ? [1, 0] : [0, 1], outputs: [2], options: { union, int8: { 0: act(r) } } },
        ],
        inputs: [0],
        outputs: keep ? [2, 1] : [2],
      };
      try {
        check(def, s);
      } catch (err) {
        // Scales the ops themselves refuse are not a folding question.
        if (!/multiplier (above|must be below) one/.test(String(err))) throw err;
      }
    }
  });

  it('SOFTMAX over rows of any depth, any input scale and beta', () => {
    for (let s = 1; s <= 30; s++) {
      const r = seededRng(5000 + s);
      const shape = [r.int(1, 4), r.pick([1, 2, 3, 10, 12, 33, 256])];
      const inQ = { scale: [f32(r.pick([0.01, 0.05, 0.1, 0.3]) * r.range(0.5, 1.5))], zeroPoint: [r.int(-128, 127)] };
      check(
        {
          tensors: [
            { shape, type: 'int8', quant: inQ },
            { shape, type: 'int8', quant: { scale: [1 / 256], zeroPoint: [-128] } },
          ],
          ops: [{ op: 'SOFTMAX', version: 2, inputs: [0], outputs: [1], options: { union: 'SoftmaxOptions', float: { 0: r.pick([1, 1, 0.5, 2, 0.25]) } } }],
          inputs: [0],
          outputs: [1],
        },
        s,
      );
    }
  });

  it('table lookups (RELU, LEAKY_RELU, LOGISTIC, TANH, HARD_SWISH, int8 QUANTIZE), RELU6 and DEQUANTIZE on odd lengths', () => {
    for (let s = 1; s <= 30; s++) {
      const r = seededRng(700 + s);
      const n = r.int(1, 70);
      const op = r.pick(['RELU', 'LEAKY_RELU', 'LOGISTIC', 'TANH', 'HARD_SWISH', 'QUANTIZE', 'RELU6', 'DEQUANTIZE']);
      const outQ = op === 'LOGISTIC' ? { scale: [1 / 256], zeroPoint: [-128] } : op === 'TANH' ? { scale: [1 / 128], zeroPoint: [0] } : quant(r);
      const options: OpDef['options'] = op === 'LEAKY_RELU' ? { union: 'LeakyReluOptions', float: { 0: r.range(-0.5, 0.5) } } : undefined;
      const def: ModelDef = {
        tensors: [
          { shape: [n], type: 'int8', quant: { scale: [f32(r.range(0.01, 0.2))], zeroPoint: [r.int(-128, 127)] } },
          op === 'DEQUANTIZE' ? { shape: [n], type: 'float32' } : { shape: [n], type: 'int8', quant: outQ },
        ],
        ops: [{ op, inputs: [0], outputs: [1], ...(options ? { options } : {}) }],
        inputs: [0],
        outputs: [1],
      };
      check(def, s);
    }
  });

  it('MAX_POOL_2D (borders, channel tails, strides)', () => {
    for (let s = 1; s <= 25; s++) {
      const r = seededRng(800 + s);
      const [h, w, C] = [r.int(1, 9), r.int(1, 9), r.int(1, 40)];
      const [fh, fw] = [r.int(1, Math.min(h, 4)), r.int(1, Math.min(w, 4))];
      const stride = r.int(1, 2);
      const same = r.next() < 0.5;
      const outH = same ? Math.ceil(h / stride) : Math.floor((h - fh) / stride) + 1;
      const outW = same ? Math.ceil(w / stride) : Math.floor((w - fw) / stride) + 1;
      const q = quant(r);
      check({ tensors: [{ shape: [1, h, w, C], type: 'int8', quant: q }, { shape: [1, outH, outW, C], type: 'int8', quant: q }], ops: [{ op: 'MAX_POOL_2D', inputs: [0], outputs: [1], options: { union: 'Pool2DOptions', int8: { 0: same ? 0 : 1, 5: act(r) }, int32: { 1: stride, 2: stride, 3: fw, 4: fh } } }], inputs: [0], outputs: [1] }, s);
    }
  });

  it('MEAN over any axes, kept or not', () => {
    for (let s = 1; s <= 30; s++) {
      const r = seededRng(900 + s);
      const shape = Array.from({ length: r.int(1, 4) }, () => r.pick([1, 2, 3, 6, 17]));
      const axes = shape.map((_, d) => d).filter(() => r.next() < 0.5);
      if (axes.length === 0) axes.push(shape.length - 1);
      const keep = r.next() < 0.5;
      const out = shape.flatMap((d, i) => (axes.includes(i) ? (keep ? [1] : []) : [d]));
      check({ tensors: [{ shape, type: 'int8', quant: quant(r) }, { shape: [axes.length], type: 'int32', data: i32(axes) }, { shape: out.length ? out : [1], type: 'int8', quant: quant(r) }], ops: [{ op: 'MEAN', inputs: [0, 1], outputs: [2], options: { union: 'ReducerOptions', int8: { 0: keep ? 1 : 0 } } }], inputs: [0], outputs: [2] }, s);
    }
  });

  it('MEAN as a global pool over wide rows (8 outputs per vector requantization, odd tails), every rounding', () => {
    const cases: [number[], number[]][] = [
      [[1, 6, 6, 256], [1, 2]],
      [[1, 5, 5, 43], [1, 2]],
      [[1, 49, 1, 24], [1]],
      [[2, 7, 3, 9], [1]],
      [[1, 300, 16], [1]],
    ];
    cases.forEach(([shape, axes], k) => {
      for (let s = 0; s < 4; s++) {
        const r = seededRng(1900 + 10 * k + s);
        const keep = s % 2 === 0;
        const out = shape.flatMap((d, i) => (axes.includes(i) ? (keep ? [1] : []) : [d]));
        check({ tensors: [{ shape, type: 'int8', quant: quant(r) }, { shape: [axes.length], type: 'int32', data: i32(axes) }, { shape: out, type: 'int8', quant: quant(r) }], ops: [{ op: 'MEAN', inputs: [0, 1], outputs: [2], options: { union: 'ReducerOptions', int8: { 0: keep ? 1 : 0 } } }], inputs: [0], outputs: [2] }, 1900 + 10 * k + s);
      }
    });
  });

  it('PAD, CONCATENATION, STRIDED_SLICE and TRANSPOSE', () => {
    for (let s = 1; s <= 40; s++) {
      const r = seededRng(1000 + s);
      const rank = r.int(1, 4);
      const shape = Array.from({ length: rank }, () => r.int(1, 7));
      const q = quant(r);
      const n = shape.reduce((a, b) => a * b, 1);
      const kind = s % 4;
      if (kind === 0) {
        const pads = shape.flatMap(() => [r.int(0, 2), r.int(0, 2)]);
        const out = shape.map((d, i) => d + pads[2 * i]! + pads[2 * i + 1]!);
        check({ tensors: [{ shape, type: 'int8', quant: q }, { shape: [rank, 2], type: 'int32', data: i32(pads) }, { shape: out, type: 'int8', quant: q }], ops: [{ op: 'PAD', inputs: [0, 1], outputs: [2] }], inputs: [0], outputs: [2] }, s);
      } else if (kind === 1) {
        const axis = r.int(0, rank - 1);
        const parts = Array.from({ length: r.int(1, 3) }, () => shape.map((d, i) => (i === axis ? r.int(1, 4) : d)));
        const out = shape.map((d, i) => (i === axis ? parts.reduce((a, p) => a + p[axis]!, 0) : d));
        const tensors: TensorDef[] = [...parts.map((p) => ({ shape: p, type: 'int8' as const, quant: q })), { shape: out, type: 'int8', quant: q }];
        check({ tensors, ops: [{ op: 'CONCATENATION', inputs: parts.map((_, i) => i), outputs: [parts.length], options: { union: 'ConcatenationOptions', int32: { 0: axis }, int8: { 1: 0 } } }], inputs: parts.map((_, i) => i), outputs: [parts.length] }, s);
      } else if (kind === 2) {
        const begin = shape.map((d) => r.int(0, d - 1));
        const stridesV = shape.map(() => r.pick([1, 1, 2, 3]));
        const end = shape.map((d, i) => r.int(begin[i]! + 1, d));
        const shrink = r.next() < 0.3 ? 1 << r.int(0, rank - 1) : 0;
        const dims = begin.map((b, i) => (shrink & (1 << i) ? 1 : Math.ceil((end[i]! - b) / stridesV[i]!)));
        const out = dims.filter((_, i) => !(shrink & (1 << i)));
        check({ tensors: [{ shape, type: 'int8', quant: q }, { shape: [rank], type: 'int32', data: i32(begin) }, { shape: [rank], type: 'int32', data: i32(end) }, { shape: [rank], type: 'int32', data: i32(stridesV) }, { shape: out.length ? out : [1], type: 'int8', quant: q }], ops: [{ op: 'STRIDED_SLICE', inputs: [0, 1, 2, 3], outputs: [4], options: { union: 'StridedSliceOptions', int32: { 0: 0, 1: 0, 2: 0, 3: 0, 4: shrink } } }], inputs: [0], outputs: [4] }, s);
      } else {
        const perm = shape.map((_, i) => i).sort(() => r.next() - 0.5);
        check({ tensors: [{ shape, type: 'int8', quant: q }, { shape: [rank], type: 'int32', data: i32(perm) }, { shape: perm.map((p) => shape[p]!), type: 'int8', quant: q }], ops: [{ op: 'TRANSPOSE', inputs: [0, 1], outputs: [2] }], inputs: [0], outputs: [2] }, s);
      }
      void n;
    }
  });
});
