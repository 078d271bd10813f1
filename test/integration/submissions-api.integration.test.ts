/**
 * The HTTP API and the CLI around the pipeline, against real services: token auth, raw and multipart
 * uploads, the size cap while streaming, rejections with reasons, quota and closed answers, owner-only
 * status, leaderboards with the private split hidden, and `tinyarena submit/status/leaderboard` both
 * on the server machine and remotely with a token.
 */
import { describe, expect, it, onTestFinished } from 'vitest';
import { collectHealth } from '../../core/health.js';
import type { Services } from '../../core/services.js';
import { changeChallenge } from '../../arena/admin.js';
import { grantRole, issueToken } from '../../arena/people.js';
import { WorkerPool } from '../../worker/workers.js';
import { WebServer } from '../../web/server.js';
import { cliOn, freePort } from '../helpers/cli.js';
import { kwsModel, person, pipelineServices, waitSettled } from '../helpers/pipeline.js';
import { HAVE_SHARED_MODELS } from '../helpers/shared.js';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../helpers/tmp.js';

async function webUp(s: Services): Promise<string> {
  const web = new WebServer({ services: s, health: () => collectHealth(s, [], 'test') });
  await web.start();
  onTestFinished(() => web.stop());
  return `http://127.0.0.1:${s.config.PORT}`;
}

async function tokenFor(s: Services, handle: string, role?: 'organizer') {
  const p = await person(s, handle);
  if (role) await grantRole(s.db, p.id, role);
  return { person: p, token: (await issueToken(s.db, p.id, 'test')).secret };
}

const auth = (token: string) => ({ authorization: `Bearer ${token}` });

function postRaw(base: string, token: string, body: Uint8Array, query = 'challenge=kws-test&fileName=m.tflite') {
  return fetch(`${base}/api/submissions?${query}`, { method: 'POST', headers: { ...auth(token), 'content-type': 'application/octet-stream' }, body });
}

describe.skipIf(!HAVE_SHARED_MODELS)('submissions HTTP API', () => {
  it('authenticates, takes raw and multipart uploads, answers rejections, caps, quota and closed with the right status', async () => {
    const s = await pipelineServices({ challenge: { perDay: 3 }, env: { PORT: String(await freePort()), MAX_UPLOAD_BYTES: '200000' } });
    const base = await webUp(s);
    const ada = await tokenFor(s, 'ada');

    expect((await postRaw(base, 'nope', kwsModel())).status).toBe(401);
    expect((await fetch(`${base}/api/submissions`, { method: 'POST', headers: { authorization: 'Bearer ta_notatoken' } })).status).toBe(401);
    expect((await fetch(`${base}/api/submissions`, { method: 'POST' })).status).toBe(401);

    const raw = await postRaw(base, ada.token, kwsModel());
    expect(raw.status).toBe(202);
    const accepted = (await raw.json()) as { id: string; status: string; queuePosition: number; quota: { remaining: number } };
    expect(accepted).toMatchObject({ status: 'accepted', queuePosition: 0, quota: { remaining: 2 } });
    expect(raw.headers.get('location')).toBe(`/api/submissions/${accepted.id}`);

    const form = new FormData();
    form.set('challenge', 'kws-test');
    form.set('note', 'pruned');
    form.set('model', new Blob([kwsModel(100)]), 'pruned.tflite');
    const multi = await fetch(`${base}/api/submissions`, { method: 'POST', headers: auth(ada.token), body: form });
    expect(multi.status).toBe(202);
    const multiId = ((await multi.json()) as { id: string }).id;
    expect(await s.db.submission.findUniqueOrThrow({ where: { id: multiId } })).toMatchObject({ fileName: 'pruned.tflite', note: 'pruned', source: 'api' });

    const noChallenge = new FormData();
    noChallenge.set('model', new Blob([kwsModel(200)]), 'x.tflite');
    const missing = await fetch(`${base}/api/submissions`, { method: 'POST', headers: auth(ada.token), body: noChallenge });
    expect(missing.status).toBe(400);
    expect(((await missing.json()) as { error: string }).error).toMatch(/which challenge/);

    const broken = await postRaw(base, ada.token, kwsModel().slice(0, 5000));
    expect(broken.status).toBe(422);
    expect(await broken.json()).toMatchObject({ status: 'rejected', reason: expect.stringMatching(/truncated|cannot be read/) as unknown });

    const unknown = await postRaw(base, ada.token, kwsModel(300), 'challenge=nope');
    expect(unknown.status).toBe(404);

    // Over the cap, with and without a declared length: refused, nothing stored.
    const big = new Uint8Array(300_000);
    expect((await postRaw(base, ada.token, big)).status).toBe(413);
    const chunked = new ReadableStream<Uint8Array>({
      start(c) {
        for (let i = 0; i < 30; i++) c.enqueue(new Uint8Array(10_000));
        c.close();
      },
    });
    const streamed = await fetch(`${base}/api/submissions?challenge=kws-test`, { method: 'POST', headers: { ...auth(ada.token), 'content-type': 'application/octet-stream' }, body: chunked, duplex: 'half' });
    expect(streamed.status).toBe(413);
    expect(await s.db.blob.count()).toBe(3);

    // Third accepted one uses the last of today's quota; the fourth is refused with the reset time.
    expect((await postRaw(base, ada.token, kwsModel(400))).status).toBe(202);
    const over = await postRaw(base, ada.token, kwsModel(500));
    expect(over.status).toBe(429);
    expect(await over.json()).toMatchObject({ code: 'quota', error: expect.stringMatching(/resets at/) as unknown });

    await changeChallenge(s, { actorId: null, reason: 'test' }, 'kws-test', 'close');
    const closed = await postRaw(base, (await tokenFor(s, 'bob')).token, kwsModel());
    expect(closed.status).toBe(403);
    expect(await closed.json()).toMatchObject({ code: 'closed' });
  });

  it('shows status to the owner and organizers only, and leaderboards with the private split hidden until close', async () => {
    const s = await pipelineServices({ env: { PORT: String(await freePort()) } });
    const base = await webUp(s);
    const ada = await tokenFor(s, 'ada');
    const bob = await tokenFor(s, 'bob');
    const org = await tokenFor(s, 'olga', 'organizer');
    const { id } = (await (await postRaw(base, ada.token, kwsModel())).json()) as { id: string };
    const { id: bobsId } = (await (await postRaw(base, bob.token, kwsModel(30_000))).json()) as { id: string };
    const pool = new WorkerPool(s);
    await pool.start();
    try {
      await waitSettled(s, [id, bobsId]);
    } finally {
      await pool.stop();
    }
    const mine = await fetch(`${base}/api/submissions/${id}`, { headers: auth(ada.token) });
    expect(mine.status).toBe(200);
    const status = (await mine.json()) as { state: string; rank: number; privateScore: number | null; stages: { name: string; detail: Record<string, unknown> }[] };
    expect(status).toMatchObject({ state: 'done', rank: 1, privateScore: null });
    expect(status.stages.find((st) => st.name === 'score')!.detail).not.toHaveProperty('private');
    expect((await fetch(`${base}/api/submissions/${id}`, { headers: auth(bob.token) })).status).toBe(404);
    expect((await fetch(`${base}/api/submissions/${id}`)).status).toBe(401);
    const asOrg = (await (await fetch(`${base}/api/submissions/${id}`, { headers: auth(org.token) })).json()) as { privateScore: number | null };
    expect(asOrg.privateScore).not.toBeNull();

    const pub = await fetch(`${base}/api/challenges/kws-test/leaderboard`);
    expect(await pub.json()).toMatchObject({ challenge: 'kws-test', split: 'public', frozen: false, entries: [{ rank: 1, person: 'ada', submissionId: id }, { rank: 2, person: 'bob', submissionId: bobsId }] });
    expect((await fetch(`${base}/api/challenges/kws-test/leaderboard?split=private`)).status).toBe(403);
    expect((await fetch(`${base}/api/challenges/kws-test/leaderboard?split=private`, { headers: auth(org.token) })).status).toBe(200);
    expect((await fetch(`${base}/api/challenges/kws-test/leaderboard?split=nope`)).status).toBe(400);
    expect((await fetch(`${base}/api/challenges/nope/leaderboard`)).status).toBe(404);

    const rules = await (await fetch(`${base}/challenges/kws-test`)).text();
    expect(rules).toContain('Score = 100·quality + 20·latency + 20·flash');
    expect(rules).toContain('resets at 00:00 UTC');
    expect(rules).toMatch(/Closes <time datetime="2099-01-01T00:00:00Z">2099-01-01 00:00 UTC<\/time>/);
    expect((await fetch(`${base}/challenges/nope`)).status).toBe(404);
    const html = await (await fetch(`${base}/challenges/kws-test/leaderboard`)).text();
    expect(html).toContain('<table>');
    expect(html).toContain('ada');
    expect(await (await fetch(`${base}/challenges/kws-test/leaderboard?split=private`)).text()).toContain('revealed when the challenge closes');
    const report = await (await fetch(`${base}/submissions/${id}`, { headers: auth(ada.token) })).text();
    expect(report).toMatch(/<strong>done<\/strong>/);
    expect(report).toContain('<title>Confusion matrix</title>');
    expect(report).toContain('<caption>Per class</caption>');
    // Scored with the board's arithmetic, said in a learner's words.
    expect(report).toContain('Arithmetic: TFLM reference / CMSIS-NN arithmetic, as on the Nano 33 BLE Sense.');
    expect(report).toContain('MACs per operator type');
    expect(report).not.toMatch(/private/i);
    expect(html).toContain('Pareto front');
    // bob's model is as good but larger: dominated by ada's.
    expect(html).toMatch(/bob[\s\S]*?<td>dominated by #1<\/td>/);
    expect(html).toMatch(/ada[\s\S]*?<td>on the front<\/td>/);

    const final = await fetch(`${base}/api/submissions/${id}/final`, { method: 'POST', headers: { ...auth(ada.token), 'content-type': 'application/json' }, body: JSON.stringify({ final: true }) });
    expect(final.status).toBe(409);
    expect(((await final.json()) as { error: string }).error).toMatch(/does not use final-submission selection/);
  });
});

describe.skipIf(!HAVE_SHARED_MODELS)('live progress', () => {
  it('streams a submission’s progress as server-sent events until it is done', async () => {
    const s = await pipelineServices({ env: { PORT: String(await freePort()) } });
    const base = await webUp(s);
    const ada = await tokenFor(s, 'ada');
    const { id } = (await (await postRaw(base, ada.token, kwsModel())).json()) as { id: string };
    const page = await (await fetch(`${base}/submissions/${id}`, { headers: auth(ada.token) })).text();
    expect(page).toContain(`/submissions/${id}/events`);
    expect((await fetch(`${base}/submissions/nope/events`, { headers: auth(ada.token) })).status).toBe(404);
    const res = await fetch(`${base}/submissions/${id}/events`, { headers: auth(ada.token) });
    expect(res.headers.get('content-type')).toMatch(/text\/event-stream/);
    const reader = res.body!.getReader();
    const types: string[] = [];
    const pool = new WorkerPool(s);
    await pool.start();
    try {
      let buf = '';
      while (!types.includes('done')) {
        const { value, done } = (await reader.read()) as { value?: Uint8Array; done: boolean };
        if (done) break;
        buf += Buffer.from(value!).toString('utf8');
        for (const m of buf.matchAll(/event: progress\ndata: (.+)\n\n/g)) types.push((JSON.parse(m[1]!) as { type: string }).type);
        buf = buf.slice(buf.lastIndexOf('\n\n') + 2);
      }
    } finally {
      await reader.cancel();
      await pool.stop();
    }
    expect(types.filter((t) => t === 'stage-finished')).toHaveLength(4);
    expect(types.at(-1)).toBe('done');
  });

  it('tells an open leaderboard page when a new result changes the board', async () => {
    const s = await pipelineServices({ env: { PORT: String(await freePort()) } });
    const base = await webUp(s);
    const page = await (await fetch(`${base}/challenges/kws-test/leaderboard`)).text();
    expect(page).toContain('/challenges/kws-test/leaderboard/events');
    expect((await fetch(`${base}/challenges/nope/leaderboard/events`)).status).toBe(404);
    const res = await fetch(`${base}/challenges/kws-test/leaderboard/events`);
    expect(res.headers.get('content-type')).toMatch(/text\/event-stream/);
    const reader = res.body!.getReader();
    const ada = await tokenFor(s, 'ada');
    await postRaw(base, ada.token, kwsModel());
    const pool = new WorkerPool(s);
    await pool.start();
    let buf = '';
    try {
      while (!/event: board\n/.test(buf)) {
        const { value, done } = (await reader.read()) as { value?: Uint8Array; done: boolean };
        if (done) break;
        buf += Buffer.from(value!).toString('utf8');
      }
    } finally {
      await reader.cancel();
      await pool.stop();
    }
    // Only that the board changed: no submission ids, scores or people go to anonymous watchers.
    const data = JSON.parse(/event: board\ndata: (.+)\n/.exec(buf)![1]!) as Record<string, unknown>;
    expect(Object.keys(data).sort()).toEqual(['at', 'type']);
    expect(data.type).toBe('done');
  });
});

describe.skipIf(!HAVE_SHARED_MODELS)('tinyarena submit / status / leaderboard', () => {
  it('submits on the server machine and remotely, with the documented JSON and exit codes', { timeout: 120_000 }, async () => {
    const s = await pipelineServices({ env: { PORT: String(await freePort()) } });
    const base = await webUp(s);
    const dir = tempDir();
    const model = join(dir, 'kws.tflite');
    writeFileSync(model, kwsModel());
    const broken = join(dir, 'broken.tflite');
    writeFileSync(broken, kwsModel().slice(0, 4000));
    const run = cliOn(s);

    const ok = await run(['submit', model, '--challenge', 'kws-test', '--as', 'ada', '--json']);
    expect(ok.code).toBe(0);
    const sub = JSON.parse(ok.out) as { id: string; state: string; queuePosition: number };
    expect(sub).toMatchObject({ state: 'queued', queuePosition: 0 });

    const rejected = await run(['submit', broken, '--challenge', 'kws-test', '--as', 'ada', '--json']);
    expect(rejected.code).toBe(1);
    expect(JSON.parse(rejected.out)).toMatchObject({ status: 'rejected', state: 'rejected' });
    expect((await run(['submit', join(dir, 'missing.tflite'), '--challenge', 'kws-test', '--as', 'ada'])).code).toBe(2);
    expect((await run(['submit', model, '--challenge', 'kws-test'])).code).toBe(2);

    const pool = new WorkerPool(s);
    await pool.start();
    try {
      await waitSettled(s, [sub.id]);
    } finally {
      await pool.stop();
    }
    const st = await run(['status', sub.id, '--json']);
    expect(st.code).toBe(0);
    // The CLI has no PORT set: its links follow the running server's (web.json in DATA_DIR).
    expect((JSON.parse(st.out) as { report: string }).report).toBe(`${s.config.PUBLIC_URL}/submissions/${sub.id}`);
    expect(s.config.PUBLIC_URL).not.toContain(':3000');
    expect(JSON.parse(st.out)).toMatchObject({ id: sub.id, state: 'done', rank: 1, stages: [{ name: 'validate', status: 'passed' }, { name: 'score' }, { name: 'device', status: 'skipped' }, { name: 'publish' }] });
    const lb = await run(['leaderboard', 'kws-test', '--json']);
    expect(JSON.parse(lb.out)).toMatchObject({ challenge: 'kws-test', split: 'public', frozen: false, entries: [{ rank: 1, person: 'ada', team: null, submissionId: sub.id }] });

    // --wait returns once the result is complete: published and ranked, never "done" with publish still running.
    const pool2 = new WorkerPool(s);
    await pool2.start();
    try {
      const other = join(dir, 'kws-padded.tflite');
      writeFileSync(other, kwsModel(16));
      const waited = await run(['submit', other, '--challenge', 'kws-test', '--as', 'carol', '--wait', '--json']);
      expect(waited.code, waited.err).toBe(0);
      const final = JSON.parse(waited.out) as { state: string; rank: number | null; stages: { name: string; status: string }[] };
      expect(final.state).toBe('done');
      expect(final.stages.find((x) => x.name === 'publish')!.status).toBe('passed');
      expect(final.rank).not.toBeNull();
    } finally {
      await pool2.stop();
    }

    // Remotely, with a token issued by the CLI.
    const tok = JSON.parse((await run(['token', 'create', 'bob', '--json'])).out) as { token: string };
    const remote = await run(['submit', model, '--challenge', 'kws-test', '--server', base, '--token', tok.token, '--json']);
    expect(remote.code).toBe(0);
    const rsub = JSON.parse(remote.out) as { id: string; status: string };
    expect(rsub.status).toBe('accepted');
    expect(JSON.parse((await run(['status', rsub.id, '--server', base, '--token', tok.token, '--json'])).out)).toMatchObject({ id: rsub.id, person: 'bob' });
    expect((await run(['status', sub.id, '--server', base, '--token', tok.token])).code).toBe(2);
  });
});
