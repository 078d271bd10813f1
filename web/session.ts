/**
 * Browser sessions: express-session with the sessions kept in Redis (every web process sees the same
 * ones; a restart signs nobody out), an httpOnly SameSite=Lax cookie (Secure when PUBLIC_URL is https),
 * and a per-session CSRF token every form posts back (synchronizer-token pattern).
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import session, { Store, type SessionData } from 'express-session';
import type { Redis } from 'ioredis';
import type { Services } from '../core/services.js';

declare module 'express-session' {
  interface SessionData {
    personId?: string;
    csrf?: string;
    /** OAuth2 `state` while a sign-in is in flight. */
    oauthState?: string;
  }
}

const TTL_S = 7 * 24 * 3600;

/** express-session store on ioredis (sessions as JSON with a TTL). */
class RedisSessionStore extends Store {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {
    super();
  }

  override get(sid: string, cb: (err: unknown, session?: SessionData | null) => void): void {
    void this.redis.get(this.prefix + sid).then((v) => cb(null, v ? (JSON.parse(v) as SessionData) : null), cb);
  }

  override set(sid: string, sess: SessionData, cb?: (err?: unknown) => void): void {
    void this.redis.set(this.prefix + sid, JSON.stringify(sess), 'EX', TTL_S).then(() => cb?.(), (err: unknown) => cb?.(err));
  }

  override destroy(sid: string, cb?: (err?: unknown) => void): void {
    void this.redis.del(this.prefix + sid).then(() => cb?.(), (err: unknown) => cb?.(err));
  }

  override touch(sid: string, _sess: SessionData, cb?: (err?: unknown) => void): void {
    void this.redis.expire(this.prefix + sid, TTL_S).then(() => cb?.(), (err: unknown) => cb?.(err));
  }
}

/** SESSION_SECRET, or one generated once and kept (0600) in DATA_DIR so restarts keep sessions. */
function sessionSecret(services: Services): string {
  if (services.config.SESSION_SECRET) return services.config.SESSION_SECRET;
  const file = join(services.config.DATA_DIR, 'session-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const secret = randomBytes(32).toString('base64url');
  writeFileSync(file, secret, { mode: 0o600, flag: 'wx' });
  return secret;
}

export function sessions(services: Services): RequestHandler {
  const secure = services.config.PUBLIC_URL.startsWith('https://');
  return session({
    name: 'tinyarena.sid',
    secret: sessionSecret(services),
    store: new RedisSessionStore(services.redis, `${services.config.QUEUE_PREFIX}:sess:`),
    resave: false,
    saveUninitialized: false,
    rolling: true,
    cookie: { httpOnly: true, sameSite: 'lax', secure, maxAge: TTL_S * 1000 },
  });
}

/** The session's CSRF token (created on first use). */
export function csrfToken(req: Request): string {
  req.session.csrf ??= randomBytes(24).toString('base64url');
  return req.session.csrf;
}

/** Hidden form field carrying the CSRF token. */
export const csrfField = (req: Request) => `<input type="hidden" name="_csrf" value="${csrfToken(req)}">`;

/** Whether `sent` is the session's CSRF token (constant-time). */
export function csrfMatches(req: Request, sent: string): boolean {
  const want = req.session?.csrf ?? '';
  return want.length > 0 && sent.length === want.length && timingSafeEqual(Buffer.from(sent), Buffer.from(want));
}

/** What a failed CSRF check answers. */
export const CSRF_FAILED = 'This form has expired or did not come from this site (CSRF check failed). Reload the page and try again.';

/** Reject a form post whose `_csrf` does not match the session's token. */
export function verifyCsrf(req: Request, res: Response, next: NextFunction): void {
  const sent = typeof (req.body as Record<string, unknown> | undefined)?._csrf === 'string' ? String((req.body as Record<string, string>)._csrf) : req.get('x-csrf-token') ?? '';
  const ok = csrfMatches(req, sent);
  if (!ok) {
    res.status(403).type('text').send(CSRF_FAILED);
    return;
  }
  next();
}
