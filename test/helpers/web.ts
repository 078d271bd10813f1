/** The real web server on the test's services, and a small cookie-keeping browser over fetch. */
import { onTestFinished } from 'vitest';
import { collectHealth } from '../../core/health.js';
import type { Services } from '../../core/services.js';
import { WebServer } from '../../web/server.js';

export async function webUp(s: Services): Promise<string> {
  const web = new WebServer({ services: s, health: () => collectHealth(s, [], 'test') });
  await web.start();
  onTestFinished(() => web.stop());
  return `http://127.0.0.1:${s.config.PORT}`;
}

/** A tiny cookie-keeping browser over fetch. */
export class Agent {
  private cookie = '';
  constructor(private readonly base: string) {}
  async req(path: string, init: RequestInit = {}): Promise<Response> {
    const res = await fetch(this.base + path, { ...init, redirect: 'manual', headers: { ...(init.headers ?? {}), ...(this.cookie ? { cookie: this.cookie } : {}) } });
    const set = res.headers.get('set-cookie');
    if (set) this.cookie = set.split(';')[0]!;
    return res;
  }
  async csrf(path = '/login'): Promise<string> {
    const html = await (await this.req(path)).text();
    return /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';
  }
  post(path: string, fields: Record<string, string>) {
    return this.req(path, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString() });
  }
  async signIn(token: string): Promise<Response> {
    const csrf = await this.csrf('/login');
    return this.post('/login', { _csrf: csrf, token, next: '/admin' });
  }
}

