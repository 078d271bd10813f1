import { describe, expect, it, onTestFinished } from 'vitest';
import { changeChallenge, disqualify } from '../../arena/admin.js';
import { submit } from '../../arena/intake.js';
import { publishResults } from '../../arena/results.js';
import { WorkerPool } from '../../worker/workers.js';
import { FakeGithub } from '../fakes/fake-github.js';
import { kwsModel, person, pipelineServices, waitSettled } from '../helpers/pipeline.js';
import { HAVE_SHARED_MODELS } from '../helpers/shared.js';

describe.skipIf(!HAVE_SHARED_MODELS)('publishing final results to GitHub', () => {
  it('commits the results page and data once, updates them when results change, and refuses while open', async () => {
    const gh = new FakeGithub('ghp_test', ['course/results']);
    await gh.start();
    onTestFinished(() => gh.stop());
    const s = await pipelineServices({ env: { GITHUB_TOKEN: 'ghp_test', GITHUB_API_URL: gh.url, RESULTS_REPO: 'course/results' } });
    const console = { actorId: null, reason: 'final results' };
    const ids: string[] = [];
    for (const [i, handle] of ['ada', 'bob'].entries()) {
      const p = await person(s, handle);
      ids.push((await submit(s, { challengeId: 'kws-test', personId: p.id, fileName: 'm.tflite', source: 'cli', body: kwsModel(i * 20_000) })).id);
    }
    const pool = new WorkerPool(s);
    await pool.start();
    try {
      await waitSettled(s, ids);
    } finally {
      await pool.stop();
    }

    await expect(publishResults(s, console, 'kws-test')).rejects.toThrow(/still open/);
    const learner = await person(s, 'ada');
    await changeChallenge(s, console, 'kws-test', 'close');
    await expect(publishResults(s, { actorId: learner.id, reason: 'x' }, 'kws-test')).rejects.toThrow(/only organizers/);

    const first = await publishResults(s, console, 'kws-test');
    expect(first.files.map((f) => [f.path, f.status])).toEqual([
      ['results/kws-test/leaderboard.json', 'created'],
      ['results/kws-test/README.md', 'created'],
    ]);
    const page = gh.files.get('course/results/results/kws-test/README.md')!.text;
    expect(page).toMatch(/# KWS pipeline test — final results/);
    expect(page).toMatch(/\| 1 \| ada \| [\d.]+ \|/);
    expect(page.indexOf('| 1 | ada')).toBeLessThan(page.indexOf('| 2 | bob'));
    const data = JSON.parse(gh.files.get('course/results/results/kws-test/leaderboard.json')!.text) as { private: { person: string }[] };
    expect(data.private.map((e) => e.person)).toEqual(['ada', 'bob']);

    // Publishing again with nothing changed commits nothing.
    const again = await publishResults(s, console, 'kws-test');
    expect(again.files.every((f) => f.status === 'unchanged')).toBe(true);
    expect(gh.commits).toHaveLength(2);

    // A disqualification changes the results: both files are updated in place (with their sha).
    await disqualify(s, { actorId: null, reason: 'plagiarism' }, ids[0]!);
    const third = await publishResults(s, console, 'kws-test');
    expect(third.files.map((f) => f.status)).toEqual(['updated', 'updated']);
    expect(gh.commits).toHaveLength(4);
    expect(gh.files.get('course/results/results/kws-test/README.md')!.text).toMatch(/\| 1 \| bob \|/);
    expect(await s.db.auditLog.count({ where: { action: 'results.publish' } })).toBe(3);
  });

  it('says what is missing when GitHub is not configured, and surfaces a rejected token', async () => {
    const s = await pipelineServices();
    await changeChallenge(s, { actorId: null, reason: 'x' }, 'kws-test', 'close');
    await expect(publishResults(s, { actorId: null, reason: 'x' }, 'kws-test')).rejects.toThrow(/GITHUB_TOKEN and RESULTS_REPO/);
    const gh = new FakeGithub('right', ['course/results']);
    await gh.start();
    onTestFinished(() => gh.stop());
    const bad = await pipelineServices({ env: { GITHUB_TOKEN: 'wrong', GITHUB_API_URL: gh.url, RESULTS_REPO: 'course/results' } });
    await changeChallenge(bad, { actorId: null, reason: 'x' }, 'kws-test', 'close');
    await expect(publishResults(bad, { actorId: null, reason: 'x' }, 'kws-test')).rejects.toMatchObject({ status: 401 });
  });
});
