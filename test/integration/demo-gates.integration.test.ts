/**
 * Demo challenges can rank their reference models: on each split of each demo set the reference
 * model scores at or above the challenge's quality gate. And a scored submission under the gate says
 * why it is not ranked, with the gate and its value.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { submit } from '../../arena/intake.js';
import { findExecutable } from '../../core/redis.js';
import { loadChallenge } from '../../grader/challenges/load.js';
import { resolveChallengeDataset } from '../../grader/datasets/resolve.js';
import { isPrivate } from '../../grader/metrics/split.js';
import { scoreDataset } from '../../grader/scoring/score.js';
import { WorkerPool } from '../../worker/workers.js';
import { cliOn } from '../helpers/cli.js';
import { kwsModel, person, pipelineServices, waitSettled } from '../helpers/pipeline.js';
import { HAVE_SHARED_MODELS, sharedPath } from '../helpers/shared.js';

const REFERENCE = { 'kws-demo': 'kws_ref_model', 'vww-demo': 'vww_96_int8', 'ad-demo': 'ad01_int8' } as const;

describe.skipIf(!HAVE_SHARED_MODELS)('demo quality gates', () => {
  // One data folder for the three demo sets (generated once), removed after the file.
  const dataDir = mkdtempSync(join(tmpdir(), 'tinyarena-gates-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
  for (const [id, model] of Object.entries(REFERENCE)) {
    // The KWS demo set is spoken by espeak-ng (.ci/run installs it).
    it.skipIf(id === 'kws-demo' && !findExecutable('espeak-ng'))(`${id}: the reference model ${model} passes the gate on both splits`, async () => {
      const c = loadChallenge(id);
      const r = await resolveChallengeDataset(c.definition, dirname(c.file), { dataDir });
      const bytes = new Uint8Array(readFileSync(sharedPath(`models/${model}.tflite`)!));
      const gate = c.definition.scoring.gate;
      for (const priv of [false, true]) {
        const samples = r.dataset.samples.filter((s) => isPrivate(r.splitSeed, s.id, r.privateFraction) === priv);
        const res = await scoreDataset(bytes, { ...r.dataset, samples }, { arithmetic: c.definition.device.arithmetic, threads: 2 });
        expect(res.metric).toBe(gate.metric);
        expect([priv ? 'private' : 'public', res.value]).toEqual([priv ? 'private' : 'public', expect.toSatisfy((v: number) => v >= gate.min)]);
      }
    }, 600_000);
  }

  it('says why a scored submission is unranked: the gate and its value', async () => {
    const s = await pipelineServices({ challenge: { gate: 0.99 } });
    const ada = await person(s, 'ada');
    const res = await submit(s, { challengeId: 'kws-test', personId: ada.id, fileName: 'm.tflite', source: 'cli', body: kwsModel() });
    const pool = new WorkerPool(s);
    await pool.start();
    try {
      await waitSettled(s, [res.id]);
    } finally {
      await pool.stop();
    }
    const status = await cliOn(s)(['status', res.id, '--json']);
    const view = JSON.parse(status.out) as { eligible: boolean; unranked: string; score: number };
    expect(view.eligible).toBe(false);
    expect(view.unranked).toMatch(/^below the quality gate top1 ≥ 0\.99: 0\.\d{1,3}$/);
    const text = await cliOn(s)(['status', res.id]);
    expect(text.out).toContain(`(not ranked: ${view.unranked})`);
  });
});
