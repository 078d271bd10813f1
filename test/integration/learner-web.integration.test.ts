/**
 * What learners see on the web: a site with a header and navigation, each challenge's status on the
 * home page (with the real close date when closed early), how to submit, the upload form of a
 * challenge page (signed in, CSRF-checked, through intake), "my submissions", and a rejected
 * model's report with the recipe page it links.
 */
import { describe, expect, it } from 'vitest';
import { changeChallenge } from '../../arena/admin.js';
import { submit } from '../../arena/intake.js';
import { issueToken } from '../../arena/people.js';
import { RECIPE_SECTIONS } from '../../grader/validate/checks.js';
import { freePort } from '../helpers/cli.js';
import { person, pipelineServices } from '../helpers/pipeline.js';
import { HAVE_SHARED_MODELS, sharedModel } from '../helpers/shared.js';
import { Agent, webUp } from '../helpers/web.js';
import { formatBytes } from '../../lib/format.js';
import { kwsModel, waitSettled } from '../helpers/pipeline.js';
import { tinyKwsModel } from '../helpers/kws-variants.js';
import { HAVE_SOCAT, simRack } from '../helpers/rack.js';
import { WorkerPool } from '../../worker/workers.js';

const count = (text: string, what: string) => text.split(what).length - 1;

describe.skipIf(!HAVE_SHARED_MODELS)('learner pages', () => {
  it('a float model’s report says what is wrong once, with one fix and a link to the recipe page', async () => {
    const s = await pipelineServices({ env: { PORT: String(await freePort()) } });
    const base = await webUp(s);
    const ada = await person(s, 'ada');
    const r = await submit(s, { challengeId: 'kws-test', personId: ada.id, fileName: 'kws_float.tflite', source: 'api', body: sharedModel('kws_ref_model_float32') });
    expect(r.status).toBe('rejected');
    // The report is its author's (arena/report-access.ts).
    const html = await (await fetch(`${base}/submissions/${r.id}`, { headers: { authorization: `Bearer ${(await issueToken(s.db, ada.id, 'report')).secret}` } })).text();
    expect(count(html, 'dynamic-range quantization: 5 of 10 weight tensors are int8')).toBe(1);
    expect(count(html, 'Fix: ')).toBe(1);
    expect(count(html, 'href="/help/quantization#dynamic-range"')).toBe(1);
    expect(html).toMatch(/<span id="state"><strong>rejected<\/strong><\/span> — 1 check failed, <a href="#checks">see below<\/a>/);
    expect(html).toMatch(/<td>validate<\/td><td>failed<\/td><td><ul class="figures">[\s\S]*?<\/ul><\/td><td><a href="#checks">1 check failed<\/a><\/td>/);

    const help = await fetch(`${base}/help/quantization`);
    expect(help.status).toBe(200);
    const page = await help.text();
    for (const id of RECIPE_SECTIONS) expect(page).toContain(`id="${id}"`);
    expect(page).toContain('converter.representative_dataset = representative_dataset');
    // The code once, at the top; the sections say what to change.
    expect(count(page, '<pre>')).toBe(1);
  });

  it('is a site: header navigation, challenge status with the real close date, how to submit', async () => {
    const s = await pipelineServices({ env: { PORT: String(await freePort()) } });
    const base = await webUp(s);
    const home = await (await fetch(`${base}/`)).text();
    expect(home).toMatch(/<header class="site">[\s\S]*<nav aria-label="Site">/);
    expect(home).toContain('<a href="/" aria-current="page">Challenges</a>');
    expect(home).toContain('<a href="/leaderboards">Leaderboards</a>');
    expect(home).toContain('<a href="/me/submissions">My submissions</a>');
    expect(home).toMatch(/<a href="\/login\?next=%2F">Sign in<\/a>/);
    expect(home).toContain('<link rel="stylesheet" href="/static/site.css">');
    expect(home).toMatch(/<span class="badge open">open<\/span>/);
    expect(home).toMatch(/Open for submissions until <time datetime="2099-01-01T00:00:00Z">2099-01-01 00:00 UTC<\/time>/);
    expect(home).toMatch(/<h2 id="how-h">How to submit<\/h2>[\s\S]*<dt>Discord<\/dt>[\s\S]*<dt>Command line<\/dt>[\s\S]*<dt>Web<\/dt>/);
    const css = await fetch(`${base}/static/site.css`);
    expect([css.status, css.headers.get('content-type')]).toEqual([200, expect.stringMatching(/text\/css/)]);
    expect((await fetch(`${base}/static/nope.js`)).status).toBe(404);

    // Closed by an organizer before the planned date: the badge and the real date, and the planned one.
    await changeChallenge(s, { actorId: null, reason: 'dataset leak' }, 'kws-test', 'close');
    const closed = await (await fetch(`${base}/`)).text();
    expect(closed).toMatch(/<span class="badge closed">closed<\/span>/);
    const today = new Date().toISOString().slice(0, 10);
    expect(closed).toMatch(new RegExp(`Closed <time datetime="${today}T[^"]+">${today} \\d\\d:\\d\\d UTC</time> — early; it was planned to close <time datetime="2099-01-01T00:00:00Z">`));
    const boards = await (await fetch(`${base}/leaderboards`)).text();
    expect(boards).toContain('<a href="/leaderboards" aria-current="page">Leaderboards</a>');
    expect(boards).toMatch(/KWS pipeline test[\s\S]*badge closed[\s\S]*split=private/);
  });

  it('a signed-in learner uploads from the challenge page: CSRF-checked, through intake, landing on the report', async () => {
    const s = await pipelineServices({ env: { PORT: String(await freePort()) } });
    const base = await webUp(s);
    const ada = await person(s, 'ada');
    const anon = await fetch(`${base}/challenges/kws-test`);
    expect(await anon.text()).toContain('<a href="/login?next=%2Fchallenges%2Fkws-test">Sign in</a> to upload from here.');
    const form = () => {
      const fd = new FormData();
      return fd;
    };
    const noSession = form();
    noSession.append('model', new Blob([kwsModel()]), 'm.tflite');
    const refused = await fetch(`${base}/challenges/kws-test/submissions`, { method: 'POST', body: noSession, redirect: 'manual' });
    expect([refused.status, refused.headers.get('location')]).toEqual([303, '/login?next=%2Fchallenges%2Fkws-test']);

    const web = new Agent(base);
    await web.signIn((await issueToken(s.db, ada.id, 'web')).secret);
    const pageHtml = await (await web.req('/challenges/kws-test')).text();
    expect(pageHtml).toMatch(/Signed in as <strong>ada<\/strong>/);
    expect(pageHtml).toMatch(/100 submissions left today/);
    expect(pageHtml).toMatch(/<form method="post" action="\/challenges\/kws-test\/submissions" enctype="multipart\/form-data"[^>]*><input type="hidden" name="_csrf" value="[^"]+">/);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(pageHtml.slice(pageHtml.indexOf('enctype="multipart')))![1]!;

    // A forged form (wrong token) is refused before the file is read: nothing is stored.
    const forged = form();
    forged.append('_csrf', 'x'.repeat(csrf.length));
    forged.append('model', new Blob([kwsModel()]), 'm.tflite');
    expect((await web.req('/challenges/kws-test/submissions', { method: 'POST', body: forged })).status).toBe(403);
    expect(await s.db.submission.count()).toBe(0);

    const good = form();
    good.append('_csrf', csrf);
    good.append('note', 'first try');
    good.append('model', new Blob([kwsModel()]), 'kws_int8.tflite');
    const sent = await web.req('/challenges/kws-test/submissions', { method: 'POST', body: good });
    expect(sent.status).toBe(303);
    const sub = await s.db.submission.findFirstOrThrow();
    expect(sub).toMatchObject({ source: 'web', fileName: 'kws_int8.tflite', note: 'first try', state: 'queued', personId: ada.id });
    expect(sent.headers.get('location')).toBe(`/submissions/${sub.id}`);
    const report = await (await web.req(`/submissions/${sub.id}`)).text();
    expect(report).toContain('<p class="notice" role="status">Accepted and queued (99 submissions left today). This page follows it live.</p>');
    expect(report).toContain(`data-events="/submissions/${sub.id}/events"`);
    expect(report).toContain('<p>Note: <q>first try</q></p>');
    expect(report).toContain('<script src="/static/live-submission.js" defer></script>');
    // The notice is shown once.
    expect(await (await web.req(`/submissions/${sub.id}`)).text()).not.toContain('class="notice"');

    // The same bytes again: that submission, nothing charged; a float model: rejected with the checks.
    const again = form();
    again.append('_csrf', csrf);
    again.append('model', new Blob([kwsModel()]), 'kws_int8.tflite');
    expect((await web.req('/challenges/kws-test/submissions', { method: 'POST', body: again })).headers.get('location')).toBe(`/submissions/${sub.id}`);
    expect(await (await web.req(`/submissions/${sub.id}`)).text()).toContain('You submitted these exact bytes before');
    const float = form();
    float.append('_csrf', csrf);
    float.append('model', new Blob([sharedModel('kws_ref_model_float32')]), 'kws_float.tflite');
    const rejected = await web.req('/challenges/kws-test/submissions', { method: 'POST', body: float });
    const rejectedHtml = await (await web.req(rejected.headers.get('location')!)).text();
    expect(rejectedHtml).toContain('Rejected by the checks, at no quota cost');
    expect(rejectedHtml).toContain('dynamic-range quantization');

    // My submissions: both, newest first, with links to the reports; only for the signed-in learner.
    const mine = await (await web.req('/me/submissions')).text();
    expect(mine).toContain('<a href="/me/submissions" aria-current="page">My submissions</a>');
    expect(mine).toMatch(/kws_float\.tflite[\s\S]*rejected[\s\S]*kws_int8\.tflite[\s\S]*queued/);
    expect(mine).toContain(`<a href="/submissions/${sub.id}">kws_int8.tflite</a>`);
    const anonymous = await fetch(`${base}/me/submissions`, { redirect: 'manual' });
    expect([anonymous.status, anonymous.headers.get('location')]).toEqual([303, '/login?next=%2Fme%2Fsubmissions']);

    // A closed challenge takes no uploads (the page says so; a post is refused with the reason).
    await changeChallenge(s, { actorId: null, reason: 'over' }, 'kws-test', 'close');
    expect(await (await web.req('/challenges/kws-test')).text()).toContain('is not accepting submissions now');
    const late = form();
    late.append('_csrf', csrf);
    late.append('model', new Blob([kwsModel(8)]), 'late.tflite');
    const lateRes = await web.req('/challenges/kws-test/submissions', { method: 'POST', body: late });
    expect(lateRes.status).toBe(403);
    expect(await lateRes.text()).toMatch(/is not accepting submissions/);
  });

  it.skipIf(!HAVE_SOCAT)('the leaderboard shows and sorts by the figures behind the score; the report shows every stage’s figures', { timeout: 180_000 }, async () => {
    const s = await pipelineServices({ env: { PORT: String(await freePort()) } });
    await simRack(s, [{ id: 'sim-a' }, { id: 'sim-b' }], { active: true });
    const base = await webUp(s);
    const send = async (handle: string, body: Uint8Array, fileName: string) => (await submit(s, { challengeId: 'kws-test', personId: (await person(s, handle)).id, fileName, source: 'cli', body })).id;
    const ids = [await send('ada', kwsModel(), 'ref.tflite'), await send('ada', kwsModel(64), 'ref-padded.tflite'), await send('bob', tinyKwsModel(16, 3), 'tiny16.tflite'), await send('cy', tinyKwsModel(200, 5), 'tiny200.tflite')];
    const pool = new WorkerPool(s);
    await pool.start();
    try {
      await waitSettled(s, ids, 150_000);
    } finally {
      await pool.stop();
    }
    const device = new Map(
      (await s.db.stageResult.findMany({ where: { stage: 'device', status: 'passed' }, select: { submissionId: true, detail: true } })).map((d) => [d.submissionId, d.detail as { latencyMs: number; latencyRunsMs: number[]; boardId: string; arenaBytes: number }]),
    );
    expect(device.size).toBe(4);

    const html = await (await fetch(`${base}/challenges/kws-test/leaderboard`)).text();
    expect(html).toMatch(/<ul class="tabs"><li><a href="\/challenges\/kws-test\/leaderboard\?split=public" aria-current="page">Public<\/a>/);
    const heads = [...html.matchAll(/<th scope="col"[^>]*>(?:<a[^>]*>)?([^<]+)/g)].map((m) => m[1]);
    expect(heads).toEqual(['#', 'Participant', 'Score', 'Top-1 accuracy', 'Latency (ms)', 'Flash', 'RAM', 'Entries', 'Last submission (UTC)', 'Best entry', 'Quality vs size']);
    expect(html).toContain('<th scope="col" class="num" aria-sort="ascending"><a class="sort" href="/challenges/kws-test/leaderboard?split=public&amp;dir=desc">#');
    const rows = (page: string) =>
      [...page.matchAll(/<tr(?: class="mine")?><td class="num">(\d+)<\/td><td>([^<]+)<\/td>[\s\S]*?<\/tr>/g)].map((m) => ({ rank: Number(m[1]), name: m[2]!.trim(), html: m[0] }));
    const board = rows(html);
    expect(board.map((r) => r.name).sort()).toEqual(['ada', 'bob', 'cy']);
    const entry = await s.db.leaderboardEntry.findMany({ where: { split: 'public' }, include: { person: true, submission: { include: { blob: true } } } });
    for (const e of entry) {
      const row = board.find((r) => r.name === e.person.handle)!;
      const d = device.get(e.submissionId)!;
      // Latency: the board's median, with the fastest and slowest run; flash; RAM measured on the board; the report link.
      expect(row.html).toContain(`<td class="num" title="median on ${d.boardId}">${d.latencyMs.toFixed(1)}<br><small>${Math.min(...d.latencyRunsMs).toFixed(1)}–${Math.max(...d.latencyRunsMs).toFixed(1)}</small></td>`);
      expect(row.html).toContain(`<td class="num">${formatBytes(e.submission.blob.sizeBytes)}</td><td class="num">${formatBytes(d.arenaBytes)}</td>`);
      expect(row.html).toContain(`<a href="/submissions/${e.submissionId}" aria-label="Report of the best entry of ${e.person.handle}">report</a>`);
      expect(row.html).toMatch(e.person.handle === 'ada' ? /<td class="num">2<\/td><td><time/ : /<td class="num">1<\/td><td><time/);
    }
    // Sorted by latency (fastest first), by flash (largest first), and back: server-side, by links.
    const byLatency = rows(await (await fetch(`${base}/challenges/kws-test/leaderboard?sort=latency`)).text());
    const latencyOf = (name: string) => device.get(entry.find((e) => e.person.handle === name)!.submissionId)!.latencyMs;
    expect(byLatency.map((r) => latencyOf(r.name))).toEqual([...byLatency.map((r) => latencyOf(r.name))].sort((a, b) => a - b));
    expect(byLatency[0]!.name).toBe('bob');
    const byFlash = await (await fetch(`${base}/challenges/kws-test/leaderboard?sort=flash&dir=desc`)).text();
    expect(rows(byFlash).map((r) => r.name)).toEqual(['cy', 'ada', 'bob']);
    expect(byFlash).toMatch(/<th scope="col" class="num" aria-sort="descending"[^>]*><a class="sort" href="\/challenges\/kws-test\/leaderboard\?split=public&amp;sort=flash">Flash/);
    expect(byFlash).toContain('sorted by flash');

    // The Pareto plot: axes with units, a hover label for every point, a legend of what is drawn.
    expect(html).toContain('flash the entry takes (KiB, log scale)');
    expect(html).toContain('top-1 accuracy (%)');
    expect(html.match(/<text class="tip"/g)).toHaveLength(3);

    // The report: each stage's figures — MACs and arena, the metric, the board with latency median and spread.
    const ada = entry.find((e) => e.person.handle === 'ada')!;
    const d = device.get(ada.submissionId)!;
    const report = await (await fetch(`${base}/submissions/${ada.submissionId}`, { headers: { authorization: `Bearer ${(await issueToken(s.db, (await person(s, 'ada')).id, 'report')).secret}` } })).text();
    expect(report).toMatch(/<td>validate<\/td><td>passed<\/td><td><ul class="figures"><li>model 52\.7 KiB \(53,936 bytes\)<\/li><li>2,664,780 MACs<\/li><li>tensor arena estimated at [\d.]+ KiB/);
    expect(report).toMatch(/<td>score<\/td><td>passed<\/td><td><ul class="figures"><li>top-1 [\d.]+ % on \d+ samples \(public split\)/);
    expect(report).toContain(`<li>board ${d.boardId} (sim`);
    expect(report).toMatch(new RegExp(`<li>latency ${d.latencyMs.toFixed(d.latencyMs < 10 ? 2 : 1)} ms median, [\\d.]+ ms–[\\d.]+ ms over ${d.latencyRunsMs.length} runs</li>`));
    expect(report).toContain(`<li>tensor arena on the board ${formatBytes(d.arenaBytes)}`);
    expect(report).toMatch(/<td>publish<\/td><td>passed<\/td><td><ul class="figures"><li>score [\d.]+<\/li><li>terms: quality [\d.]+, latency [\d.]+, flash [\d.]+<\/li><\/ul>/);
    expect(report).toMatch(/Composite terms \(each 0–1\): quality [\d.]+, latency [\d.]+ \([\d.]+ ms median, [\d.]+ ms–[\d.]+ ms over \d+ runs on board sim-[ab]\)/);
  });
});
