/** The demo KWS set: espeak-ng voices → word folders → reference front end → the reference model recognises most of it. */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findExecutable } from '../../core/redis.js';
import { generateKwsDemo } from '../../grader/datasets/demo-kws.js';
import { readMlperfDataset } from '../../grader/datasets/formats/mlperf.js';
import { scoreDataset } from '../../grader/scoring/score.js';
import { HAVE_SHARED_MODELS, sharedModel } from '../helpers/shared.js';
import { tempDir } from '../helpers/tmp.js';

// .ci/run installs espeak-ng; a developer machine without it skips with this name in the report.
describe.skipIf(!findExecutable('espeak-ng') || !HAVE_SHARED_MODELS)('demo KWS set (needs espeak-ng)', () => {
  it('is labelled by construction and the reference model scores it well above chance', async () => {
    const root = tempDir();
    const built = generateKwsDemo(join(root, 'raw'), join(root, 'set'), { voices: ['en', 'en+f3'], speeds: [160], pitches: [50], silenceClips: 4 });
    expect(built.samples).toBe(20 * 2 + 4);
    expect(built.perLabel.slice(0, 10)).toEqual(Array<number>(10).fill(2));
    expect(built.perLabel[10]).toBe(4);
    expect(built.perLabel[11]).toBe(20);
    const r = await scoreDataset(sharedModel('kws_ref_model'), readMlperfDataset(join(root, 'set'), 'kws'), { threads: 2 });
    expect(r.n).toBe(44);
    expect(r.value).toBeGreaterThan(0.6); // 1/12 would be chance; the full demo set scores ~0.9
  }, 120_000);
});
