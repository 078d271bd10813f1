/**
 * Cross-check on inputs the golden set does not contain: 100 seeded random inputs per model through
 * our engine and the official TFLite runtime (tfjs-tflite's WebAssembly build, XNNPACK on as shipped).
 * XNNPACK requantizes convolutions its own way, so KWS/VWW may differ by a few LSB; fully-connected
 * models must agree exactly, and every model must agree on the predicted class.
 */
import { describe, expect, it } from 'vitest';
import { createOfficialRunner } from '../../bench/peers/tflite-official.js';
import { Interpreter } from '../../grader/interpreter/interpreter.js';
import { parseModel } from '../../grader/tflite/parse.js';
import { HAVE_SHARED_MODELS, sharedModel } from '../helpers/shared.js';

describe.skipIf(!HAVE_SHARED_MODELS)('cross-check against the official runtime on random inputs', () => {
  it.each([
    ['ad01_int8', true],
    ['hello_world_int8', true],
    ['kws_ref_model', false],
    ['vww_96_int8', false],
  ] as const)('%s', async (stem, mustBeExact) => {
    const bytes = sharedModel(stem);
    const ours = Interpreter.create(parseModel(bytes), { arithmetic: 'tflite' });
    const official = await createOfficialRunner(bytes);
    let seed = 20261121;
    const rnd = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 24) - 128;
    let exact = 0;
    let sameClass = 0;
    let diffSum = 0;
    let count = 0;
    try {
      for (let k = 0; k < 100; k++) {
        const input = Int8Array.from({ length: ours.inputBytes }, rnd);
        ours.inputs[0]!.i8.set(input);
        ours.invoke();
        const a = Array.from(ours.outputs[0]!.i8);
        (official.runner.GetInputs().get(0).data() as Int8Array).set(input);
        official.runner.Infer();
        const b = Array.from(official.runner.GetOutputs().get(0).data() as Int8Array);
        if (a.every((v, i) => v === b[i])) exact++;
        if (a.indexOf(Math.max(...a)) === b.indexOf(Math.max(...b))) sameClass++;
        a.forEach((v, i) => {
          diffSum += Math.abs(v - b[i]!);
          count++;
        });
      }
    } finally {
      official.dispose();
    }
    if (mustBeExact) expect(exact).toBe(100);
    expect(sameClass).toBe(100);
    expect(diffSum / count).toBeLessThan(0.5);
    expect(exact).toBeGreaterThanOrEqual(60);
  });
});
