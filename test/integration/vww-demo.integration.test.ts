/**
 * The demo VWW set: rendered scenes, half with drawn people (labels by construction), plus optional
 * augmented copies of an organizer's labelled images; the reference model runs on it.
 */
import { copyFileSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateVwwDemo } from '../../grader/datasets/demo-vww.js';
import { readMlperfDataset } from '../../grader/datasets/formats/mlperf.js';
import { scoreDataset } from '../../grader/scoring/score.js';
import { runCli } from '../helpers/cli.js';
import { HAVE_SHARED_MODELS, sharedModel, sharedPath } from '../helpers/shared.js';
import { tempDir } from '../helpers/tmp.js';

describe('demo VWW set', () => {
  it.skipIf(!HAVE_SHARED_MODELS)('is balanced, labelled by construction, and the reference model scores it', async () => {
    const root = tempDir();
    const r = generateVwwDemo(join(root, 'raw'), join(root, 'set'), { perClass: 10 });
    expect(r).toEqual({ samples: 20, persons: 10, rendered: 20, augmented: 0 });
    expect(readdirSync(join(root, 'raw', 'person'))).toHaveLength(10);
    expect(readdirSync(join(root, 'raw', 'non_person'))).toHaveLength(10);
    const set = readMlperfDataset(join(root, 'set'), 'vww');
    expect(set.samples.filter((s) => s.label === 1)).toHaveLength(10);
    expect(set.samples.every((s) => s.data.length === 96 * 96 * 3)).toBe(true);
    expect(JSON.parse(readFileSync(join(root, 'set', 'dataset.json'), 'utf8'))).toMatchObject({ task: 'vww', description: expect.stringMatching(/^DEMO ONLY/) as unknown });
    const score = await scoreDataset(sharedModel('vww_96_int8'), set, { threads: 2 });
    expect(score).toMatchObject({ metric: 'top1', n: 20, inputConversion: { method: 'requantize' } });
    // Rendered people are far from COCO photographs: on the full demo set (50 + 50) the reference
    // model scores 0.66 (46/50 empty scenes right, 20/50 people found); here only a sane value.
    expect(score.value).toBeGreaterThanOrEqual(0);
    expect(score.value).toBeLessThanOrEqual(1);
  });

  it.skipIf(!sharedPath('samples/person.bmp'))('adds augmented copies of organizer images under their own labels', () => {
    const root = tempDir();
    mkdirSync(join(root, 'mine', 'person'), { recursive: true });
    mkdirSync(join(root, 'mine', 'no_person'), { recursive: true });
    copyFileSync(sharedPath('samples/person.bmp')!, join(root, 'mine', 'person', 'p.bmp'));
    copyFileSync(sharedPath('samples/no_person.bmp')!, join(root, 'mine', 'no_person', 'n.bmp'));
    const r = generateVwwDemo(join(root, 'raw'), join(root, 'set'), { perClass: 0, from: join(root, 'mine'), augment: 3 });
    expect(r).toEqual({ samples: 6, persons: 3, rendered: 0, augmented: 6 });
    const labels = readFileSync(join(root, 'set', 'y_labels.csv'), 'utf8').trim().split('\n').sort();
    expect(labels).toEqual([0, 1, 2].map((k) => `non_person_from_n_${k}.bin, 2, 0`).concat([0, 1, 2].map((k) => `person_from_p_${k}.bin, 2, 1`)));
  });

  it('dataset demo refuses unknown tasks and --from outside vww', async () => {
    const out = tempDir();
    const bad = runCli(['dataset', 'demo', '--task', 'asr', '--out', out], {});
    expect((await bad.exited).code).toBe(2);
    expect(bad.output.stderr).toMatch(/--task must be kws, vww or ad/);
    const from = runCli(['dataset', 'demo', '--task', 'ad', '--out', out, '--from', out], {});
    expect((await from.exited).code).toBe(2);
    expect(from.output.stderr).toMatch(/--from is for --task vww only/);
  });
});
