/** Where a challenge's held-out set lives (dataset.path), and the schema around it. Pure. */
import { describe, expect, it } from 'vitest';
import { loadChallenge, parseChallenge } from '../../grader/challenges/load.js';
import { DatasetError } from '../../grader/datasets/dataset.js';
import { challengeDatasetDir } from '../../grader/datasets/resolve.js';
import { renderScene } from '../../grader/datasets/demo-vww.js';
import { challengeYaml } from '../fixtures/challenge-yaml.js';

const challenge = (dataset = '') =>
  parseChallenge(
    challengeYaml({ task: 'ad', gateMin: 0.5, extra: dataset }),
    'c.yaml',
  ).definition;

describe('challenge dataset paths', () => {
  it('expands $DATA_DIR/, keeps absolute paths and resolves the rest against the challenge folder', () => {
    expect(challengeDatasetDir(challenge('dataset: { path: $DATA_DIR/datasets/x-demo }'), '/repo/challenges/x-demo', '/srv/data')).toBe('/srv/data/datasets/x-demo');
    expect(challengeDatasetDir(challenge('dataset: { path: $DATA_DIR }'), '/c', '/srv/data')).toBe('/srv/data');
    expect(challengeDatasetDir(challenge('dataset: { path: /sets/ad }'), '/c', '/srv/data')).toBe('/sets/ad');
    expect(challengeDatasetDir(challenge('dataset: { path: ../../sets/ad }'), '/repo/challenges/x-demo', '/srv/data')).toBe('/repo/sets/ad');
    expect(challengeDatasetDir(challenge('dataset: { path: held-out }'), '/repo/challenges/x-demo', '/srv/data')).toBe('/repo/challenges/x-demo/held-out');
  });

  it('defaults demo to false and the private fraction to one half', () => {
    expect(challenge('dataset: { path: sets/ad }').dataset).toEqual({ path: 'sets/ad', format: 'mlperf', privateFraction: 0.5, demo: false });
    expect(challenge('dataset: { path: sets/ad, demo: true, splitSeed: s1 }').dataset).toMatchObject({ demo: true, splitSeed: 's1' });
  });

  it('refuses other variables and says when a challenge names no set', () => {
    expect(() => challenge('dataset: { path: $HOME/sets }')).toThrow(/dataset\.path: only \$DATA_DIR\/ is expanded/);
    expect(() => challenge('dataset: { path: $DATA_DIRX/sets }')).toThrow(/only \$DATA_DIR\/ is expanded/);
    expect(() => challengeDatasetDir(challenge(), '/c', '/d')).toThrow(DatasetError);
    expect(() => challengeDatasetDir(challenge(), '/c', '/d')).toThrow(/challenge x-demo names no held-out dataset/);
  });

  it('the demo challenges use generated demo sets under DATA_DIR, half of them private', () => {
    for (const id of ['kws-demo', 'vww-demo', 'ad-demo']) {
      const c = loadChallenge(id).definition;
      expect(c.dataset).toEqual({ path: `$DATA_DIR/datasets/${id}`, format: 'mlperf', privateFraction: 0.5, demo: true });
      expect(challengeDatasetDir(c, '/anywhere', '/srv/data')).toBe(`/srv/data/datasets/${id}`);
    }
  });
});

describe('demo VWW scenes', () => {
  it('are deterministic per seed and differ between seeds', () => {
    const a = renderScene(42, true);
    expect(a.equals(renderScene(42, true))).toBe(true);
    expect(a.equals(renderScene(43, true))).toBe(false);
    expect(a.length).toBe(192 * 192 * 4);
  });
});
