/**
 * Web hardening (issue 17): no cross-site writes with a browser's cookie (#2), client mistakes are
 * 4xx with a short message and no error log (#3), and the smaller findings of #7 (sessions only when
 * needed, security headers, /healthz details, TRUST_PROXY).
 */
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { signBody } from '../helpers/discourse-signature.js';
import type { Services } from '../../core/services.js';
import { grantRole, issueToken } from '../../arena/people.js';
import { freePort } from '../helpers/cli.js';
import { gradedSubmission, rebuildBoards } from '../helpers/graded.js';
import { person, pipelineServices } from '../helpers/pipeline.js';
import { Agent, webUp } from '../helpers/web.js';

/** Error-level log lines written while the test runs. */
function captureErrors(s: Services): string[] {
  const seen: string[] = [];
  const logger = s.logger as unknown as Record<string, unknown>;
  for (const level of ['error', 'fatal']) logger[level] = (...args: unknown[]) => void seen.push(`${level}: ${JSON.stringify(args)}`);
  return seen;
}

async function setup(env: Record<string, string> = {}) {
  const s = await pipelineServices({ challenge: { projects: { judgesPerEntry: 1 } }, env: { PORT: String(await freePort()), DISCOURSE_URL: 'http://127.0.0.1:9', DISCOURSE_API_KEY: 'k', DISCOURSE_API_USERNAME: 'u', DISCOURSE_WEBHOOK_SECRET: 'hook-secret', ...env } });
  const errors = captureErrors(s);
  const base = await webUp(s);
  const [ada, olga] = [await person(s, 'ada'), await person(s, 'olga')];
  await grantRole(s.db, olga.id, 'organizer');
  const tokens = { ada: (await issueToken(s.db, ada.id, 't')).secret, olga: (await issueToken(s.db, olga.id, 't')).secret };
  return { s, base, errors, tokens };
}

const EVIL = 'http://evil.example';

describe('cross-site writes (issue 17 #2)', () => {
  it('refuses cookie-authenticated API writes from another site or without the CSRF token; bearer clients are unaffected', async () => {
    const { s, base, tokens } = await setup();
    const ada = new Agent(base);
    expect((await ada.signIn(tokens.ada)).status).toBe(303);
    const project = JSON.stringify({ title: 'Tiny doorbell', description: 'Wakes on a knock and recognises three family members.' });

    // A "simple" request any page can send: text/plain and multipart uploads, with or without a foreign Origin.
    const plain = await ada.req('/api/submissions?challenge=kws-test&fileName=m.tflite', { method: 'POST', headers: { 'content-type': 'text/plain', origin: EVIL }, body: 'not a model' });
    expect(plain.status).toBe(403);
    const form = new FormData();
    form.set('challenge', 'kws-test');
    form.set('model', new Blob([new Uint8Array(64)]), 'm.tflite');
    expect((await ada.req('/api/submissions', { method: 'POST', body: form })).status).toBe(403);
    expect((await ada.req('/api/submissions', { method: 'POST', headers: { 'sec-fetch-site': 'cross-site' }, body: form })).status).toBe(403);
    const cross = await ada.req('/api/challenges/kws-test/projects', { method: 'POST', headers: { 'content-type': 'application/json', origin: EVIL }, body: project });
    expect(cross.status).toBe(403);
    expect(((await cross.json()) as { error: string }).error).toMatch(/another site/);
    expect((await ada.req('/api/challenges/kws-test/projects', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: project })).status).toBe(403);
    expect(await s.db.submission.count()).toBe(0);
    expect(await s.db.projectEntry.count()).toBe(0);

    // Even with the form's token, a post that says it is cross-site is refused; so is a login from elsewhere.
    const csrf = await ada.csrf('/challenges/kws-test/projects');
    expect((await ada.req('/challenges/kws-test/projects', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', origin: EVIL }, body: new URLSearchParams({ _csrf: csrf, title: 'x' }).toString() })).status).toBe(403);
    const anon = new Agent(base);
    const loginCsrf = await anon.csrf('/login');
    expect((await anon.req('/login', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'sec-fetch-site': 'cross-site' }, body: new URLSearchParams({ _csrf: loginCsrf, token: tokens.ada }).toString() })).status).toBe(403);

    // The site's own pages: same origin, or the token in X-CSRF-Token.
    const same = await ada.req('/api/challenges/kws-test/projects', { method: 'POST', headers: { 'content-type': 'application/json', origin: base, 'sec-fetch-site': 'same-origin' }, body: project });
    expect(same.status).toBe(201);
    const withToken = await ada.req('/api/challenges/kws-test/projects', { method: 'POST', headers: { 'content-type': 'application/json', 'x-csrf-token': csrf }, body: project });
    expect(withToken.status).toBe(201);
    // Bearer-token clients send no ambient credentials: no Origin check, no CSRF token.
    const bearer = await fetch(`${base}/api/challenges/kws-test/projects`, { method: 'POST', headers: { 'content-type': 'application/json', origin: EVIL, authorization: `Bearer ${tokens.ada}` }, body: project });
    expect(bearer.status).toBe(201);
  });
});

describe('client errors (issue 17 #3)', () => {
  it('answers malformed and oversized bodies, bad page numbers and a signed null webhook with 4xx, logging no error', async () => {
    const { base, errors, tokens } = await setup();
    const bearer = { authorization: `Bearer ${tokens.ada}` };
    const expectClientError = async (res: Response, status: number, message: RegExp) => {
      expect([res.url, res.status]).toEqual([res.url, status]);
      expect(await res.text()).toMatch(message);
    };
    await expectClientError(await fetch(`${base}/api/challenges/kws-test/projects`, { method: 'POST', headers: { ...bearer, 'content-type': 'application/json' }, body: '{"title":' }), 400, /not valid JSON/);
    await expectClientError(await fetch(`${base}/webhooks/discourse`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: new Uint8Array(3 * 1024 * 1024) }), 413, /too large/);
    const olga = new Agent(base);
    await olga.signIn(tokens.olga);
    const csrf = await olga.csrf('/admin');
    await expectClientError(await olga.post('/admin/rejudge', { _csrf: csrf, challenge: 'kws-test', reason: 'x'.repeat(20_000) }), 413, /too large/);
    await expectClientError(await fetch(`${base}/challenges/kws-test/leaderboard?page=1e308`), 400, /page must be a whole number/);
    await expectClientError(await olga.req('/admin/audit?page=1e300'), 400, /page must be a whole number/);
    expect((await olga.req('/admin/audit?page=3')).status).toBe(200);
    const signedNull = await fetch(`${base}/webhooks/discourse`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-discourse-event': 'post_created', 'x-discourse-event-id': 'n1', 'x-discourse-event-signature': signBody('hook-secret', 'null') }, body: 'null' });
    await expectClientError(signedNull, 400, /JSON object/);
    await expectClientError(await fetch(`${base}/submissions/%E0%A4%A`), 400, /percent-encoding/);
    expect(errors).toEqual([]);
  });
});

describe('smaller findings (issue 17 #7)', () => {
  it('stores no session for anonymous visitors: the sign-in form works from a cookie of its own', async () => {
    const { s, base, tokens } = await setup();
    const sessionKeys = async () => (await s.redis.keys(`${s.config.QUEUE_PREFIX}:sess:*`)).length;
    for (let i = 0; i < 50; i++) {
      const res = await fetch(`${base}/login`);
      expect(res.headers.get('set-cookie') ?? '').not.toContain('tinyarena.sid');
      await res.text();
    }
    expect(await sessionKeys()).toBe(0);
    const ada = new Agent(base);
    expect((await ada.signIn(tokens.ada)).status).toBe(303);
    expect(await sessionKeys()).toBe(1);
    // A token from another browser's nonce does not fit this one.
    const other = new Agent(base);
    const foreign = await other.csrf('/login');
    expect((await new Agent(base).post('/login', { _csrf: foreign, token: tokens.ada })).status).toBe(403);
  });
});

describe('security headers (issue 17 #7)', () => {
  it('sends CSP, frame and nosniff headers on pages, API answers and errors', async () => {
    const { base } = await setup();
    for (const path of ['/', '/login', '/challenges/kws-test/leaderboard', '/api/challenges', '/nope']) {
      const res = await fetch(base + path);
      const csp = res.headers.get('content-security-policy') ?? '';
      expect([path, csp]).toEqual([path, expect.stringContaining("default-src 'self'")]);
      expect(csp).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]+'/);
      expect(csp).toContain("frame-ancestors 'none'");
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('x-powered-by')).toBeNull();
    }
    // Every inline script and style of a page carries this response's nonce (the site's own pages
    // load theirs from /static; the nonce is for any inline one).
    const res = await fetch(`${base}/challenges/kws-test/leaderboard`);
    const nonce = /'nonce-([^']+)'/.exec(res.headers.get('content-security-policy')!)![1]!;
    const html = await res.text();
    const inline = html.match(/<(script|style)\b(?![^>]*\bsrc=)[^>]*>/g) ?? [];
    expect(inline.every((tag) => tag.includes(`nonce="${nonce}"`))).toBe(true);
    const stamped = await fetch(`${base}/nope`, { headers: { accept: 'text/html' } });
    expect(stamped.status).toBe(404);
  });

  it.skipIf(!existsSync('/usr/bin/chromium'))('pages run under the CSP in headless Chromium: styles apply, live scripts start, nothing is refused', { timeout: 90_000 }, async () => {
    const { s, base } = await setup();
    const ada = await person(s, 'ada');
    const running = await gradedSubmission(s, { personId: ada.id, fileName: 'live.tflite', createdAt: new Date(), publicScore: 50, privateScore: 50 });
    await s.db.submission.update({ where: { id: running }, data: { state: 'queued' } });
    await rebuildBoards(s);
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
    try {
      const context = await browser.newContext({ extraHTTPHeaders: { authorization: `Bearer ${(await issueToken(s.db, ada.id, 't')).secret}` } });
      const page = await context.newPage();
      const refused: string[] = [];
      page.on('console', (m) => {
        if (/Content Security Policy/i.test(m.text())) refused.push(m.text());
      });
      for (const path of ['/', '/login', '/challenges/kws-test', '/challenges/kws-test/leaderboard', `/submissions/${running}`]) {
        await page.goto(base + path);
        // The site's stylesheet applied (main is 72rem wide at most).
        expect([path, await page.evaluate("getComputedStyle(document.querySelector('main')).maxWidth")]).toEqual([path, '1152px']);
      }
      // The report's live script ran: it opened the event stream.
      const events = page.waitForRequest((r) => r.url().endsWith(`/submissions/${running}/events`), { timeout: 10_000 });
      await page.goto(`${base}/submissions/${running}`);
      await events;
      expect(refused).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});

describe('proxies and health details (issue 17 #7)', () => {
  it('shows /healthz details only to this machine or an organizer, and trusts no X-Forwarded-For unless TRUST_PROXY says so', async () => {
    const { s, base, tokens } = await setup();
    const forwarded = { 'x-forwarded-for': '203.0.113.5' };
    const outside = await (await fetch(`${base}/healthz`, { headers: forwarded })).text();
    expect(outside).toContain('"status"');
    for (const secret of [s.config.DATA_DIR, 'tinyarena.db', '6379', 'redis://']) expect(outside).not.toContain(secret);
    expect(await (await fetch(`${base}/healthz`, { headers: { ...forwarded, authorization: `Bearer ${tokens.ada}` } })).text()).not.toContain('6379');
    expect(await (await fetch(`${base}/healthz`, { headers: { ...forwarded, authorization: `Bearer ${tokens.olga}` } })).text()).toContain('tinyarena.db');
    expect(await (await fetch(`${base}/healthz`)).text()).toContain('tinyarena.db');

    // The login limit (20 per 15 minutes per client) holds however X-Forwarded-For is forged.
    const statuses: number[] = [];
    for (let i = 0; i < 22; i++) statuses.push((await fetch(`${base}/login`, { method: 'POST', headers: { 'x-forwarded-for': `198.51.100.${i}`, 'content-type': 'application/x-www-form-urlencoded' }, body: 'token=x' })).status);
    expect(statuses.slice(-2)).toEqual([429, 429]);
  });

  it('believes X-Forwarded-For from the proxies TRUST_PROXY names', async () => {
    const { base } = await setup({ TRUST_PROXY: 'loopback' });
    const statuses: number[] = [];
    for (let i = 0; i < 22; i++) statuses.push((await fetch(`${base}/login`, { method: 'POST', headers: { 'x-forwarded-for': `198.51.100.${i}`, 'content-type': 'application/x-www-form-urlencoded' }, body: 'token=x' })).status);
    expect(statuses).not.toContain(429);
  });
});
