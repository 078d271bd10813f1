import { i32, i8, type ModelDef } from '../../grader/tflite/builder.js';

/**
 * A tiny full-int8 model: input [1,4] → FULLY_CONNECTED (2 units) → SOFTMAX → output [1,2].
 * Tests derive flawed variants from it.
 */
export function tinyInt8Model(): ModelDef {
  const q = (scale: number, zp: number) => ({ scale: [scale], zeroPoint: [zp] });
  return {
    tensors: [
      { name: 'input', shape: [1, 4], type: 'int8', quant: q(0.05, -3) },
      { name: 'dense/weights', shape: [2, 4], type: 'int8', data: i8([1, -2, 3, -4, 5, -6, 7, -8]), quant: q(0.02, 0) },
      { name: 'dense/bias', shape: [2], type: 'int32', data: i32([10, -10]), quant: q(0.001, 0) },
      { name: 'dense/out', shape: [1, 2], type: 'int8', quant: q(0.1, 4) },
      { name: 'probs', shape: [1, 2], type: 'int8', quant: q(1 / 256, -128) },
    ],
    ops: [
      { op: 'FULLY_CONNECTED', version: 4, inputs: [0, 1, 2], outputs: [3], options: { union: 'FullyConnectedOptions', int8: { 0: 0 } } },
      { op: 'SOFTMAX', version: 2, inputs: [3], outputs: [4], options: { union: 'SoftmaxOptions', float: { 0: 1 } } },
    ],
    inputs: [0],
    outputs: [4],
  };
}
