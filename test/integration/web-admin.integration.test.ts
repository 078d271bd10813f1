/**
 * Organizer side of the web: sign-in with a token into a session, CSRF on every form, the whole
 * authorization matrix (anonymous / learner / organizer × every organizer route and the guarded API
 * routes), actions that land in the audit log, CSV/JSON exports; then the same flow in real headless
 * Chromium (skipped where /usr/bin/chromium is not installed; .ci/run installs it).
 */
import { existsSync } from 'node:fs';
import { describe, expect, it, onTestFinished } from 'vitest';
import { submit } from '../../arena/intake.js';
import { grantRole, issueToken } from '../../arena/people.js';
import { FakeDiscordOAuth } from '../fakes/fake-discord-oauth.js';
import { Agent, webUp } from '../helpers/web.js';
import { freePort } from '../helpers/cli.js';
import { kwsModel, person, pipelineServices } from '../helpers/pipeline.js';
import { HAVE_SHARED_MODELS } from '../helpers/shared.js';

async function setup() {
  const s = await pipelineServices({ env: { PORT: String(await freePort()) } });
  const base = await webUp(s);
  const learner = await person(s, 'lee');
  const org = await person(s, 'olga');
  await grantRole(s.db, org.id, 'organizer');
  const tokens = { learner: (await issueToken(s.db, learner.id, 't')).secret, organizer: (await issueToken(s.db, org.id, 't')).secret };
  const sub = await submit(s, { challengeId: 'kws-test', personId: learner.id, fileName: 'm.tflite', source: 'api', body: kwsModel() });
  return { s, base, tokens, sub, learner };
}

describe.skipIf(!HAVE_SHARED_MODELS)('organizer web', () => {
  it('signs in with a token, refuses forged forms, and walks the authorization matrix', async () => {
    const { s, base, tokens, sub, learner: lee } = await setup();
    const anon = new Agent(base);
    const learner = new Agent(base);
    const org = new Agent(base);

    expect((await learner.signIn('ta_wrong')).status).toBe(401);
    expect((await learner.signIn(tokens.learner)).status).toBe(303);
    const signedIn = await org.signIn(tokens.organizer);
    expect(signedIn.status).toBe(303);
    expect(signedIn.headers.get('location')).toBe('/admin');
    expect(signedIn.headers.get('set-cookie')).toMatch(/HttpOnly/i);
    expect(signedIn.headers.get('set-cookie')).toMatch(/SameSite=Lax/i);
    // A sign-in form without the CSRF token is refused.
    expect((await new Agent(base).post('/login', { token: tokens.organizer })).status).toBe(403);

    const gets = ['/admin', '/admin/audit', '/admin/challenges/kws-test/leaderboard.csv', '/admin/challenges/kws-test/leaderboard.json?split=private', '/admin/challenges/kws-test/gradebook.csv'];
    for (const path of gets) {
      const a = await anon.req(path);
      expect([path, a.status, a.headers.get('location')]).toEqual([path, 303, `/login?next=${encodeURIComponent(path)}`]);
      expect([path, (await learner.req(path)).status]).toEqual([path, 403]);
      expect([path, (await org.req(path)).status]).toEqual([path, 200]);
    }
    const orgCsrf = await org.csrf('/admin');
    const learnerCsrf = await learner.csrf('/login');
    const posts: [string, Record<string, string>][] = [
      ['/admin/challenges/kws-test/action', { action: 'freeze', reason: 'matrix' }],
      ['/admin/rejudge', { challenge: 'kws-test', reason: 'matrix' }],
      ['/admin/disqualify', { submission: sub.id, reason: 'matrix' }],
      ['/admin/quota', { challenge: 'kws-test', handle: 'lee', extra: '1', reason: 'matrix' }],
    ];
    for (const [path, fields] of [...posts, ['/admin/challenges/kws-test/publish', { reason: 'matrix' }] as [string, Record<string, string>]]) {
      expect([path, (await anon.post(path, fields)).status]).toEqual([path, 303]);
      expect([path, (await learner.post(path, { ...fields, _csrf: learnerCsrf })).status]).toEqual([path, 403]);
      // An organizer's browser tricked into posting from elsewhere carries no token.
      expect([path, (await org.post(path, fields)).status]).toEqual([path, 403]);
    }
    expect(await s.db.auditLog.count()).toBe(0);
    // The API guards hold for sessions too.
    expect((await anon.req('/api/challenges/kws-test/leaderboard?split=private')).status).toBe(403);
    expect((await learner.req('/api/challenges/kws-test/leaderboard?split=private')).status).toBe(403);
    expect((await org.req('/api/challenges/kws-test/leaderboard?split=private')).status).toBe(200);
    expect((await learner.req(`/api/submissions/${sub.id}`)).status).toBe(200);
    expect((await anon.req(`/api/submissions/${sub.id}`)).status).toBe(401);
    expect((await fetch(`${base}/admin`, { headers: { authorization: `Bearer ${tokens.organizer}` } })).status).toBe(200);

    // Real actions, audited with who and why.
    for (const [path, fields] of posts) {
      const r = await org.post(path, { ...fields, _csrf: orgCsrf });
      expect([path, r.status, r.headers.get('location')]).toEqual([path, 303, expect.stringMatching(/^\/admin\?done=/)]);
      // The dashboard says what a rejudge did, in the words the CLI uses.
      if (path === '/admin/rejudge') expect(new URL(r.headers.get('location')!, base).searchParams.get('done')).toMatch(/^1 submission queued for rejudging under evaluator e\d+-[0-9a-f]+; it was not judged yet: its run starts over\.$/);
    }
    const audit = await s.db.auditLog.findMany({ orderBy: { id: 'asc' }, include: { actor: true } });
    expect(audit.map((a) => a.action)).toEqual(['challenge.freeze', 'submission.rejudge', 'submission.disqualify', 'quota.grant']);
    expect(audit.every((a) => a.actor?.handle === 'olga' && a.reason === 'matrix')).toBe(true);
    const dash = await (await org.req('/admin')).text();
    expect(dash).toContain('(frozen)');
    expect(dash).toContain('challenge.freeze');
    // The audit log names people by handle and submissions by file and owner, never by internal id,
    // and shows the whole before/after data in a wrapping block.
    const log = await (await org.req('/admin/audit')).text();
    expect(log).toMatch(/<code>quota\.grant<\/code><\/td><td>person <strong>lee<\/strong><\/td>/);
    expect(log).toContain(`submission <a href="/submissions/${sub.id}">m.tflite by lee</a>`);
    expect(log).toContain('challenge <a href="/challenges/kws-test">kws-test</a>');
    expect(log).not.toContain(lee.id);
    expect(log).toMatch(/<pre class="audit-data" tabindex="0">\{\n {2}&quot;before&quot;/);
    expect(dash).toMatch(/quota\.grant person <strong>lee<\/strong>/);
    const bad = await org.post('/admin/quota', { challenge: 'kws-test', handle: 'nobody', extra: '1', reason: 'x', _csrf: orgCsrf });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('no person');

    const gradebook = await (await org.req('/admin/challenges/kws-test/gradebook.csv')).text();
    expect(gradebook.split('\r\n')[0]).toBe('handle,display_name,submissions,scored,best_public,best_private,public_rank,private_rank,disqualified');
    expect(gradebook).toContain('lee,lee,1,');

    // Signing out ends the session.
    expect((await org.post('/logout', { _csrf: orgCsrf })).status).toBe(303);
    expect((await org.req('/admin')).status).toBe(303);
  });

  it('signs in with Discord OAuth2: state checked, accounts linked, organizer rights follow the guild roles', async () => {
    const oauth = new FakeDiscordOAuth('111', 'shh', '999');
    await oauth.start();
    onTestFinished(() => oauth.stop());
    const port = await freePort();
    const s = await pipelineServices({
      env: { PORT: String(port), PUBLIC_URL: `http://127.0.0.1:${port}`, DISCORD_API_URL: oauth.url, DISCORD_TOKEN: 'bot-token-unused-here', DISCORD_APPLICATION_ID: '111', DISCORD_CLIENT_SECRET: 'shh', DISCORD_GUILD_ID: '999', DISCORD_ORGANIZER_ROLE_IDS: '42' },
    });
    const base = await webUp(s);
    const signIn = async (agent: Agent) => {
      const start = await agent.req('/auth/discord');
      expect(start.status).toBe(302);
      const consent = await fetch(start.headers.get('location')!, { redirect: 'manual' });
      const back = new URL(consent.headers.get('location')!);
      return agent.req(back.pathname + back.search);
    };
    expect(await (await fetch(`${base}/login`)).text()).toContain('Sign in with Discord');

    oauth.nextUser = { id: '5001', username: 'Olga.K', global_name: 'Olga', roles: ['42'] };
    const org = new Agent(base);
    const landed = await signIn(org);
    expect([landed.status, landed.headers.get('location')]).toEqual([303, '/admin']);
    expect((await org.req('/admin')).status).toBe(200);
    const olga = await s.db.person.findUniqueOrThrow({ where: { handle: 'olga.k' }, include: { identities: true } });
    expect(olga.identities).toMatchObject([{ provider: 'discord', externalId: '5001' }]);

    oauth.nextUser = { id: '5002', username: 'lee', roles: [] };
    const learner = new Agent(base);
    expect((await signIn(learner)).headers.get('location')).toBe('/');
    expect((await learner.req('/admin')).status).toBe(403);

    // The role is withdrawn on Discord: the next sign-in withdraws it here too (same person, not a new one).
    oauth.nextUser = { id: '5001', username: 'Olga.K', roles: [] };
    const again = new Agent(base);
    expect((await signIn(again)).headers.get('location')).toBe('/');
    expect((await again.req('/admin')).status).toBe(403);
    expect(await s.db.person.count({ where: { handle: { startsWith: 'olga' } } })).toBe(1);
    expect((await s.db.auditLog.findMany({ orderBy: { id: 'asc' } })).map((a) => a.action)).toEqual(['person.role-grant', 'person.role-revoke']);

    // A callback that did not start here (forged or replayed state) is refused.
    const forged = new Agent(base);
    expect((await forged.req('/auth/discord/callback?code=abc&state=forged')).status).toBe(400);
    oauth.nextUser = null;
    expect((await signIn(new Agent(base))).status).toBe(400);
  });

  it('moderators review triage proposals: approve with edits, dismiss, everyone else refused, all audited', async () => {
    const s = await pipelineServices({ env: { PORT: String(await freePort()) } });
    const base = await webUp(s);
    const mod = await person(s, 'mia');
    await grantRole(s.db, mod.id, 'moderator');
    const org = await person(s, 'olga');
    await grantRole(s.db, org.id, 'organizer');
    const lee = await person(s, 'lee');
    const topic = (id: number, title: string) => s.db.forumTopic.create({ data: { id, title, body: 'My Nano 33 BLE Sense is not found on the port <b>COM3</b>.', authorUsername: 'learner1', url: `https://forum.example/t/${id}`, postedAt: new Date() } });
    await topic(11, 'Board not found');
    await topic(12, 'Buy cheap watches');
    const a = await s.db.triageDecision.create({ data: { topicId: 11, kind: 'hardware-setup', courseSection: '4.1', tags: ['arduino'], answerDraft: 'Press reset twice.', citations: [{ id: 'faq-port', title: 'Board not found', url: 'https://course.example/faq#port' }], confidence: 0.8 } });
    const b = await s.db.triageDecision.create({ data: { topicId: 12, kind: 'spam', tags: [], confidence: 0.9, kindConfidence: 0.97, evidence: ['spam signal: links to watches.example', 'off-topic: no confident answer'] } });

    const moderator = new Agent(base);
    expect((await moderator.signIn((await issueToken(s.db, mod.id, 't')).secret)).status).toBe(303);
    const page = await (await moderator.req('/moderation')).text();
    expect(page).toContain('Board not found');
    expect(page).toContain('&lt;b&gt;COM3&lt;/b&gt;');
    expect(page).toContain('href="https://course.example/faq#port"');
    // Spam comes first, with its evidence; there is no precision yet.
    expect(page.indexOf('Likely spam')).toBeLessThan(page.indexOf('Board not found'));
    expect(page).toContain('spam signal: links to watches.example');
    expect(page).toContain('97 % sure');
    expect(page).toContain('No reviewed proposals yet');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page)![1]!;

    const learner = new Agent(base);
    await learner.signIn((await issueToken(s.db, lee.id, 't')).secret);
    const organizer = new Agent(base);
    await organizer.signIn((await issueToken(s.db, org.id, 't')).secret);
    expect((await new Agent(base).req('/moderation')).status).toBe(303);
    expect((await learner.req('/moderation')).status).toBe(403);
    expect((await organizer.req('/moderation')).status).toBe(403);
    expect((await learner.post(`/moderation/${a.id}/approve`, { _csrf: await learner.csrf('/login') })).status).toBe(403);
    expect((await moderator.post(`/moderation/${a.id}/approve`, { kind: 'hardware-setup' })).status).toBe(403);

    const approved = await moderator.post(`/moderation/${a.id}/approve`, { _csrf: csrf, kind: 'hardware-setup', courseSection: '4.1', tags: 'arduino, drivers', answerDraft: 'Press reset twice.' });
    expect(approved.status).toBe(303);
    expect(await s.db.triageDecision.findUniqueOrThrow({ where: { id: a.id } })).toMatchObject({ status: 'edited', reviewerId: mod.id, tags: ['arduino', 'drivers'] });
    expect((await moderator.post(`/moderation/${b.id}/dismiss`, { _csrf: csrf, reason: 'a watch shop, but not spam', kind: 'off-topic' })).status).toBe(303);
    expect((await s.db.triageDecision.findUniqueOrThrow({ where: { id: b.id } })).status).toBe('dismissed');
    const twice = await moderator.post(`/moderation/${b.id}/dismiss`, { _csrf: csrf });
    expect(twice.status).toBe(409);
    expect(await twice.text()).toContain('already dismissed');
    expect((await s.db.auditLog.findMany({ orderBy: { id: 'asc' } })).map((x) => [x.action, x.actorId])).toEqual([
      ['triage.approve-edited', mod.id],
      ['triage.dismiss', mod.id],
    ]);
    const after = await (await moderator.req('/moderation')).text();
    expect(after).toContain('No proposals waiting.');
    // Precision on the recent decisions: the edit kept hardware-setup, the dismissal did not keep spam.
    expect(after).toMatch(/<th scope="row">hardware-setup<\/th><td>1 of 1<\/td><td>100 %<\/td>/);
    expect(after).toMatch(/<th scope="row">spam<\/th><td>0 of 1<\/td><td>0 %<\/td>/);
    expect(await s.db.triageExample.findUniqueOrThrow({ where: { decisionId: b.id } })).toMatchObject({ source: 'dismissed', kind: 'off-topic', negative: false });
  });

  it('shows the rack: states and health for everyone, device paths and lease holders for organizers only', async () => {
    const { s, base, tokens } = await setup();
    await s.db.board.createMany({
      data: [
        { id: 'nano-1', kind: 'nano33ble', location: '/dev/ttyACM0', state: 'idle', health: 1 },
        { id: 'nano-2', kind: 'nano33ble', location: '/dev/ttyACM1', state: 'quarantined', health: 0.2, consecutiveFailures: 3, lastError: 'hung during infer' },
        { id: 'nano-3', kind: 'nano33ble', location: '/dev/ttyACM2', state: 'leased', leasedBy: 'worker-7', leaseExpiresAt: new Date(Date.now() - 1000) },
      ],
    });
    const pub = (await (await fetch(`${base}/api/rack`)).json()) as { boards: Record<string, unknown>[] };
    expect(pub.boards.map((b) => [b.id, b.state])).toEqual([
      ['nano-1', 'idle'],
      ['nano-2', 'quarantined'],
      ['nano-3', 'idle'],
    ]);
    expect(pub.boards.every((b) => !('location' in b) && !('leasedBy' in b))).toBe(true);
    const priv = (await (await fetch(`${base}/api/rack`, { headers: { authorization: `Bearer ${tokens.organizer}` } })).json()) as { boards: { location: string }[] };
    expect(priv.boards[0]!.location).toBe('/dev/ttyACM0');
    const html = await (await fetch(`${base}/rack`)).text();
    expect(html).toContain('3 boards: 2 idle, 0 leased, 1 quarantined, 0 offline');
    expect(html).toContain('hung during infer');
    expect(html).not.toContain('/dev/tty');
  });

  it.skipIf(!existsSync('/usr/bin/chromium'))('an organizer signs in and freezes a challenge in headless Chromium', { timeout: 90_000 }, async () => {
    const { s, base, tokens } = await setup();
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    try {
      const page = await (await browser.newContext()).newPage();
      await page.goto(`${base}/admin`);
      expect(page.url()).toContain('/login?next=%2Fadmin');
      await page.getByLabel('API token').fill(tokens.organizer);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.waitForURL(`${base}/admin`);
      await expect(page.getByRole('heading', { name: 'Organizer dashboard' }).isVisible()).resolves.toBe(true);
      const row = page.locator('tr', { hasText: 'kws-test' });
      await row.getByLabel('Action').selectOption('freeze');
      await row.getByLabel('Reason').fill('end of the public phase');
      await row.getByRole('button', { name: 'Apply' }).click();
      await page.waitForURL(/\/admin\?done=/);
      expect(await page.getByRole('status').textContent()).toContain('kws-test is now open (frozen)');
      expect(await page.locator('li', { hasText: 'challenge.freeze' }).first().textContent()).toContain('end of the public phase');
      expect(await s.db.auditLog.count({ where: { action: 'challenge.freeze' } })).toBe(1);

      // Automated accessibility audit (axe-core, WCAG 2 A/AA rules) of the main pages.
      const { AxeBuilder } = await import('@axe-core/playwright');
      const sub = await s.db.submission.findFirstOrThrow();
      const team = await s.db.team.create({ data: { challengeId: 'kws-test', name: 'Tiny Ears', members: { create: [{ personId: sub.personId, challengeId: 'kws-test', isCaptain: true }] } } });
      for (const path of ['/', '/challenges/kws-test', '/challenges/kws-test/leaderboard', `/submissions/${sub.id}`, `/teams/${team.id}`, '/challenges/kws-test/team', '/rack', '/admin', '/admin/audit', '/login', '/leaderboards', '/me/submissions', '/help/quantization']) {
        await page.goto(base + path);
        const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa']).analyze();
        expect([path, result.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.length})`)]).toEqual([path, []]);
      }
    } finally {
      await browser.close();
    }
  });
});
