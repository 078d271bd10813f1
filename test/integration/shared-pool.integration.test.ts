import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Interpreter } from '../../grader/interpreter/interpreter.js';
import { UnsupportedModelError } from '../../grader/interpreter/kernel.js';
import { buildModel } from '../../grader/tflite/builder.js';
import { closeSharedPool, SharedInferencePool, sharedPool } from '../../grader/inference/shared-pool.js';
import { parseModel } from '../../grader/tflite/parse.js';
import { mulberry32 } from '../../lib/rng.js';
import { HAVE_SHARED_MODELS, sharedModel, sharedPath } from '../helpers/shared.js';

function reference(model: Uint8Array, inputs: Uint8Array, count: number, arithmetic: 'tflite' | 'tflm' = 'tflite'): Uint8Array {
  const it = Interpreter.create(parseModel(model), { arithmetic });
  const out = new Uint8Array(count * it.outputBytes);
  for (let i = 0; i < count; i++) {
    it.setInputBytes(inputs.subarray(i * it.inputBytes, (i + 1) * it.inputBytes));
    it.invoke();
    it.getOutputBytes(out.subarray(i * it.outputBytes, (i + 1) * it.outputBytes));
  }
  return out;
}

describe.skipIf(!HAVE_SHARED_MODELS)('shared inference pool', () => {
  it('runs many models at once, past each thread’s model cache, byte-equal to a single-thread run', async () => {
    const kws = sharedModel('kws_ref_model');
    const ad = sharedModel('ad01_int8');
    // Six distinct models (five byte-distinct copies of the KWS model and the AD model): more than a thread keeps.
    const models = [...Array.from({ length: 5 }, (_, i) => Uint8Array.from([...kws, ...new Uint8Array(i + 1)])), ad];
    const rnd = mulberry32(3);
    const cases = models.map((m) => {
      const size = Interpreter.create(parseModel(m), { arithmetic: 'tflite' }).inputBytes;
      const count = 150;
      const inputs = Uint8Array.from({ length: size * count }, () => rnd() & 0xff);
      return { m, inputs, count, expected: reference(m, inputs, count) };
    });
    const pool = new SharedInferencePool(2);
    try {
      // The threads themselves (a cold pool may run small jobs on the calling thread: tested below).
      await pool.start();
      expect(pool.readyThreads).toBe(2);
      for (let round = 0; round < 2; round++) {
        const outs = await Promise.all(cases.map((c) => pool.inferMany(c.m, 'tflite', c.inputs, c.count, undefined, 16)));
        outs.forEach((o, i) => expect(Buffer.from(o).equals(Buffer.from(cases[i]!.expected))).toBe(true));
      }
      await expect(pool.inferMany(kws, 'tflite', new Uint8Array(3), 1)).rejects.toThrow(/input bytes/);
    } finally {
      await pool.close();
    }
  });

  it('abandoned scoring stops between batches: the signal ends the job, the threads take the next one', async () => {
    const kws = sharedModel('kws_ref_model');
    const rnd = mulberry32(5);
    const size = Interpreter.create(parseModel(kws), { arithmetic: 'tflite' }).inputBytes;
    const count = 400;
    const inputs = Uint8Array.from({ length: size * count }, () => rnd() & 0xff);
    const pool = new SharedInferencePool(2);
    try {
      await pool.start();
      const abort = new AbortController();
      const progress: number[] = [];
      const job = pool.inferMany(kws, 'tflite', inputs, count, (done) => {
        progress.push(done);
        if (done >= 16) abort.abort(new Error('score job timed out'));
      }, 8, abort.signal);
      await expect(job).rejects.toThrow(/score job timed out/);
      // Only the batches already handed to a thread finished; the rest never ran.
      await new Promise((r) => setTimeout(r, 200));
      expect(progress.at(-1)).toBeLessThan(64);
      const again = await pool.inferMany(kws, 'tflite', inputs.subarray(0, size * 20), 20);
      expect(Buffer.from(again).equals(Buffer.from(reference(kws, inputs.subarray(0, size * 20), 20)))).toBe(true);
    } finally {
      await pool.close();
    }
  });

  it('a cold pool runs a first small job on the calling thread, byte-equal, and boots its threads after it', async () => {
    const kws = sharedModel('kws_ref_model');
    const rnd = mulberry32(9);
    const size = Interpreter.create(parseModel(kws), { arithmetic: 'tflite' }).inputBytes;
    const inputs = Uint8Array.from({ length: size * 40 }, () => rnd() & 0xff);
    const pool = new SharedInferencePool(2);
    try {
      const progress: number[] = [];
      const out = await pool.inferMany(kws, 'tflite', inputs, 40, (d) => progress.push(d), 16);
      expect(Buffer.from(out).equals(Buffer.from(reference(kws, inputs, 40)))).toBe(true);
      expect(progress.at(-1)).toBe(40);
      // No thread had booted for it; they start now, for the next job.
      expect(pool.readyThreads).toBe(0);
      await pool.start();
      expect(pool.readyThreads).toBe(2);
      const again = await pool.inferMany(kws, 'tflite', inputs, 40);
      expect(Buffer.from(again).equals(Buffer.from(out))).toBe(true);
    } finally {
      await pool.close();
    }
  });

  it('a pool started ahead (tinyarena score, the score worker) runs even its first job on its threads', async () => {
    const kws = sharedModel('kws_ref_model');
    const rnd = mulberry32(10);
    const size = Interpreter.create(parseModel(kws), { arithmetic: 'tflm' }).inputBytes;
    const inputs = Uint8Array.from({ length: size * 300 }, () => rnd() & 0xff);
    const pool = new SharedInferencePool(2);
    try {
      await pool.start();
      const out = await pool.inferMany(kws, 'tflm', inputs, 300, undefined, 32);
      expect(Buffer.from(out).equals(Buffer.from(reference(kws, inputs, 300, 'tflm')))).toBe(true);
      // Not the cold path's "small job on the calling thread": the threads were there to take it.
      expect(pool.samplesRun).toEqual({ callingThread: 0, threads: 300 });
    } finally {
      await pool.close();
    }
  });

  it('a job that finds its threads still booting takes batches on the calling thread and never waits for the boot to end', async () => {
    const kws = sharedModel('kws_ref_model');
    const rnd = mulberry32(11);
    const size = Interpreter.create(parseModel(kws), { arithmetic: 'tflm' }).inputBytes;
    const inputs = Uint8Array.from({ length: size * 40 }, () => rnd() & 0xff);
    const pool = new SharedInferencePool(2);
    try {
      const booted = pool.start();
      // 40 inferences take the calling thread ~10 ms; a thread needs well over 50 ms to boot.
      const out = await pool.inferMany(kws, 'tflm', inputs, 40, undefined, 8);
      expect(Buffer.from(out).equals(Buffer.from(reference(kws, inputs, 40, 'tflm')))).toBe(true);
      expect(pool.samplesRun.callingThread + pool.samplesRun.threads).toBe(40);
      // Had the job waited for every thread to boot, all of them would be up by now.
      if (pool.samplesRun.threads === 0) expect(pool.readyThreads).toBeLessThan(2);
      await booted;
    } finally {
      await pool.close();
    }
  });

  it('a model the threads cannot prepare fails the job with the error the calling thread would raise', async () => {
    // LOGISTIC's int8 output must have zero point -128 (TFLM's rule); this one has 0.
    const model = buildModel({
      tensors: [
        { name: 'x', shape: [1, 16], type: 'int8', quant: { scale: [0.1], zeroPoint: [0] } },
        { name: 'y', shape: [1, 16], type: 'int8', quant: { scale: [1 / 256], zeroPoint: [0] } },
      ],
      ops: [{ op: 'LOGISTIC', inputs: [0], outputs: [1] }],
      inputs: [0],
      outputs: [1],
    });
    const expected = (() => {
      try {
        Interpreter.create(parseModel(model), { arithmetic: 'tflm' });
      } catch (err) {
        return err as UnsupportedModelError;
      }
      throw new Error('the model was meant to be refused');
    })();
    const pool = new SharedInferencePool(2);
    try {
      await pool.start();
      const job = pool.inferMany(model, 'tflm', new Uint8Array(16 * 100), 100);
      await expect(job).rejects.toBeInstanceOf(UnsupportedModelError);
      await expect(job).rejects.toMatchObject({ message: expected.message, nodeIndex: 0, op: 'LOGISTIC' });
      // The threads are still good for the next model.
      const kws = sharedModel('kws_ref_model');
      const size = Interpreter.create(parseModel(kws), { arithmetic: 'tflm' }).inputBytes;
      const inputs = new Uint8Array(size * 10);
      expect(Buffer.from(await pool.inferMany(kws, 'tflm', inputs, 10)).equals(Buffer.from(reference(kws, inputs, 10, 'tflm')))).toBe(true);
    } finally {
      await pool.close();
    }
  });

  it('returns every output in order on its threads, byte-equal to the goldens', async () => {
    const dir = sharedPath('oracle/kws_ref_model')!;
    const cases = readdirSync(dir).map((f) => /^input_(\d+)\.bin$/.exec(f)?.[1]).filter((c): c is string => !!c);
    // Repeat the cases so every thread gets several batches.
    const order = Array.from({ length: 60 }, (_, i) => cases[i % cases.length]!);
    const model = new Uint8Array(readFileSync(join(dir, 'model.tflite')));
    const pool = new SharedInferencePool(2);
    try {
      await pool.start();
      const size = 490;
      const inputs = new Uint8Array(order.length * size);
      order.forEach((c, i) => inputs.set(readFileSync(join(dir, `input_${c}.bin`)), i * size));
      // The goldens are desktop TFLite's: compare under its arithmetic.
      const out = await pool.inferMany(model, 'tflite', inputs, order.length, undefined, 8);
      const outSize = out.length / order.length;
      order.forEach((c, i) => {
        const want = readFileSync(join(dir, `output_${c}.bin`));
        expect(Buffer.compare(Buffer.from(out.subarray(i * outSize, (i + 1) * outSize)), want), `sample ${i} (case ${c})`).toBe(0);
      });
      await expect(pool.inferMany(model, 'tflite', new Uint8Array(5), 1)).rejects.toThrow(/expected 1 × 490 input bytes, got 5/);
    } finally {
      await pool.close();
    }
  });

  it('one process pool per thread count; closing them hands out fresh ones', async () => {
    try {
      expect(sharedPool(1).threads).toBe(1);
      expect(sharedPool(1)).toBe(sharedPool(1));
      expect(sharedPool(2)).not.toBe(sharedPool(1));
      const first = sharedPool(1);
      await closeSharedPool();
      expect(sharedPool(1)).not.toBe(first);
    } finally {
      await closeSharedPool();
    }
  });
});
