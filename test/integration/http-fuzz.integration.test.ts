/**
 * A bounded HTTP fuzz of every route (issue 17 #3): the routes come from the express router, and each
 * gets seeded random path parameters, query strings, bodies and content types, as anonymous, signed-in
 * browsers (with and without the CSRF token) and API tokens (good and garbage). No request may yield a
 * 5xx, nothing may reject unhandled, and the service is healthy afterwards. Deterministic: the seed is
 * fixed (FUZZ_SEED overrides it, FUZZ_ROUNDS the rounds per route).
 */
import { describe, expect, it } from 'vitest';
import { seededUniform } from '../../lib/rng.js';
import { buildApp } from '../../web/app.js';
import { arenaFixture, ROLES } from '../helpers/arena-fixture.js';
import { listRoutes } from '../helpers/routes.js';

const SEED = Number(process.env.FUZZ_SEED ?? 17);
const ROUNDS = Number(process.env.FUZZ_ROUNDS ?? 20);

describe('HTTP fuzz', () => {
  it('answers random and garbage requests on every route without a 5xx, and stays healthy', { timeout: 300_000 }, async () => {
    const f = await arenaFixture();
    const rnd = seededUniform(SEED);
    const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
    const junk = (n: number) => Array.from({ length: n }, () => String.fromCharCode(Math.floor(rnd() * 0x2fff))).join('');
    const params = ['x', f.ids.challenge, f.ids.team, f.ids.hidden, f.ids.onBoard, '', '%00', '..%2F..%2Fetc%2Fpasswd', 'a'.repeat(3000), '%F0%9F%92%A5', '%E0%A4%A', "'%3B%20DROP%20TABLE%20x", 'null', '-1', '1e308', 'leaderboard.csv', 'create', 'join', 'leave', 'nope'];
    const queryKeys = ['page', 'split', 'next', 'challenge', 'fileName', 'note', 'code', 'state', 'error', 'done', 'saved', 'format'];
    const queryValues = ['', '0', '1', '-1', '1e308', '1e300', '2.5', 'private', 'public', '//evil.example', '/admin', 'kws-test', '%00', 'x'.repeat(2000), '[object Object]', '💥'];
    const contentTypes = ['application/json', 'application/x-www-form-urlencoded', 'text/plain', 'multipart/form-data', 'multipart/form-data; boundary=zz', 'application/octet-stream', 'application/json; charset=utf-99', 'text/html', 'application/xml', ''];
    const bodies = (): string | Uint8Array => {
      switch (Math.floor(rnd() * 12)) {
        case 0: return '{"title":';
        case 1: return 'null';
        case 2: return JSON.stringify([1, 2, 3]);
        case 3: return JSON.stringify({ title: junk(50), description: junk(300), final: pick([true, 'yes', null, 1]), handle: pick(['ada', '', 5]), reason: junk(10), kind: junk(4) });
        case 4: return new URLSearchParams(Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`${pick(['action', 'reason', 'challenge', 'submission', 'handle', 'extra', 'name', 'code', 'token', 'mark_technical', 'comment', 'title', 'description', 'repoUrl', 'tags'])}${i % 3 ? '' : '[]'}`, junk(20)]))).toString();
        case 5: return '--zz\r\nContent-Disposition: form-data; name="challenge"\r\n\r\nkws-test\r\n--zz\r\nContent-Disposition: form-data; name="model"; filename="m.tflite"\r\n\r\n' + junk(100) + '\r\n--zz--\r\n';
        case 6: return '--zz\r\ngarbage';
        case 7: return new Uint8Array(Array.from({ length: 2048 }, () => Math.floor(rnd() * 256)));
        case 8: return 'a=' + 'b'.repeat(70_000);
        case 9: return JSON.stringify({ a: JSON.parse('['.repeat(200) + ']'.repeat(200)) as unknown });
        case 10: return '';
        default: return junk(500);
      }
    };
    const unhandled: string[] = [];
    const onUnhandled = (err: unknown) => void unhandled.push(String((err as Error)?.stack ?? err));
    process.on('unhandledRejection', onUnhandled);
    process.on('uncaughtException', onUnhandled);
    const failures: string[] = [];
    let sent = 0;
    try {
      const routes = listRoutes(buildApp({ services: f.s, health: () => Promise.reject(new Error('unused')) }));
      for (const route of routes) {
        for (let round = 0; round < ROUNDS; round++) {
          const path = route.path.replace(/:(\w+)/g, () => pick(params));
          const query = Array.from({ length: Math.floor(rnd() * 4) }, () => `${pick(queryKeys)}=${encodeURIComponent(pick(queryValues))}`).join('&');
          const url = path + (query ? `?${query}` : '');
          const who = pick([...ROLES, 'bearer', 'garbage-bearer'] as const);
          const headers: Record<string, string> = {};
          let body: string | Uint8Array | undefined;
          if (route.method !== 'GET') {
            body = bodies();
            const type = pick(contentTypes);
            if (type) headers['content-type'] = type;
            if (rnd() < 0.5 && who !== 'bearer' && who !== 'garbage-bearer') {
              const token = await f.agents[who].csrf('/login');
              if (typeof body === 'string' && type === 'application/x-www-form-urlencoded') body = `${body}&_csrf=${encodeURIComponent(token)}`;
              headers['x-csrf-token'] = token;
            }
          }
          if (who === 'bearer') headers.authorization = `Bearer ${pick(Object.values(f.tokens))}`;
          if (who === 'garbage-bearer') headers.authorization = pick(['Bearer ', 'Bearer ta_' + junk(40), 'Basic abc', 'Bearer', junk(30)]).replace(/[^\t\x20-\x7e]/g, 'x');
          if (rnd() < 0.2) headers.origin = pick(['http://evil.example', 'null', f.base]);
          const agent = who === 'bearer' || who === 'garbage-bearer' ? f.agents.anonymous : f.agents[who];
          sent++;
          try {
            const res = await agent.req(url, { method: route.method, headers, ...(body !== undefined ? { body } : {}) });
            if (res.status >= 500) failures.push(`${route.method} ${url.slice(0, 200)} as ${who} (${headers['content-type'] ?? 'no type'}): ${res.status} ${(await res.text()).slice(0, 200)}`);
            await res.body?.cancel().catch(() => undefined);
          } catch (err) {
            failures.push(`${route.method} ${url.slice(0, 200)} as ${who}: ${(err as Error).message}`);
          }
        }
      }
      // The service is still healthy, and still serves.
      const health = await fetch(`${f.base}/healthz`);
      expect(health.status).toBe(200);
      expect((await fetch(`${f.base}/challenges/${f.ids.challenge}/leaderboard`)).status).toBe(200);
    } finally {
      process.off('unhandledRejection', onUnhandled);
      process.off('uncaughtException', onUnhandled);
    }
    expect(sent).toBeGreaterThan(300);
    expect(failures).toEqual([]);
    expect(unhandled).toEqual([]);
  });
});
