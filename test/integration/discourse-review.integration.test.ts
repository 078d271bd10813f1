/**
 * The moderators' review queue against a fake Discourse and a fake GitHub speaking HTTP: approval
 * applies merged tags and the drafted reply, a courseware bug opens one GitHub issue through octokit,
 * dismissal applies nothing, only moderators review, and everything applied is audited.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it, onTestFinished } from 'vitest';
import { openCoursewareIssue } from '../../bot/discourse/github.js';
import { approveProposal, dismissProposal, listProposals, ReviewError } from '../../bot/discourse/review.js';
import { reportUnansweredTopics } from '../../bot/discourse/unanswered.js';
import { testServices } from '../helpers/services.js';

interface Seen { method: string; url: string; headers: IncomingMessage['headers']; body: string }

async function fakeHttp(handle: (r: Seen) => { status: number; body: unknown; headers?: Record<string, string> }): Promise<{ url: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      const r = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body };
      seen.push(r);
      const out = handle(r);
      res.writeHead(out.status, { 'content-type': 'application/json', ...out.headers }).end(JSON.stringify(out.body));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  onTestFinished(() => new Promise<void>((r) => server.close(() => r())));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

describe('triage review queue', () => {
  it('applies approved proposals to Discourse and GitHub once, dismisses without applying, and audits', async () => {
    const discourse = await fakeHttp((r) => {
      if (r.method === 'GET' && /^\/t\/\d+\.json$/.test(r.url)) return { status: 200, body: { id: 1, title: 't', slug: 't', tags: ['nano-33', 'tflm-runtime'] } };
      if (r.method === 'PUT' && /^\/t\/-\/\d+\.json$/.test(r.url)) return { status: 200, body: { basic_topic: { id: 1 } } };
      if (r.method === 'POST' && r.url === '/posts.json') return { status: 200, body: { id: 4242 } };
      return { status: 404, body: { errors: ['not found'] } };
    });
    const github = await fakeHttp((r) => {
      if (r.method === 'POST' && r.url === '/repos/course-team/courseware/issues') {
        return { status: 201, body: { number: 17, html_url: 'https://github.example/course-team/courseware/issues/17' }, headers: { 'x-ratelimit-limit': '5000', 'x-ratelimit-remaining': '4999', 'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + 3600) } };
      }
      return { status: 404, body: { message: 'Not Found' } };
    });
    const s = await testServices({
      DISCOURSE_URL: discourse.url, DISCOURSE_API_KEY: 'k', DISCOURSE_API_USERNAME: 'tinyarena', DISCOURSE_WEBHOOK_SECRET: 'x',
      GITHUB_API_URL: github.url, GITHUB_TOKEN: 'ghp_test', COURSEWARE_REPO: 'course-team/courseware',
    });
    const { db } = s;
    const mod = await db.person.create({ data: { handle: 'mod', displayName: 'Mod' } });
    await db.personRole.create({ data: { personId: mod.id, role: 'moderator' } });
    const learner = await db.person.create({ data: { handle: 'lea', displayName: 'Lea' } });
    const topic = (id: number, title: string) => db.forumTopic.create({ data: { id, title, body: 'details', authorUsername: 'ada', url: `${discourse.url}/t/x/${id}`, postedAt: new Date() } });
    await topic(1, 'Arena too small');
    await topic(2, 'Broken link in 5.1');
    await topic(3, 'Cheap essays');
    const arena = await db.triageDecision.create({ data: { topicId: 1, kind: 'deployment', courseSection: '4.4', tags: ['tflm-runtime', 'memory'], answerDraft: 'Size the arena with arena_used_bytes().', citations: [{ id: 'tensor-arena-too-small', title: 't', url: 'faq/tensor-arena-too-small.md' }], confidence: 0.97 } });
    const bug = await db.triageDecision.create({ data: { topicId: 2, kind: 'courseware-bug', courseSection: '5.1', tags: ['course-logistics'], confidence: 0.3, abstained: true } });
    const spam = await db.triageDecision.create({ data: { topicId: 3, kind: 'spam', tags: [], confidence: 0.1, abstained: true } });

    expect((await listProposals(s)).map((d) => d.topicId)).toEqual([1, 2, 3]);
    await expect(approveProposal(s, arena.id, { personId: learner.id })).rejects.toThrow(ReviewError);

    const applied = await approveProposal(s, arena.id, { personId: mod.id }, { tags: ['tflm-runtime', 'memory', 'vww'] });
    expect(applied).toMatchObject({ status: 'published', replyPostId: 4242, tags: ['nano-33', 'tflm-runtime', 'memory', 'vww'] });
    const put = discourse.seen.find((r) => r.method === 'PUT');
    expect(JSON.parse(put!.body)).toEqual({ tags: ['nano-33', 'tflm-runtime', 'memory', 'vww'] });
    expect(JSON.parse(discourse.seen.find((r) => r.method === 'POST')!.body)).toMatchObject({ topic_id: 1, raw: expect.stringContaining('arena_used_bytes') as string });
    expect(discourse.seen.every((r) => r.headers['api-key'] === 'k' && r.headers['api-username'] === 'tinyarena')).toBe(true);
    await expect(approveProposal(s, arena.id, { personId: mod.id })).rejects.toThrow(/already published/);

    const bugResult = await approveProposal(s, bug.id, { personId: mod.id });
    expect(bugResult).toMatchObject({ status: 'published', githubIssue: { number: 17 } });
    expect(github.seen).toHaveLength(1);
    expect(github.seen[0]!.headers.authorization).toBe('token ghp_test');
    expect(JSON.parse(github.seen[0]!.body)).toMatchObject({ title: '[5.1] Broken link in 5.1', labels: ['courseware-bug'], body: expect.stringContaining(`${discourse.url}/t/x/2`) as string });
    // No reply for a bug, and never a second issue for the same topic.
    expect(discourse.seen.filter((r) => r.method === 'POST')).toHaveLength(1);
    expect(await openCoursewareIssue(s, mod.id, { id: 2, title: 'Broken link in 5.1', body: 'details', url: 'u' }, '5.1')).toMatchObject({ number: 17, created: false });
    expect(github.seen).toHaveLength(1);

    const before = discourse.seen.length;
    await dismissProposal(s, spam.id, { personId: mod.id, reason: 'spam, deleted by hand' });
    expect(discourse.seen.length).toBe(before);
    expect((await db.triageDecision.findUnique({ where: { id: spam.id } }))?.status).toBe('dismissed');
    expect(await listProposals(s)).toEqual([]);

    const actions = (await db.auditLog.findMany({ orderBy: { id: 'asc' } })).map((a) => a.action);
    expect(actions).toEqual(['triage.approve-edited', 'discourse.tags', 'discourse.reply', 'triage.approve', 'discourse.tags', 'github.issue', 'triage.dismiss']);
  });
});

describe('unanswered topics report', () => {
  it('messages the moderators once about old topics that still have only their first post', async () => {
    const discourse = await fakeHttp((r) => {
      const m = /^\/t\/(\d+)\.json$/.exec(r.url);
      if (r.method === 'GET' && m) return { status: 200, body: { id: Number(m[1]), title: 't', slug: 't', tags: [], posts_count: m[1] === '11' ? 1 : 3 } };
      if (r.method === 'POST' && r.url === '/posts.json') return { status: 200, body: { id: 777 } };
      return { status: 404, body: { errors: ['not found'] } };
    });
    const s = await testServices({ DISCOURSE_URL: discourse.url, DISCOURSE_API_KEY: 'k', DISCOURSE_API_USERNAME: 'tinyarena', DISCOURSE_WEBHOOK_SECRET: 'x' });
    const now = new Date('2026-11-22T12:00:00Z');
    const topic = (id: number, hoursAgo: number) => s.db.forumTopic.create({ data: { id, title: `Topic ${id}`, body: 'b', authorUsername: 'ada', url: `${discourse.url}/t/x/${id}`, postedAt: new Date(now.getTime() - hoursAgo * 3_600_000) } });
    await topic(11, 72); // old, unanswered → reported
    await topic(12, 72); // old, answered
    await topic(13, 2); // too young

    expect(await reportUnansweredTopics(s, { olderThanMs: 48 * 3_600_000, now })).toEqual({ reported: [11], messagePostId: 777 });
    const pm = JSON.parse(discourse.seen.find((r) => r.method === 'POST')!.body) as Record<string, string>;
    expect(pm).toMatchObject({ archetype: 'private_message', target_recipients: 'moderators' });
    expect(pm.raw).toContain(`[Topic 11](${discourse.url}/t/x/11)`);
    expect(pm.raw).not.toContain('Topic 12');
    // Reported once: the next run finds nothing new.
    expect(await reportUnansweredTopics(s, { olderThanMs: 48 * 3_600_000, now })).toEqual({ reported: [], messagePostId: null });
    expect(discourse.seen.filter((r) => r.method === 'POST')).toHaveLength(1);
  });
});
