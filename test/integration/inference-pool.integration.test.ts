import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InferencePool } from '../../grader/interpreter/pool.js';
import { sharedPath } from '../helpers/shared.js';

const ORACLE = sharedPath('oracle');

describe.skipIf(!ORACLE)('InferencePool (worker threads)', () => {
  it('returns every output in order, byte-equal to the goldens', async () => {
    const dir = join(ORACLE!, 'kws_ref_model');
    const cases = readdirSync(dir).map((f) => /^input_(\d+)\.bin$/.exec(f)?.[1]).filter((c): c is string => !!c);
    // Repeat the cases so every worker gets several.
    const order = Array.from({ length: 60 }, (_, i) => cases[i % cases.length]!);
    const pool = await InferencePool.create(new Uint8Array(readFileSync(join(dir, 'model.tflite'))), { threads: 2 });
    try {
      expect(pool.threads).toBe(2);
      const inputs = new Uint8Array(order.length * pool.inputBytes);
      order.forEach((c, i) => inputs.set(readFileSync(join(dir, `input_${c}.bin`)), i * pool.inputBytes));
      const out = await pool.inferMany(inputs, order.length);
      order.forEach((c, i) => {
        const want = readFileSync(join(dir, `output_${c}.bin`));
        expect(Buffer.compare(Buffer.from(out.subarray(i * pool.outputBytes, (i + 1) * pool.outputBytes)), want), `sample ${i} (case ${c})`).toBe(0);
      });
      await expect(pool.inferMany(new Uint8Array(5), 1)).rejects.toThrow(/expected 1 × 490 input bytes, got 5/);
    } finally {
      await pool.close();
    }
  });
});
