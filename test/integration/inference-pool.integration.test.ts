import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cachedPoolCount, closeCachedPools, withCachedPool } from '../../grader/interpreter/pool-cache.js';
import { InferencePool } from '../../grader/interpreter/pool.js';
import { sharedPath } from '../helpers/shared.js';

const ORACLE = sharedPath('oracle');

describe.skipIf(!ORACLE)('InferencePool (worker threads)', () => {
  it('returns every output in order, byte-equal to the goldens', async () => {
    const dir = join(ORACLE!, 'kws_ref_model');
    const cases = readdirSync(dir).map((f) => /^input_(\d+)\.bin$/.exec(f)?.[1]).filter((c): c is string => !!c);
    // Repeat the cases so every worker gets several.
    const order = Array.from({ length: 60 }, (_, i) => cases[i % cases.length]!);
    // The goldens are desktop TFLite's: compare under its arithmetic.
    const pool = await InferencePool.create(new Uint8Array(readFileSync(join(dir, 'model.tflite'))), { threads: 2, arithmetic: 'tflite' });
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

describe.skipIf(!ORACLE)('cached pools', () => {
  it('a pool evicted while in use finishes its work and closes after', async () => {
    const dir = join(ORACLE!, 'kws_ref_model');
    const model = new Uint8Array(readFileSync(join(dir, 'model.tflite')));
    // Trailing bytes give distinct cache keys for the same graph.
    const variant = (pad: number) => {
      const m = new Uint8Array(model.length + pad);
      m.set(model);
      return m;
    };
    const input = readFileSync(join(dir, 'input_0.bin'));
    const want = readFileSync(join(dir, 'output_0.bin'));
    const n = 300;
    const inputs = new Uint8Array(n * input.length);
    for (let i = 0; i < n; i++) inputs.set(input, i * input.length);
    try {
      let started!: () => void;
      const running = new Promise<void>((r) => (started = r));
      const long = withCachedPool(variant(0), { threads: 1 }, async (pool) => {
        const work = pool.inferMany(inputs, n);
        started();
        return work;
      });
      await running;
      // Two more models evict the first (MAX_POOLS = 2) while it is still working.
      await withCachedPool(variant(8), { threads: 1 }, (pool) => pool.inferMany(inputs.subarray(0, input.length), 1));
      await withCachedPool(variant(16), { threads: 1 }, (pool) => pool.inferMany(inputs.subarray(0, input.length), 1));
      expect(cachedPoolCount()).toBe(2);
      const out = await long;
      for (let i = 0; i < n; i += 50) expect(Buffer.compare(Buffer.from(out.subarray(i * want.length, (i + 1) * want.length)), want)).toBe(0);
    } finally {
      await closeCachedPools();
    }
    expect(cachedPoolCount()).toBe(0);
  }, 60_000);
});

