/**
 * Spam as a first-class kind end to end, against a fake Discourse speaking HTTP: the webhook's trust
 * level and the user API's post count reach the classifier, text repeated across topics counts, the
 * proposal goes to the moderators at once with the spam evidence (stored and whispered), and an admin's
 * `*:spam@…` rule unlists it without review.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it, onTestFinished } from 'vitest';
import { repeatedText } from '../../bot/discourse/forum-context.js';
import { triageTopic } from '../../bot/discourse/triage-topic.js';
import { sharedPath } from '../helpers/shared.js';
import { testServices } from '../helpers/services.js';

const COURSE = sharedPath('course');

describe.skipIf(!COURSE)('spam triage', () => {
  it('reads trust level, post count and repeats, stores and whispers the evidence, and hides spam by rule', async () => {
    const seen: { method: string; url: string; body: string }[] = [];
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        seen.push({ method: req.method ?? '', url: req.url ?? '', body });
        const json = (status: number, b: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(b));
        if (req.method === 'GET' && /^\/t\/\d+\.json$/.test(req.url ?? '')) return json(200, { id: 1, title: 't', slug: 't', tags: [] });
        if (req.method === 'GET' && req.url === '/u/promo_king.json') return json(200, { user: { username: 'promo_king', post_count: 1, trust_level: 0 } });
        if (req.method === 'POST' && req.url === '/posts.json') return json(200, { id: 99 });
        if (req.method === 'PUT') return json(200, { success: 'OK' });
        return json(404, { errors: ['not found'] });
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    onTestFinished(() => new Promise<void>((r) => server.close(() => r())));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const s = await testServices({ KNOWLEDGE_DIRS: COURSE!, DISCOURSE_URL: url, DISCOURSE_API_KEY: 'k', DISCOURSE_API_USERNAME: 'tinyarena', DISCOURSE_WEBHOOK_SECRET: 'x', TRIAGE_AUTO_APPLY: '*:spam@0.8' });
    const body = 'Boost your grades and your Instagram at once! Our team writes assignments and sells real followers from $3. Visit grades-and-likes.example today and use code FAST10 for 10% off.';
    const make = (id: number, username: string) => s.db.forumTopic.create({ data: { id, title: 'Best study help + followers', body, authorUsername: username, authorTrustLevel: 0, url: `${url}/t/x/${id}`, postedAt: new Date() } });
    await make(30, 'someone_else');
    await make(31, 'promo_king');
    expect(await repeatedText(s, { id: 31, title: 'Best study help + followers', body })).toBe(1);

    const r = await triageTopic(s, 31);
    expect(r).toMatchObject({ kind: 'spam', autoApplied: '*:spam@0.8' });
    const d = await s.db.triageDecision.findUniqueOrThrow({ where: { id: r.decisionId! } });
    expect(d.kindConfidence).toBeGreaterThanOrEqual(0.8);
    const evidence = JSON.stringify(d.evidence);
    expect(evidence).toContain('grades-and-likes.example');
    expect(evidence).toContain("new account's first post");
    expect(evidence).toContain('same text as 1 earlier topic');
    // The post count came from the user API (the new topic itself not counted) and is kept on the topic.
    expect(await s.db.forumTopic.findUniqueOrThrow({ where: { id: 31 } })).toMatchObject({ authorPostCount: 0, authorTrustLevel: 0 });
    expect(seen.find((x) => x.method === 'POST' && (JSON.parse(x.body) as { whisper?: boolean }).whisper)?.body).toContain('spam');
    const hide = seen.find((x) => x.method === 'PUT' && x.url === '/t/31/status.json');
    expect(JSON.parse(hide!.body)).toEqual({ status: 'visible', enabled: 'false' });
    expect(await s.db.auditLog.findFirst({ where: { action: 'discourse.hide', targetId: '31' } })).not.toBeNull();
    // No reply is drafted or posted for spam, and an auto-applied proposal teaches the classifier nothing.
    expect(seen.filter((x) => x.method === 'POST' && !(JSON.parse(x.body) as { whisper?: boolean }).whisper)).toHaveLength(0);
    expect(await s.db.triageExample.count()).toBe(0);
  });
});
