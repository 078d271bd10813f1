/**
 * Authorization of every route (issue 17), walked from the express router itself: a route added
 * without an entry here fails the test. Each route is called as anonymous, a learner (the submitter),
 * another learner, the learner's team mate, a moderator, a judge and an organizer — browsers with
 * sessions, posting the CSRF token the way the site's own pages do — and must answer the expected
 * status. Form routes must also refuse a signed-in post without the token (CSRF).
 */
import { describe, expect, it } from 'vitest';
import { buildApp } from '../../web/app.js';
import type { Agent } from '../helpers/web.js';
import { arenaFixture, ROLES, type ArenaFixture, type Role } from '../helpers/arena-fixture.js';
import { listRoutes, routeKey } from '../helpers/routes.js';

type Body = { form: Record<string, string> } | { json: unknown } | { raw: string; type: string } | { multipart: Record<string, string>; file: { field: string; name: string; content: string } };
interface Call {
  path: string;
  body?: Body;
}
type Expect = Record<Role, number>;

/** The same status for everyone. */
const all = (status: number): Expect => Object.fromEntries(ROLES.map((r) => [r, status])) as Expect;
/** Sign-in pages for a role: anonymous → sign in, others → 403, the role → `ok`. */
const forRole = (roles: Role[], ok: number): Expect => Object.fromEntries(ROLES.map((r) => [r, r === 'anonymous' ? 303 : roles.includes(r) ? ok : 403])) as Expect;
/** API for signed-in people: anonymous 401, everyone else `ok`. */
const signedIn = (ok: number): Expect => ({ ...all(ok), anonymous: 401 });
/** The submitter, the team and organizers see the whole report; the rest get "no such submission". */
const reportOnly = (ok: number, anonymous = 404): Expect => ({ anonymous, learner: ok, teamMate: ok, organizer: ok, otherLearner: 404, moderator: 404, judge: 404 });

function table(f: ArenaFixture): Record<string, { call: Call; expect: Expect }> {
  const { challenge: c, team, hidden } = f.ids;
  const form = (fields: Record<string, string>): Body => ({ form: fields });
  return {
    'GET /healthz': { call: { path: '/healthz' }, expect: all(200) },
    'POST /webhooks/discourse': { call: { path: '/webhooks/discourse', body: { json: { post: { id: 1, topic_id: 1, post_number: 1 } } } }, expect: all(401) },
    'GET /login': { call: { path: '/login' }, expect: all(200) },
    'POST /login': { call: { path: '/login', body: form({ token: 'ta_not-a-token' }) }, expect: all(401) },
    'GET /auth/discord': { call: { path: '/auth/discord' }, expect: all(404) },
    'GET /auth/discord/callback': { call: { path: '/auth/discord/callback?code=x&state=y' }, expect: all(404) },
    'GET /admin': { call: { path: '/admin' }, expect: forRole(['organizer'], 200) },
    'POST /admin/challenges/:id/action': { call: { path: `/admin/challenges/${c}/action`, body: form({ action: 'schedule', reason: 'authz walk' }) }, expect: forRole(['organizer'], 303) },
    'POST /admin/challenges/:id/publish': { call: { path: `/admin/challenges/${c}/publish`, body: form({ reason: 'authz walk' }) }, expect: forRole(['organizer'], 400) },
    'POST /admin/rejudge': { call: { path: '/admin/rejudge', body: form({ challenge: c, submissions: hidden, reason: 'authz walk' }) }, expect: forRole(['organizer'], 303) },
    'POST /admin/disqualify': { call: { path: '/admin/disqualify', body: form({ submission: 'no-such-submission', reason: 'authz walk' }) }, expect: forRole(['organizer'], 400) },
    'POST /admin/quota': { call: { path: '/admin/quota', body: form({ challenge: c, handle: 'cy', extra: '1', reason: 'authz walk' }) }, expect: forRole(['organizer'], 303) },
    'GET /admin/audit': { call: { path: '/admin/audit' }, expect: forRole(['organizer'], 200) },
    'GET /admin/challenges/:id/leaderboard.:format': { call: { path: `/admin/challenges/${c}/leaderboard.csv?split=private` }, expect: forRole(['organizer'], 200) },
    'GET /admin/challenges/:id/gradebook.csv': { call: { path: `/admin/challenges/${c}/gradebook.csv` }, expect: forRole(['organizer'], 200) },
    'GET /moderation': { call: { path: '/moderation' }, expect: forRole(['moderator'], 200) },
    'POST /moderation/:id/approve': { call: { path: '/moderation/no-such-proposal/approve', body: form({ kind: 'deployment' }) }, expect: forRole(['moderator'], 409) },
    'POST /moderation/:id/dismiss': { call: { path: '/moderation/no-such-proposal/dismiss', body: form({ reason: 'x' }) }, expect: forRole(['moderator'], 409) },
    'GET /api/rack': { call: { path: '/api/rack' }, expect: all(200) },
    'GET /rack': { call: { path: '/rack' }, expect: all(200) },
    'POST /api/challenges/:id/projects': { call: { path: `/api/challenges/${c}/projects`, body: { json: { title: 'Knock knock', description: 'A doorbell that wakes on a knock and greets the family.' } } }, expect: signedIn(201) },
    'POST /api/judge/conflicts': { call: { path: '/api/judge/conflicts', body: { json: { handle: 'ada', reason: 'my student' } } }, expect: { ...signedIn(403), judge: 204 } },
    'GET /challenges/:id/projects': { call: { path: `/challenges/${c}/projects` }, expect: all(200) },
    'POST /challenges/:id/projects': { call: { path: `/challenges/${c}/projects`, body: form({ title: 'Knock knock', description: 'A doorbell that wakes on a knock and greets the family.' }) }, expect: all(303) },
    'GET /judge': { call: { path: '/judge' }, expect: forRole(['judge'], 200) },
    'POST /judge/:entryId': { call: { path: '/judge/no-such-entry', body: form({ mark_technical: '5' }) }, expect: forRole(['judge'], 400) },
    'POST /admin/challenges/:id/projects/assign': { call: { path: `/admin/challenges/${c}/projects/assign`, body: form({}) }, expect: forRole(['organizer'], 303) },
    'GET /': { call: { path: '/' }, expect: all(200) },
    'GET /leaderboards': { call: { path: '/leaderboards' }, expect: all(200) },
    'GET /help/quantization': { call: { path: '/help/quantization' }, expect: all(200) },
    'GET /me/submissions': { call: { path: '/me/submissions' }, expect: { ...all(200), anonymous: 303 } },
    // The web upload form: anonymous goes to sign in; a signed-in upload of garbage is rejected at once
    // by preflight and lands on its report (303 either way).
    'POST /challenges/:id/submissions': { call: { path: `/challenges/${c}/submissions`, body: { multipart: { note: 'authz walk' }, file: { field: 'model', name: 'x.tflite', content: 'not a model either (web form)' } } }, expect: all(303) },
    'POST /api/submissions': { call: { path: `/api/submissions?challenge=${c}&fileName=x.tflite`, body: { raw: 'not a model', type: 'application/octet-stream' } }, expect: signedIn(422) },
    'GET /api/submissions/:id': { call: { path: `/api/submissions/${hidden}` }, expect: reportOnly(200, 401) },
    'POST /api/submissions/:id/final': { call: { path: `/api/submissions/${hidden}/final`, body: { json: { final: true } } }, expect: signedIn(409) },
    // The fixture's public board is frozen: no live board events for anyone.
    'GET /challenges/:id/leaderboard/events': { call: { path: `/challenges/${c}/leaderboard/events` }, expect: all(204) },
    'GET /api/challenges': { call: { path: '/api/challenges' }, expect: all(200) },
    'GET /api/challenges/:id/leaderboard': { call: { path: `/api/challenges/${c}/leaderboard?split=private` }, expect: { ...all(403), organizer: 200 } },
    'GET /challenges/:id/leaderboard': { call: { path: `/challenges/${c}/leaderboard` }, expect: all(200) },
    'GET /submissions/:id/events': { call: { path: `/submissions/${hidden}/events` }, expect: reportOnly(200) },
    'GET /submissions/:id': { call: { path: `/submissions/${hidden}` }, expect: reportOnly(200) },
    'GET /challenges/:id': { call: { path: `/challenges/${c}` }, expect: all(200) },
    'GET /teams/:id': { call: { path: `/teams/${team}` }, expect: all(200) },
    'GET /challenges/:id/team': { call: { path: `/challenges/${c}/team` }, expect: { ...all(200), anonymous: 303 } },
    'POST /challenges/:id/team/:action': { call: { path: `/challenges/${c}/team/leave`, body: form({}) }, expect: { ...all(400), anonymous: 303 } },
    // Last: it ends the sessions.
    'POST /logout': { call: { path: '/logout', body: form({}) }, expect: all(303) },
  };
}

/** Send a call the way the site's pages do: forms with the _csrf field, scripts with X-CSRF-Token. */
async function send(agent: Agent, call: Call, withToken = true): Promise<number> {
  const method = call.body ? 'POST' : 'GET';
  const token = withToken && call.body ? await agent.csrf('/login') : '';
  const headers: Record<string, string> = {};
  let body: string | undefined;
  if (call.body && 'form' in call.body) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    body = new URLSearchParams({ ...call.body.form, ...(token ? { _csrf: token } : {}) }).toString();
  } else if (call.body && 'multipart' in call.body) {
    // The page's form: the token first, then the fields, then the file.
    const fd = new FormData();
    if (token) fd.append('_csrf', token);
    for (const [k, v] of Object.entries(call.body.multipart)) fd.append(k, v);
    fd.append(call.body.file.field, new Blob([call.body.file.content]), call.body.file.name);
    const res = await agent.req(call.path, { method, body: fd });
    await res.body?.cancel();
    return res.status;
  } else if (call.body) {
    headers['content-type'] = 'json' in call.body ? 'application/json' : call.body.type;
    if (token) headers['x-csrf-token'] = token;
    body = 'json' in call.body ? JSON.stringify(call.body.json) : call.body.raw;
  }
  const res = await agent.req(call.path, { method, headers, ...(body !== undefined ? { body } : {}) });
  await res.body?.cancel();
  return res.status;
}

describe('authorization of every route', () => {
  it('answers each role as expected on every route of the router', { timeout: 180_000 }, async () => {
    const f = await arenaFixture();
    const expected = table(f);
    const routes = listRoutes(buildApp({ services: f.s, health: () => Promise.reject(new Error('unused')) })).map(routeKey);
    // Every route has an entry (a new route must say who may use it), and no entry is stale.
    expect(routes.filter((r) => !(r in expected))).toEqual([]);
    expect(Object.keys(expected).filter((k) => !routes.includes(k))).toEqual([]);
    const got: Record<string, Partial<Expect>> = {};
    for (const role of ROLES) {
      for (const [key, { call }] of Object.entries(expected)) (got[key] ??= {})[role] = await send(f.agents[role], call);
    }
    expect(got).toEqual(Object.fromEntries(Object.entries(expected).map(([k, v]) => [k, v.expect])));
  });

  it('refuses every signed-in form post without the CSRF token', { timeout: 120_000 }, async () => {
    const f = await arenaFixture();
    const expected = table(f);
    const before = await f.s.db.auditLog.count();
    for (const [key, { call }] of Object.entries(expected)) {
      if (!call.body || !('form' in call.body || 'multipart' in call.body)) continue;
      // The organizer may pass every role check; only the missing token stops the post.
      expect([key, await send(f.agents.organizer, call, false)]).toEqual([key, 403]);
    }
    expect(await f.s.db.auditLog.count()).toBe(before);
  });
});
