/**
 * Kernels on tiny models with hand-checked results, and the engine's refusal of what it cannot run.
 */
import { describe, expect, it } from 'vitest';
import { Interpreter } from '../../grader/interpreter/interpreter.js';
import { UnsupportedModelError } from '../../grader/interpreter/kernel.js';
import { softmaxParams } from '../../grader/interpreter/kernels/softmax.js';
import { parseModel } from '../../grader/tflite/parse.js';
import { buildModel, i32, i8, type ModelDef } from '../../grader/tflite/builder.js';
import { tinyInt8Model } from '../helpers/tiny-model.js';

const q = (scale: number, zp: number) => ({ scale: [scale], zeroPoint: [zp] });
const run = (def: ModelDef, input: number[], arithmetic?: 'tflite' | 'tflm' | 'tflm-single') => {
  const interp = Interpreter.create(parseModel(buildModel(def)), arithmetic ? { arithmetic } : {});
  interp.inputs[0]!.i8.set(input);
  interp.invoke();
  return Array.from(interp.outputs[0]!.i8);
};

describe('kernels, hand-checked', () => {
  it('FULLY_CONNECTED: (w·(x − zp_in) + b) · s_in·s_w/s_out + zp_out', () => {
    // x = [1,2,3,4] real (zp −3, scale 0.05 → raw 17,37,57,77), w rows [1,-2,3,-4], [5,-6,7,-8] · 0.02
    const def = tinyInt8Model();
    def.ops = [def.ops[0]!];
    def.outputs = [3];
    // acc0 = 1·20 −2·40 +3·60 −4·80 + 10 = −190; ×(0.05·0.02/0.1 = 0.01) = −1.9 → −2 (+4) = 2
    // acc1 = 5·20 −6·40 +7·60 −8·80 − 10 = −370; ×0.01 = −3.7 → −4 (+4) = 0
    expect(run(def, [17, 37, 57, 77])).toEqual([2, 0]);
  });

  it('CONV_2D with SAME padding and RELU', () => {
    // 3×3 input of ones (scale 1, zp 0), 3×3 filter of ones, stride 1, SAME: each output counts its
    // in-image neighbours: corners 4, edges 6, centre 9; output scale 1, zp −128, RELU.
    const def: ModelDef = {
      tensors: [
        { shape: [1, 3, 3, 1], type: 'int8', quant: q(1, 0) },
        { shape: [1, 3, 3, 1], type: 'int8', data: i8(Array<number>(9).fill(1)), quant: q(1, 0) },
        { shape: [1], type: 'int32', data: i32([0]), quant: q(1, 0) },
        { shape: [1, 3, 3, 1], type: 'int8', quant: q(1, -128) },
      ],
      ops: [{ op: 'CONV_2D', version: 3, inputs: [0, 1, 2], outputs: [3], options: { union: 'Conv2DOptions', int8: { 0: 0, 3: 1 }, int32: { 1: 1, 2: 1, 4: 1, 5: 1 } } }],
      inputs: [0],
      outputs: [3],
    };
    expect(run(def, Array<number>(9).fill(1))).toEqual([4, 6, 4, 6, 9, 6, 4, 6, 4].map((v) => v - 128));
    // With negative inputs RELU clamps at the zero point.
    expect(run(def, Array<number>(9).fill(-1))).toEqual(Array<number>(9).fill(-128));
  });

  it('DEPTHWISE_CONV_2D keeps channels apart', () => {
    const def: ModelDef = {
      tensors: [
        { shape: [1, 1, 2, 2], type: 'int8', quant: q(1, 0) },
        { shape: [1, 1, 2, 2], type: 'int8', data: i8([1, 10, 2, 20]), quant: { scale: [1, 0.5], zeroPoint: [0, 0], dim: 3 } },
        { shape: [2], type: 'int32', data: i32([0, 0]), quant: { scale: [1, 0.5], zeroPoint: [0, 0] } },
        { shape: [1, 1, 1, 2], type: 'int8', quant: q(1, 0) },
      ],
      // 1×2 filter, VALID: out[c] = x[0,c]·w[0,c] + x[1,c]·w[1,c], channel 1 scaled by 0.5
      ops: [{ op: 'DEPTHWISE_CONV_2D', version: 3, inputs: [0, 1, 2], outputs: [3], options: { union: 'DepthwiseConv2DOptions', int8: { 0: 1, 4: 0 }, int32: { 1: 1, 2: 1, 3: 1, 5: 1, 6: 1 } } }],
      inputs: [0],
      outputs: [3],
    };
    // channel 0: 3·1 + 4·2 = 11; channel 1: (1·10 + 2·20)·0.5 = 25
    expect(run(def, [3, 1, 4, 2])).toEqual([11, 25]);
  });

  it('AVERAGE_POOL_2D rounds half away from zero; MAX_POOL_2D takes the max', () => {
    const pool = (op: string): ModelDef => ({
      tensors: [
        { shape: [1, 2, 2, 1], type: 'int8', quant: q(1, 0) },
        { shape: [1, 1, 1, 1], type: 'int8', quant: q(1, 0) },
      ],
      ops: [{ op, inputs: [0], outputs: [1], options: { union: 'Pool2DOptions', int8: { 0: 1, 5: 0 }, int32: { 1: 2, 2: 2, 3: 2, 4: 2 } } }],
      inputs: [0],
      outputs: [1],
    });
    expect(run(pool('AVERAGE_POOL_2D'), [1, 2, 3, 4])).toEqual([3]); // 10/4 = 2.5 → 3
    expect(run(pool('AVERAGE_POOL_2D'), [-1, -2, -3, -4])).toEqual([-3]); // −2.5 → −3
    expect(run(pool('AVERAGE_POOL_2D'), [1, 1, 1, 2])).toEqual([1]); // 1.25 → 1
    expect(run(pool('MAX_POOL_2D'), [-7, 5, 3, -128])).toEqual([5]);
  });

  it('SOFTMAX sums to one and orders like its inputs', () => {
    const def = tinyInt8Model();
    def.ops = [def.ops[1]!];
    def.inputs = [3];
    const out = run(def, [0, 0]);
    expect(out).toEqual([0, 0]); // two equal logits: ½ each = 128/256 → raw 0
    const skew = run(def, [40, 0]);
    expect(skew[0]).toBeGreaterThan(skew[1]!);
    expect(skew[0]! + 128 + skew[1]! + 128).toBeGreaterThanOrEqual(255);
    expect(skew[0]! + 128 + skew[1]! + 128).toBeLessThanOrEqual(257);
    expect(softmaxParams(1, 0.1, 'double').diffMin).toBeLessThan(0);
  });

  it('arithmetic profiles only differ in rounding', () => {
    const def = tinyInt8Model();
    for (const a of ['tflite', 'tflm', 'tflm-single'] as const) expect(run(def, [17, 37, 57, 77], a)).toHaveLength(2);
  });
});

describe('refusing what the engine cannot run', () => {
  it('names the node of an unsupported operator at prepare time', () => {
    const def = tinyInt8Model();
    def.ops.push({ op: 'LSTM', inputs: [4], outputs: [4] });
    expect(() => Interpreter.create(parseModel(buildModel(def)))).toThrow(new UnsupportedModelError(2, 'LSTM', 'operator not supported by the engine'));
  });

  it('refuses float kernels and inconsistent shapes', () => {
    const float = tinyInt8Model();
    float.tensors[3] = { name: 'dense/out', shape: [1, 2], type: 'float32' };
    expect(() => Interpreter.create(parseModel(buildModel(float)))).toThrow(/node #0 FULLY_CONNECTED: only int8 input, filter and output are supported/);
    const shape = tinyInt8Model();
    shape.tensors[3]!.shape = [1, 3];
    shape.tensors[4]!.shape = [1, 3];
    expect(() => Interpreter.create(parseModel(buildModel(shape)))).toThrow(/output depth does not match the number of units/);
  });

  it('checks input sizes', () => {
    const interp = Interpreter.create(parseModel(buildModel(tinyInt8Model())));
    expect(() => interp.setInputBytes(new Uint8Array(3))).toThrow('input is 3 bytes; the model takes 4');
  });
});

describe('the registry', () => {
  it('has a kernel for every operator the board firmware registers (one shared list)', async () => {
    const { FIRMWARE_OP_SET } = await import('../../grader/validate/op-set.js');
    const { KERNELS } = await import('../../grader/interpreter/registry.js');
    expect([...FIRMWARE_OP_SET.keys()].filter((op) => !KERNELS.has(op))).toEqual([]);
  });
});
