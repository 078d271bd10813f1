/** Synthetic machine sounds (demo-only: hum plus noise; anomalies add an intermittent squeal) → AD set → score. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { sharedPath } from '../helpers/shared.js';
import { tempDir } from '../helpers/tmp.js';
import { wavBytes } from '../helpers/wav.js';

function machine(seed: number, anomalous: boolean): number[] {
  let s = seed;
  const noise = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32) * 2 - 1;
  return Array.from({ length: 160000 }, (_, i) => {
    const t = i / 16000;
    let v = 3000 * Math.sin(2 * Math.PI * 120 * t) + 1500 * Math.sin(2 * Math.PI * 240 * t) + 400 * noise();
    if (anomalous && Math.floor(t * 4) % 2 === 0) v += 6000 * Math.sin(2 * Math.PI * 2900 * t);
    return v;
  });
}

describe.skipIf(!sharedPath('models/ad01_int8.tflite'))('AD demo data → dataset build → score', () => {
  it('builds 200×128 float32 clips and scores them with the reference model', async () => {
    const root = tempDir();
    for (const [folder, anomalous] of [['normal', false], ['anomaly', true]] as const) {
      mkdirSync(join(root, 'raw', folder), { recursive: true });
      for (let k = 0; k < 3; k++) writeFileSync(join(root, 'raw', folder, `clip${k}.wav`), wavBytes(machine(k + (anomalous ? 100 : 0), anomalous)));
    }
    const build = runCli(['dataset', 'build', '--task', 'ad', '--from', join(root, 'raw'), '--out', join(root, 'set')], {});
    expect((await build.exited).code, build.output.stderr).toBe(0);
    expect(build.output.stdout).toContain('6 clips (3 anomalous)');
    const score = runCli(['score', sharedPath('models/ad01_int8.tflite')!, '--task', 'ad', '--dataset', join(root, 'set'), '--json'], {});
    expect((await score.exited).code, score.output.stderr).toBe(0);
    const r = JSON.parse(score.output.stdout) as { metric: string; value: number; n: number; inputConversion: { method: string } };
    expect(r).toMatchObject({ metric: 'auc', n: 6, inputConversion: { method: 'quantize' } });
    expect(r.value).toBeGreaterThanOrEqual(0);
    expect(r.value).toBeLessThanOrEqual(1);
  });
});
