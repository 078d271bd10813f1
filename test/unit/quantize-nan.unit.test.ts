/**
 * Float QUANTIZE of a NaN: stock TFLM computes static_cast<int32_t>(round(NaN)), which a Cortex-M's
 * VCVT turns into 0, so the board stores the zero point. The engine (and the virtual board's C
 * runtime, checked against it byte for byte) does the same in every arithmetic profile.
 */
import { describe, expect, it } from 'vitest';
import { Interpreter } from '../../grader/interpreter/interpreter.js';
import { buildModel } from '../../grader/tflite/builder.js';
import { parseModel } from '../../grader/tflite/parse.js';
import { singleOpModel } from '../helpers/random-models.js';

describe('QUANTIZE float → int8 of NaN and infinities', () => {
  const graph = parseModel(buildModel(singleOpModel('QUANTIZE', 11)));
  const zp = graph.tensors[graph.outputs[0]!]!.quantization!.zeroPoint[0]!;

  it.each(['tflm', 'tflm-single', 'tflite'] as const)('stores the zero point for NaN, and saturates ±Infinity (%s)', (arithmetic) => {
    expect(graph.tensors[graph.inputs[0]!]!.type).toBe('float32');
    const interp = Interpreter.create(graph, { arithmetic });
    const x = new Float32Array(interp.inputBytes / 4);
    x.fill(Number.NaN);
    x[1] = Number.POSITIVE_INFINITY;
    x[2] = Number.NEGATIVE_INFINITY;
    x[3] = 0;
    interp.setInputBytes(new Uint8Array(x.buffer));
    interp.invoke();
    const y = new Int8Array(interp.getOutputBytes().slice().buffer);
    expect([y[0], y[1], y[2], y[3], y[y.length - 1]]).toEqual([zp, 127, -128, zp, zp]);
  });
});
