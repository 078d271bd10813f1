/**
 * Arithmetic and data-movement kernels on tiny models: exact cases worked out by hand, and float
 * references (within one LSB) where rounding makes the exact value a matter of the fixed-point path.
 */
import { describe, expect, it } from 'vitest';
import { Interpreter } from '../../grader/interpreter/interpreter.js';
import { parseModel } from '../../grader/tflite/parse.js';
import type { TensorType } from '../../grader/tflite/schema.js';
import { buildModel, i32, type ModelDef, type OpDef, type TensorDef } from '../../grader/tflite/builder.js';

const q = (scale: number, zp: number) => ({ scale: [scale], zeroPoint: [zp] });
const t = (shape: number[], scale = 1, zp = 0, type: TensorType = 'int8'): TensorDef => ({ shape, type, quant: q(scale, zp) });

/** One op over the given tensors; inputs without data are graph inputs, in order. */
function runOp(tensors: TensorDef[], op: OpDef, inputs: (number[] | Float32Array)[]): number[] {
  const graphInputs = op.inputs.filter((i) => i >= 0 && !tensors[i]!.data);
  const def: ModelDef = { tensors, ops: [op], inputs: graphInputs, outputs: op.outputs };
  const interp = Interpreter.create(parseModel(buildModel(def)));
  inputs.forEach((v, k) => {
    const d = interp.inputs[k]!;
    if (v instanceof Float32Array) d.f32!.set(v);
    else d.i8.set(v);
  });
  interp.invoke();
  const out = interp.outputs[0]!;
  return out.tensor.type === 'float32' ? Array.from(out.f32!) : Array.from(out.i8);
}

const addOp = (union: 'AddOptions' | 'SubOptions', op: 'ADD' | 'SUB'): OpDef => ({ op, inputs: [0, 1], outputs: [2], options: { union, int8: { 0: 0 } } });

describe('ADD / SUB / MUL', () => {
  it('adds exactly when the scales line up', () => {
    const out = runOp([t([1, 4], 0.5), t([1, 4], 0.5), t([1, 4], 0.5)], addOp('AddOptions', 'ADD'), [[1, -2, 50, 100], [3, -4, 50, 100]]);
    expect(out).toEqual([4, -6, 100, 127]); // 200 saturates
  });

  it('rescales differently quantized inputs within one LSB of the real sum, with broadcasting', () => {
    const [sa, za, sb, zb, so, zo] = [0.1, 3, 0.37, -5, 0.2, 1];
    const a = [-128, -50, 0, 17, 90, 127];
    const out = runOp([t([2, 3], sa, za), t([1, 3], sb, zb), t([2, 3], so, zo)], addOp('AddOptions', 'ADD'), [a, [-20, 0, 33]]);
    const b = [-20, 0, 33];
    a.forEach((v, i) => {
      const real = sa * (v - za) + sb * (b[i % 3]! - zb);
      expect(Math.abs(out[i]! - Math.max(-128, Math.min(127, Math.round(real / so) + zo)))).toBeLessThanOrEqual(1);
    });
  });

  it('subtracts', () => {
    const out = runOp([t([3], 0.5), t([3], 0.5), t([3], 0.5)], addOp('SubOptions', 'SUB'), [[10, -3, 0], [4, 5, -100]]);
    expect(out).toEqual([6, -8, 100]);
  });

  it('multiplies', () => {
    const mul: OpDef = { op: 'MUL', inputs: [0, 1], outputs: [2], options: { union: 'MulOptions', int8: { 0: 0 } } };
    // (a·0.5)(b·0.5)/0.25 = a·b exactly
    expect(runOp([t([4], 0.5), t([4], 0.5), t([4], 0.25)], mul, [[2, -3, 11, 12], [3, 4, -11, 12]])).toEqual([6, -12, -121, 127]);
  });
});

describe('QUANTIZE / DEQUANTIZE', () => {
  it('quantizes float32 with round-half-away and clamping', () => {
    const op: OpDef = { op: 'QUANTIZE', inputs: [0], outputs: [1] };
    const out = runOp([{ shape: [6], type: 'float32' }, t([6], 0.5, 10)], op, [Float32Array.from([0, 0.25, -0.25, 1.3, 1000, -1000])]);
    expect(out).toEqual([10, 11, 9, 13, 127, -128]);
  });

  it('requantizes int8 to another scale and zero point', () => {
    const op: OpDef = { op: 'QUANTIZE', inputs: [0], outputs: [1] };
    expect(runOp([t([4], 0.5, 0), t([4], 0.25, -10)], op, [[0, 1, -3, 60]])).toEqual([-10, -8, -16, 110]);
  });

  it('dequantizes to float32', () => {
    const op: OpDef = { op: 'DEQUANTIZE', inputs: [0], outputs: [1] };
    expect(runOp([t([3], 0.1, 5), { shape: [3], type: 'float32' }], op, [[5, 15, -5]])).toEqual([0, Math.fround(1), Math.fround(-1)]);
  });
});

describe('MEAN', () => {
  it('averages over the spatial axes like global average pooling', () => {
    const axes: TensorDef = { shape: [2], type: 'int32', data: i32([1, 2]) };
    const op: OpDef = { op: 'MEAN', inputs: [0, 1], outputs: [2], options: { union: 'ReducerOptions', int8: { 0: 1 } } };
    // 2×2 spatial, 2 channels: channel 0 = 1,2,3,4 → 2.5 → 3 (half away); channel 1 = -1,-2,-3,-5 → -2.75 → -3
    const out = runOp([t([1, 2, 2, 2]), axes, t([1, 1, 1, 2])], op, [[1, -1, 2, -2, 3, -3, 4, -5]]);
    expect(out).toEqual([3, -3]);
  });
});

describe('data movement', () => {
  it('PAD fills with the output zero point', () => {
    const paddings: TensorDef = { shape: [2, 2], type: 'int32', data: i32([1, 0, 0, 2]) };
    const out = runOp([t([2, 2], 1, 7), paddings, t([3, 4], 1, 7)], { op: 'PAD', inputs: [0, 1], outputs: [2] }, [[1, 2, 3, 4]]);
    expect(out).toEqual([7, 7, 7, 7, 1, 2, 7, 7, 3, 4, 7, 7]);
  });

  it('CONCATENATION along the last axis', () => {
    const op: OpDef = { op: 'CONCATENATION', inputs: [0, 1], outputs: [2], options: { union: 'ConcatenationOptions', int32: { 0: -1 }, int8: { 1: 0 } } };
    expect(runOp([t([2, 1]), t([2, 2]), t([2, 3])], op, [[1, 2], [10, 11, 20, 21]])).toEqual([1, 10, 11, 2, 20, 21]);
  });

  it('TRANSPOSE', () => {
    const perm: TensorDef = { shape: [2], type: 'int32', data: i32([1, 0]) };
    expect(runOp([t([2, 3]), perm, t([3, 2])], { op: 'TRANSPOSE', inputs: [0, 1], outputs: [2] }, [[1, 2, 3, 4, 5, 6]])).toEqual([1, 4, 2, 5, 3, 6]);
  });

  it('STRIDED_SLICE with negative stride, masks and shrink', () => {
    const c = (xs: number[]): TensorDef => ({ shape: [xs.length], type: 'int32', data: i32(xs) });
    const op = (begin: number, end: number, shrink: number): OpDef => ({
      op: 'STRIDED_SLICE',
      inputs: [0, 1, 2, 3],
      outputs: [4],
      options: { union: 'StridedSliceOptions', int32: { 0: begin, 1: end, 4: shrink } },
    });
    // x = [[1,2,3],[4,5,6]]; rows all (begin/end mask), columns 2..0 step -1 → [[3,2,1],[6,5,4]]
    expect(runOp([t([2, 3]), c([0, -1]), c([0, -4]), c([1, -1]), t([2, 3])], op(1, 1, 0), [[1, 2, 3, 4, 5, 6]])).toEqual([3, 2, 1, 6, 5, 4]);
    // row 1 only (shrink axis 0), columns 0..2 step 2 → [4, 6]
    expect(runOp([t([2, 3]), c([1, 0]), c([2, 3]), c([1, 2]), t([2])], op(0, 0, 1), [[1, 2, 3, 4, 5, 6]])).toEqual([4, 6]);
  });

  it('SQUEEZE copies', () => {
    expect(runOp([t([1, 3, 1]), t([3])], { op: 'SQUEEZE', inputs: [0], outputs: [1] }, [[5, -6, 7]])).toEqual([5, -6, 7]);
  });
});
