/**
 * The demo AD set (synthetic fans/pumps, faults injected by construction): deterministic, and the
 * reference model tells the faulty clips apart — through `tinyarena score --challenge ad-demo`, which
 * generates the set under DATA_DIR on first use.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AD_ANOMALY_KINDS, generateAdDemo } from '../../grader/datasets/demo-ad.js';
import { runCli } from '../helpers/cli.js';
import { sharedPath } from '../helpers/shared.js';
import { tempDir } from '../helpers/tmp.js';

describe('demo AD set', () => {
  it('is the same set for the same seed, and another for another seed', () => {
    const root = tempDir();
    const opts = { machines: 2, normalPerMachine: 1, anomalousPerMachine: 1 };
    const a = generateAdDemo(join(root, 'a', 'raw'), join(root, 'a', 'set'), opts);
    generateAdDemo(join(root, 'b', 'raw'), join(root, 'b', 'set'), opts);
    generateAdDemo(join(root, 'c', 'raw'), join(root, 'c', 'set'), { ...opts, seed: 2 });
    expect(a).toMatchObject({ samples: 4, anomalies: 2 });
    const bin = (set: string) => readFileSync(join(root, set, 'set', 'anomaly_id_00_impacts_000.bin'));
    expect(bin('a').equals(bin('b'))).toBe(true);
    expect(bin('a').equals(bin('c'))).toBe(false);
    expect(readFileSync(join(root, 'a', 'set', 'y_labels.csv'), 'utf8')).toBe(readFileSync(join(root, 'b', 'set', 'y_labels.csv'), 'utf8'));
  });

  it.skipIf(!sharedPath('models/ad01_int8.tflite'))(
    'score --challenge ad-demo generates the set once and the reference model separates the faults',
    async () => {
      const data = tempDir();
      const model = sharedPath('models/ad01_int8.tflite')!;
      const first = runCli(['score', model, '--challenge', 'ad-demo', '--json'], { DATA_DIR: data });
      expect((await first.exited).code, first.output.stderr).toBe(0);
      const r = JSON.parse(first.output.stdout) as { metric: string; value: number; n: number; challenge: string; dataset: { dir: string; demo: boolean; generated: boolean } };
      const dir = join(data, 'datasets', 'ad-demo');
      expect(r).toMatchObject({ metric: 'auc', n: 80, challenge: 'ad-demo', dataset: { dir, demo: true, generated: true } });
      // Measured: 0.8875 (seed 1; per fault kind vs the normals: dropouts 1.00, squeal 1.00, rattle
      // 0.95, impacts 0.88, drift 0.60). The MLPerf Tiny bar on real ToyCar data is 0.85.
      expect(r.value).toBeGreaterThan(0.8);
      const labels = readFileSync(join(dir, 'y_labels.csv'), 'utf8').trim().split('\n');
      expect(labels.filter((l) => l.endsWith(', 1, 2560, 512') && l.startsWith('anomaly_'))).toHaveLength(40);
      expect(labels.filter((l) => l.endsWith(', 0, 2560, 512') && l.startsWith('normal_'))).toHaveLength(40);
      for (const kind of AD_ANOMALY_KINDS) expect(labels.filter((l) => l.includes(`_${kind}_`))).toHaveLength(8);
      expect(readdirSync(join(data, 'datasets'))).toEqual(['ad-demo']);

      // Second time: the folder is used as it is, and the human-readable output says what was scored.
      const again = runCli(['score', model, '--challenge', 'ad-demo'], { DATA_DIR: data });
      expect((await again.exited).code, again.output.stderr).toBe(0);
      expect(again.output.stdout).toContain(`ad: ROC AUC ${r.value.toFixed(4)} on 80 samples of challenge ad-demo's demo set (all of it, public and private) at ${dir}`);
      expect(again.output.stderr).not.toContain('generated');
    },
    120_000,
  );
});
