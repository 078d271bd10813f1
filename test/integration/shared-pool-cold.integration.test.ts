import { describe, expect, it } from 'vitest';
import { Interpreter } from '../../grader/interpreter/interpreter.js';
import { SharedInferencePool } from '../../grader/inference/shared-pool.js';
import { parseModel } from '../../grader/tflite/parse.js';
import { mulberry32 } from '../../lib/rng.js';
import { HAVE_SHARED_MODELS, sharedModel } from '../helpers/shared.js';

// Its own file, so that it runs in a fresh process: the engine's first inferences there are the JIT's.
describe.skipIf(!HAVE_SHARED_MODELS)('shared inference pool, cold', () => {
  it('judges a first job by the speed of its samples past the JIT warm-up: 600 KWS inferences run on the calling thread', async () => {
    const kws = sharedModel('kws_ref_model');
    const rnd = mulberry32(21);
    const size = Interpreter.create(parseModel(kws), { arithmetic: 'tflm' }).inputBytes;
    const count = 600;
    const inputs = Uint8Array.from({ length: size * count }, () => rnd() & 0xff);
    const pool = new SharedInferencePool(2);
    try {
      // Nothing has run an inference in this process yet (the first samples take several times the
      // steady time); once warm, 600 take about 0.15 s of one thread, well inside the budget.
      const out = await pool.inferMany(kws, 'tflm', inputs, count);
      expect(pool.readyThreads).toBe(0);
      const ref = Interpreter.create(parseModel(kws), { arithmetic: 'tflm' });
      const expected = new Uint8Array(count * ref.outputBytes);
      for (let i = 0; i < count; i++) {
        ref.setInputBytes(inputs.subarray(i * size, (i + 1) * size));
        ref.invoke();
        ref.getOutputBytes(expected.subarray(i * ref.outputBytes, (i + 1) * ref.outputBytes));
      }
      expect(Buffer.from(out).equals(Buffer.from(expected))).toBe(true);
    } finally {
      await pool.close();
    }
  });
});
