/**
 * Small KWS-signature models (int8 [1,49,10,1] → [1,12]) of different sizes, for boards with several
 * distinct entries: RESHAPE → FULLY_CONNECTED (hidden units, ReLU) → FULLY_CONNECTED → SOFTMAX, with
 * seeded random int8 weights. They pass preflight, run on the engine and the simulated boards, and
 * differ in flash, MACs and so latency (their quality is that of a random guess, whatever it is).
 */
import { mulberry32 } from '../../lib/rng.js';
import { buildModel, i32, i8 } from '../../grader/tflite/builder.js';

export function tinyKwsModel(hidden: number, seed = 1): Uint8Array {
  const rnd = mulberry32(seed);
  const weights = (n: number) => i8(Array.from({ length: n }, () => Math.round((rnd() / 0xffffffff) * 254 - 127) || 1));
  const q = (scale: number, zp: number) => ({ scale: [scale], zeroPoint: [zp] });
  return buildModel({
    tensors: [
      { name: 'input', shape: [1, 49, 10, 1], type: 'int8', quant: q(0.5847029, 83) },
      { name: 'shape', shape: [2], type: 'int32', data: i32([1, 490]) },
      { name: 'flat', shape: [1, 490], type: 'int8', quant: q(0.5847029, 83) },
      { name: 'fc1/weights', shape: [hidden, 490], type: 'int8', data: weights(hidden * 490), quant: q(0.004, 0) },
      { name: 'fc1/bias', shape: [hidden], type: 'int32', data: i32(Array.from({ length: hidden }, () => 0)), quant: q(0.5847029 * 0.004, 0) },
      { name: 'fc1/out', shape: [1, hidden], type: 'int8', quant: q(0.2, -128) },
      { name: 'fc2/weights', shape: [12, hidden], type: 'int8', data: weights(12 * hidden), quant: q(0.01, 0) },
      { name: 'fc2/bias', shape: [12], type: 'int32', data: i32(Array.from({ length: 12 }, () => 0)), quant: q(0.002, 0) },
      { name: 'logits', shape: [1, 12], type: 'int8', quant: q(0.3, 0) },
      { name: 'probs', shape: [1, 12], type: 'int8', quant: q(1 / 256, -128) },
    ],
    ops: [
      { op: 'RESHAPE', inputs: [0, 1], outputs: [2] },
      { op: 'FULLY_CONNECTED', version: 4, inputs: [2, 3, 4], outputs: [5], options: { union: 'FullyConnectedOptions', int8: { 0: 1 } } },
      { op: 'FULLY_CONNECTED', version: 4, inputs: [5, 6, 7], outputs: [8], options: { union: 'FullyConnectedOptions', int8: { 0: 0 } } },
      { op: 'SOFTMAX', version: 2, inputs: [8], outputs: [9], options: { union: 'SoftmaxOptions', float: { 0: 1 } } },
    ],
    inputs: [0],
    outputs: [9],
  });
}
