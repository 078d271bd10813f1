/**
 * Discourse end to end against a fake Discourse speaking HTTP: signed webhooks into the real web app,
 * the triage job on the real queue (Redis) and database (SQLite), proposals stored, only a staff
 * whisper written to the forum, the API client's headers and 429 handling.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it, onTestFinished } from 'vitest';
import { knowledgeFor } from '../../bot/discourse/knowledge.js';
import { triageTopic } from '../../bot/discourse/triage-topic.js';
import { signBody } from '../helpers/discourse-signature.js';
import { collectHealth } from '../../core/health.js';
import triageProcessor from '../../worker/processors/triage.js';
import { WorkerPool } from '../../worker/workers.js';
import { WebServer } from '../../web/server.js';
import { freePort } from '../helpers/cli.js';
import { testServices } from '../helpers/services.js';
import { sharedPath } from '../helpers/shared.js';

const COURSE = sharedPath('course');
const SECRET = 'webhook-secret';

interface Seen { method: string; url: string; headers: IncomingMessage['headers']; body: string }

/** A fake Discourse: topics with tags, post creation, and one 429 (wait_seconds in the body) first. */
async function fakeDiscourse(): Promise<{ url: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  let limited = false;
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      res.setHeader('content-type', 'application/json');
      if (req.headers['api-key'] !== 'api-key-1' || req.headers['api-username'] !== 'tinyarena') {
        res.writeHead(403).end(JSON.stringify({ errors: ['You are not permitted to view the requested resource.'] }));
        return;
      }
      if (!limited) {
        limited = true;
        res.writeHead(429).end(JSON.stringify({ errors: ['You’ve performed this action too many times.'], error_type: 'rate_limit', extras: { wait_seconds: 0.2 } }));
        return;
      }
      const topic = /^\/t\/(\d+)\.json$/.exec(req.url ?? '');
      if (req.method === 'GET' && topic) {
        res.writeHead(200).end(JSON.stringify({ id: Number(topic[1]), title: 'x', slug: 'x', tags: ['nano-33'], category_id: 5 }));
      } else if (req.method === 'POST' && req.url === '/posts.json') {
        res.writeHead(200).end(JSON.stringify({ id: 9000 + seen.length, topic_id: (JSON.parse(body) as { topic_id: number }).topic_id }));
      } else res.writeHead(404).end(JSON.stringify({ errors: ['not found'] }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  onTestFinished(() => new Promise<void>((r) => server.close(() => r())));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

const postCreated = (over: Record<string, unknown> = {}) => ({
  post: {
    id: 501, topic_id: 77, post_number: 1, version: 1, username: 'ada', trust_level: 1, topic_title: 'AllocateTensors() failed with my person detection model', topic_slug: 'allocatetensors-failed',
    raw: 'My sketch prints `Arena size is too small for all buffers. Needed 150000 but only 136000 was available.` What should kTensorArenaSize be?', created_at: '2026-11-22T00:00:00Z', ...over,
  },
});

function deliver(base: string, payload: unknown, opts: { eventId?: string | null; event?: string; secret?: string | null; tamper?: boolean } = {}) {
  const body = JSON.stringify(payload);
  const headers: Record<string, string> = { 'content-type': 'application/json', 'x-discourse-event': opts.event ?? 'post_created', 'x-discourse-event-type': 'post' };
  if (opts.eventId !== null) headers['x-discourse-event-id'] = opts.eventId ?? String(Math.random()).slice(2);
  if (opts.secret !== null) headers['x-discourse-event-signature'] = signBody(opts.secret ?? SECRET, body);
  return fetch(`${base}/webhooks/discourse`, { method: 'POST', headers, body: opts.tamper ? body.replace('ada', 'eve') : body });
}

describe.skipIf(!COURSE)('Discourse webhooks and triage', () => {
  it('rejects forged, unsigned and replayed deliveries, queues a topic once, and stores a proposal with only a staff whisper', async () => {
    const discourse = await fakeDiscourse();
    const s = await testServices({ PORT: String(await freePort()), KNOWLEDGE_DIRS: COURSE!, DISCOURSE_URL: discourse.url, DISCOURSE_API_KEY: 'api-key-1', DISCOURSE_API_USERNAME: 'tinyarena', DISCOURSE_WEBHOOK_SECRET: SECRET });
    const web = new WebServer({ services: s, health: () => collectHealth(s, [], 'test') });
    await web.start();
    onTestFinished(() => web.stop());
    const base = `http://127.0.0.1:${s.config.PORT}`;

    expect((await deliver(base, postCreated(), { secret: null })).status).toBe(401);
    expect((await deliver(base, postCreated(), { secret: 'not-the-secret' })).status).toBe(401);
    expect((await deliver(base, postCreated(), { tamper: true })).status).toBe(401);
    const first = await deliver(base, postCreated(), { eventId: 'e1' });
    expect(first.status).toBe(202);
    expect((await deliver(base, postCreated(), { eventId: 'e1' })).status).toBe(409);
    const redelivered = await deliver(base, postCreated(), { eventId: 'e2' });
    expect(redelivered.status).toBe(200);
    expect(await redelivered.json()).toEqual({ status: 'duplicate' });
    expect(await (await deliver(base, postCreated({ id: 502, post_number: 2 }))).json()).toMatchObject({ status: 'ignored' });
    const counts = await s.queues.get('triage').getJobCounts('waiting', 'active', 'completed', 'delayed');
    expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(1);
    expect(await s.db.forumTopic.findUnique({ where: { id: 77 } })).toMatchObject({ authorUsername: 'ada', authorTrustLevel: 1, url: `${discourse.url}/t/allocatetensors-failed/77` });

    const pool = new WorkerPool(s, [triageProcessor]);
    await pool.start();
    onTestFinished(() => pool.stop());
    // Wait for the job itself (the proposal is written before the whisper).
    const deadline = Date.now() + 30_000;
    while ((await s.queues.get('triage').getJobCounts('completed', 'failed')).completed !== 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    const decision = await s.db.triageDecision.findFirst({ where: { topicId: 77 } });
    expect(decision).toMatchObject({ kind: 'deployment', status: 'proposed', abstained: false });
    expect((decision!.tags as string[])[0]).toBe('nano-33');
    expect((decision!.citations as { id: string }[])[0]?.id).toBe('tensor-arena-too-small');

    // The 429 was waited out and retried; every call carried the API headers; the one post is a whisper.
    const posts = discourse.seen.filter((r) => r.method === 'POST');
    expect(discourse.seen[0]?.url).toBe('/t/77.json');
    expect(discourse.seen.filter((r) => r.url === '/t/77.json')).toHaveLength(2);
    expect(posts).toHaveLength(1);
    expect(JSON.parse(posts[0]!.body)).toMatchObject({ topic_id: 77, whisper: true, raw: expect.stringContaining('tensor-arena-too-small') as string });
    expect(await s.db.auditLog.count({ where: { action: 'discourse.whisper', targetId: '77' } })).toBe(1);

    // Re-running the job overwrites the pending proposal and whispers nothing new.
    const again = await triageTopic(s, 77);
    expect(again.decisionId).toBe(decision!.id);
    expect(await s.db.triageDecision.count({ where: { topicId: 77 } })).toBe(1);
    expect(discourse.seen.filter((r) => r.method === 'POST')).toHaveLength(1);

    // An accepted solution becomes a citable forum entry (redelivery overwrites it, a forgery is refused).
    const solved = { solved: { id: 610, topic_id: 77, post_number: 3, version: 1, topic_title: 'AllocateTensors() failed with my person detection model', raw: 'Fixed it: the Arducam Mega wrapper allocates its own 60000 byte frame buffer, shrink kTensorArenaSize or use the QQVGA grayscale mode.' } };
    expect((await deliver(base, solved, { event: 'accepted_solution', secret: 'forged' })).status).toBe(401);
    expect(await (await deliver(base, solved, { event: 'accepted_solution', eventId: 's1' })).json()).toEqual({ status: 'learned', id: 'topic:77' });
    expect(await (await deliver(base, solved, { event: 'accepted_solution', eventId: 's2' })).json()).toEqual({ status: 'duplicate' });
    const kb = await knowledgeFor(s);
    const a = kb.ask('Arducam Mega wrapper frame buffer eats my arena');
    expect(a.citations[0]).toEqual({ id: 'topic:77', title: 'AllocateTensors() failed with my person detection model', url: `${discourse.url}/t/allocatetensors-failed/77` });
  });
});

describe('Discourse webhook headers (issue 17 #4)', () => {
  it('takes the event kind from the signed body, requires the event id, and never processes one body twice', async () => {
    const s = await testServices({ PORT: String(await freePort()), DISCOURSE_URL: 'http://127.0.0.1:9', DISCOURSE_API_KEY: 'api-key-1', DISCOURSE_API_USERNAME: 'tinyarena', DISCOURSE_WEBHOOK_SECRET: SECRET });
    const web = new WebServer({ services: s, health: () => collectHealth(s, [], 'test') });
    await web.start();
    onTestFinished(() => web.stop());
    const base = `http://127.0.0.1:${s.config.PORT}`;
    const captured = postCreated();
    expect((await deliver(base, captured, { eventId: 'd1' })).status).toBe(202);

    // The captured, correctly signed post_created body re-sent: with no event id, or claiming another kind.
    const noId = await deliver(base, captured, { eventId: null, event: 'accepted_solution' });
    expect(noId.status).toBe(400);
    expect(await noId.text()).toMatch(/X-Discourse-Event-Id is required/);
    const relabelled = await deliver(base, captured, { eventId: 'd2', event: 'accepted_solution' });
    expect(relabelled.status).toBe(400);
    expect(await relabelled.text()).toMatch(/does not fit X-Discourse-Event: accepted_solution/);
    // A fresh reply (never delivered) claimed as an accepted solution proves nothing either.
    expect((await deliver(base, postCreated({ id: 700, post_number: 4 }), { eventId: 'd3', event: 'accepted_solution' })).status).toBe(400);
    expect((await deliver(base, { ping: 'OK' }, { eventId: 'd4', event: 'post_created' })).status).toBe(400);
    expect(await s.db.knowledgeEntry.count()).toBe(0);

    // What discourse-solved really sends (the post, marked as the accepted answer) is learned once.
    const accepted = postCreated({ id: 701, post_number: 3, accepted_answer: true, raw: 'Shrink kTensorArenaSize.' });
    expect(await (await deliver(base, accepted, { eventId: 'd5', event: 'accepted_solution' })).json()).toEqual({ status: 'learned', id: 'topic:77' });
    expect(await (await deliver(base, accepted, { eventId: 'd6', event: 'accepted_solution' })).json()).toEqual({ status: 'duplicate' });
    expect((await deliver(base, accepted, { eventId: 'd6', event: 'accepted_solution' })).status).toBe(409);
    expect(await s.db.knowledgeEntry.count()).toBe(1);
  });
});
