/**
 * How models and firmware are ranked is the challenge YAML's choice (issue 16 #2, leaderboard.tracks):
 * `combined` — one board; `separate` — a model track and a firmware track with their own ranks, like
 * MLPerf Tiny's divisions. The board (page, API, CLI view) and the challenge page say which.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readLeaderboard } from '../../arena/leaderboard.js';
import { submissionStatus } from '../../arena/status.js';
import { describeStatus } from '../../cli/commands/status.js';
import { renderResults } from '../../arena/results.js';
import { ChallengeError, parseChallenge } from '../../grader/challenges/load.js';
import { freePort } from '../helpers/cli.js';
import { gradedSubmission, rebuildBoards } from '../helpers/graded.js';
import { person, pipelineServices, writeChallenge } from '../helpers/pipeline.js';
import { tempDir } from '../helpers/tmp.js';
import { webUp } from '../helpers/web.js';

async function board(tracks: 'combined' | 'separate') {
  const s = await pipelineServices({ challenge: { firmware: {}, tracks }, env: { PORT: String(await freePort()) } });
  const [ada, bob, cyd] = [await person(s, 'ada'), await person(s, 'bob'), await person(s, 'cyd')];
  const at = new Date('2026-01-02T00:00:00Z');
  const ids = {
    adaModel: await gradedSubmission(s, { personId: ada.id, fileName: 'm.tflite', createdAt: at, publicScore: 90, privateScore: 90 }),
    adaFirmware: await gradedSubmission(s, { personId: ada.id, fileName: 'fw.bin', createdAt: at, publicScore: 97, privateScore: 97, kind: 'firmware' }),
    bobModel: await gradedSubmission(s, { personId: bob.id, fileName: 'm.tflite', createdAt: at, publicScore: 93, privateScore: 93 }),
    cydFirmware: await gradedSubmission(s, { personId: cyd.id, fileName: 'fw.hex', createdAt: at, publicScore: 95, privateScore: 95, kind: 'firmware' }),
  };
  await rebuildBoards(s);
  return { s, ids };
}

describe('ranking tracks (leaderboard.tracks)', () => {
  it('separate: models and firmware ranked apart, with track tabs on the board and the rule on the challenge page', async () => {
    const { s, ids } = await board('separate');
    const view = await readLeaderboard(s, 'kws-test', 'public');
    expect(view.tracks).toBe('separate');
    expect(view.entries.map((e) => [e.track, e.rank, e.person, e.submissionId])).toEqual([
      ['model', 1, 'bob', ids.bobModel],
      ['model', 2, 'ada', ids.adaModel],
      ['firmware', 1, 'ada', ids.adaFirmware],
      ['firmware', 2, 'cyd', ids.cydFirmware],
    ]);
    expect((await readLeaderboard(s, 'kws-test', 'private', { privileged: true, track: 'firmware' })).entries.map((e) => [e.rank, e.person])).toEqual([
      [1, 'ada'],
      [2, 'cyd'],
    ]);
    const base = await webUp(s);
    const models = await (await fetch(`${base}/challenges/kws-test/leaderboard`)).text();
    expect(models).toMatch(/<nav aria-label="Tracks">.*aria-current="page">Models<\/a>.*>Firmware<\/a>/s);
    expect(models).toContain('model track, public split');
    expect(models).toContain(ids.bobModel);
    expect(models).not.toContain(ids.cydFirmware);
    const firmware = await (await fetch(`${base}/challenges/kws-test/leaderboard?split=public&track=firmware`)).text();
    expect(firmware).toContain('firmware track, public split');
    expect(firmware).toContain(ids.cydFirmware);
    expect(firmware).not.toContain(ids.bobModel);
    // Sorting and paging links keep the track.
    expect(firmware).toMatch(/href="\/challenges\/kws-test\/leaderboard\?split=public&amp;track=firmware&amp;sort=score/);
    const api = (await (await fetch(`${base}/api/challenges/kws-test/leaderboard`)).json()) as { tracks: string; entries: { track: string; rank: number }[] };
    expect(api.tracks).toBe('separate');
    expect(api.entries.map((e) => `${e.track}#${e.rank}`)).toEqual(['model#1', 'model#2', 'firmware#1', 'firmware#2']);
    const page = await (await fetch(`${base}/challenges/kws-test`)).text();
    expect(page).toMatch(/How models and firmware are ranked:<\/strong> on separate tracks, like MLPerf Tiny's divisions/);
    // One leader per track, never two "leaders" of one board: the home page card and the leaderboards index.
    const home = await (await fetch(`${base}/`)).text();
    expect(home).toContain('3 ranked; leaders — models: bob <small>(93.00)</small>; firmware: ada <small>(97.00)</small>.');
    const index = await (await fetch(`${base}/leaderboards`)).text();
    expect(index).toContain('<td>models: bob <small>(93.00)</small>; firmware: ada <small>(97.00)</small></td>');
    // A rank names its track: status (CLI text and JSON) and the public report.
    const status = (await submissionStatus(s.db, ids.adaFirmware, { publicUrl: base, workers: 1 }))!;
    expect(status).toMatchObject({ rank: 1, track: 'firmware' });
    expect(describeStatus(status)).toContain('score 97, rank 1 on the firmware track');
    expect((await submissionStatus(s.db, ids.adaModel, { publicUrl: base, workers: 1 }))!).toMatchObject({ rank: 2, track: 'model' });
    expect(await (await fetch(`${base}/submissions/${ids.adaFirmware}`)).text()).toContain('public leaderboard, firmware track</a>');
    // Published results keep the tracks apart too.
    const priv = await readLeaderboard(s, 'kws-test', 'private', { privileged: true });
    const { markdown } = renderResults({ id: 'kws-test', title: 'KWS', task: 'kws', closes: '2099-01-01' }, view, priv, '2099-01-02');
    expect(markdown).toContain('| Track | Rank | Participant | Score | Submitted (UTC) |');
    expect(markdown).toContain('| firmware | 1 | ada | 97.000 |');
  });

  it('combined (the default): one board for both kinds, no track tabs, and the page says so', async () => {
    const { s, ids } = await board('combined');
    const view = await readLeaderboard(s, 'kws-test', 'public');
    expect(view.tracks).toBe('combined');
    expect(view.entries.map((e) => [e.track, e.rank, e.person, e.submissionId])).toEqual([
      ['all', 1, 'ada', ids.adaFirmware],
      ['all', 2, 'cyd', ids.cydFirmware],
      ['all', 3, 'bob', ids.bobModel],
    ]);
    const base = await webUp(s);
    const html = await (await fetch(`${base}/challenges/kws-test/leaderboard`)).text();
    expect(html).not.toContain('aria-label="Tracks"');
    expect(await (await fetch(`${base}/challenges/kws-test`)).text()).toMatch(/How models and firmware are ranked:<\/strong> together, on one board and one scale/);
    expect(await (await fetch(`${base}/`)).text()).toContain('3 ranked; leader ada <small>(97.00)</small>.');
    const status = (await submissionStatus(s.db, ids.adaFirmware, { publicUrl: base, workers: 1 }))!;
    expect(status).toMatchObject({ rank: 1, track: null });
    expect(describeStatus(status)).toContain('score 97, rank 1\n');
  });

  it('a challenge without firmware cannot ask for separate tracks', () => {
    const root = tempDir('tinyarena-tracks-');
    const dir = writeChallenge(root, { tracks: 'separate' });
    const file = join(dir, 'kws-test', 'challenge.yaml');
    expect(() => parseChallenge(readFileSync(file, 'utf8'), file)).toThrow(ChallengeError);
    expect(() => parseChallenge(readFileSync(file, 'utf8'), file)).toThrow(/leaderboard\.tracks: separate tracks .* takes no firmware/);
  });
});
