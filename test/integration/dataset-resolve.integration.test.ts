/**
 * A challenge's held-out set: found by path, generated on first use when it is a demo set (once per
 * process, atomically across processes), served from memory afterwards, and explained when missing.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseChallenge } from '../../grader/challenges/load.js';
import { DatasetError } from '../../grader/datasets/dataset.js';
import { AD_WINDOW } from '../../grader/tasks/ad.js';
import { readMlperfDataset } from '../../grader/datasets/formats/mlperf.js';
import { clearDatasetCache, materializeDemoSet, resolveChallengeDataset } from '../../grader/datasets/resolve.js';
import { tempDir } from '../helpers/tmp.js';
import { challengeYaml } from '../fixtures/challenge-yaml.js';

const challenge = (dataset: string) =>
  parseChallenge(
    challengeYaml({ task: 'ad', gateMin: 0.5, dataset }),
    'c.yaml',
  ).definition;

/** A tiny hand-written AD set (two files of zero frames). */
function writeAdSet(dir: string): void {
  mkdirSync(dir, { recursive: true });
  for (const f of ['a.bin', 'b.bin']) writeFileSync(join(dir, f), new Uint8Array(200 * 128 * 4));
  writeFileSync(join(dir, 'y_labels.csv'), `a.bin, 2, 0, ${AD_WINDOW.bytes}, ${AD_WINDOW.stride}\nb.bin, 2, 1, ${AD_WINDOW.bytes}, ${AD_WINDOW.stride}\n`);
}

const SMALL = { machines: 1, normalPerMachine: 2, anomalousPerMachine: 2 };

describe('resolveChallengeDataset', () => {
  it('generates a demo set under $DATA_DIR on first use, once for concurrent callers, then serves it from memory', async () => {
    clearDatasetCache();
    const data = tempDir();
    const def = challenge('{ path: $DATA_DIR/datasets/x-demo, demo: true }');
    const progress: number[] = [];
    const [a, b] = await Promise.all([
      resolveChallengeDataset(def, '/nowhere', { dataDir: data, onProgress: (done, total) => progress.push(done / total) }),
      resolveChallengeDataset(def, '/nowhere', { dataDir: data }),
    ]);
    expect(a).toMatchObject({ dir: join(data, 'datasets', 'x-demo'), generated: true, demo: true, privateFraction: 0.5, splitSeed: 'x-demo' });
    // The second caller joined the first one's generation: one folder, no temporary leftovers.
    expect(b.generated).toBe(true);
    expect(b.dataset).toBe(a.dataset);
    expect(readdirSync(join(data, 'datasets'))).toEqual(['x-demo']);
    expect(a.dataset.samples).toHaveLength(80);
    expect(a.dataset.samples.filter((s) => s.label === 1)).toHaveLength(40);
    expect(progress.at(-1)).toBe(1);
    expect(JSON.parse(readFileSync(join(a.dir, 'dataset.json'), 'utf8'))).toMatchObject({ task: 'ad', description: expect.stringMatching(/^DEMO ONLY/) as unknown });

    // Afterwards: nothing generated, the same loaded set (no rereading) …
    const again = await resolveChallengeDataset(def, '/nowhere', { dataDir: data });
    expect(again.generated).toBe(false);
    expect(again.dataset).toBe(a.dataset);
    // … until y_labels.csv changes.
    const labels = join(a.dir, 'y_labels.csv');
    writeFileSync(labels, readFileSync(labels, 'utf8').split('\n').slice(0, 10).join('\n') + '\n');
    const changed = await resolveChallengeDataset(def, '/nowhere', { dataDir: data });
    expect(changed.dataset).not.toBe(a.dataset);
    expect(changed.dataset.samples).toHaveLength(10);
  });

  it('two generations racing for one folder publish one set, and the loser uses the winner’s', async () => {
    const dir = join(tempDir(), 'sets', 'ad');
    const won = await Promise.all([materializeDemoSet('ad', dir, SMALL), materializeDemoSet('ad', dir, SMALL)]);
    expect(won.sort()).toEqual([false, true]);
    expect(readdirSync(dirname(dir))).toEqual(['ad']);
    expect(readMlperfDataset(dir, 'ad').samples).toHaveLength(4);
  });

  it('puts a folder that is not a set (no y_labels.csv) aside instead of mixing into it', async () => {
    const root = tempDir();
    const dir = join(root, 'ad');
    mkdirSync(dir);
    writeFileSync(join(dir, 'notes.txt'), 'not a dataset');
    expect(await materializeDemoSet('ad', dir, SMALL)).toBe(true);
    expect(existsSync(join(dir, 'y_labels.csv'))).toBe(true);
    const aside = readdirSync(root).filter((n) => n.startsWith('ad.replaced-'));
    expect(aside).toHaveLength(1);
    expect(readFileSync(join(root, aside[0]!, 'notes.txt'), 'utf8')).toBe('not a dataset');
  });

  it('finds an existing set relative to the challenge folder, with its split settings', async () => {
    const root = tempDir();
    writeAdSet(join(root, 'sets', 'ad'));
    const r = await resolveChallengeDataset(challenge('{ path: ../../sets/ad, privateFraction: 0.3, splitSeed: s1 }'), join(root, 'challenges', 'x-demo'), { dataDir: '/unused' });
    expect(r).toMatchObject({ dir: join(root, 'sets', 'ad'), generated: false, demo: false, privateFraction: 0.3, splitSeed: 's1' });
    expect(r.dataset.samples.map((s) => s.label)).toEqual([0, 1]);
  });

  it('explains a missing set, and a missing demo set when generation is off', async () => {
    const root = tempDir();
    const missing = resolveChallengeDataset(challenge('{ path: sets/none }'), root, { dataDir: root });
    await expect(missing).rejects.toThrow(DatasetError);
    await expect(missing).rejects.toThrow(/challenge x-demo: the held-out set .*sets\/none does not exist \(dataset\.path "sets\/none"\)\. Build it with `tinyarena dataset build --task ad/);
    mkdirSync(join(root, 'sets', 'empty'), { recursive: true });
    await expect(resolveChallengeDataset(challenge('{ path: sets/empty }'), root, { dataDir: root })).rejects.toThrow(/sets\/empty has no y_labels\.csv/);
    await expect(resolveChallengeDataset(challenge('{ path: $DATA_DIR/d, demo: true }'), root, { dataDir: root, generate: false })).rejects.toThrow(/the demo set .*\/d does not exist and generation is off/);
    expect(existsSync(join(root, 'd'))).toBe(false);
  });
});
