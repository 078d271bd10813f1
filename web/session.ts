/**
 * Browser sessions: express-session with the sessions kept in Redis (every web process sees the same
 * ones; a restart signs nobody out), an httpOnly SameSite=Lax cookie (Secure when PUBLIC_URL is https),
 * and a per-session CSRF token every form posts back (synchronizer-token pattern).
 *
 * A session is stored only when there is something to keep (a sign-in, an OAuth state): an anonymous
 * visitor's form (the sign-in page) gets a signed double-submit token instead — an HMAC of a random
 * nonce kept in a cookie of its own — so looking at a page never writes to Redis. Sessions that hold
 * no sign-in expire after 15 minutes.
 *
 * While Redis is away (a restart of the private server, an outage of a shared one) the store does not
 * wait for it: a request that carries a session cookie is answered 503 "briefly unavailable, retry"
 * (web/security/errors.ts) instead of hanging on the connection's offline queue or failing with a 500.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import session, { Store, type SessionData } from 'express-session';
import type { Redis } from 'ioredis';
import { isConnectionError } from '../core/redis-outage.js';
import type { Services } from '../core/services.js';
import { ServiceUnavailableError } from './security/unavailable.js';

declare module 'express-session' {
  interface SessionData {
    personId?: string;
    csrf?: string;
    /** OAuth2 `state` while a sign-in is in flight. */
    oauthState?: string;
  }
}

const TTL_S = 7 * 24 * 3600;
/** A session without a sign-in (an OAuth2 round trip in flight) lives this long. */
const ANON_TTL_S = 15 * 60;
const ttlOf = (sess: SessionData) => (sess.personId ? TTL_S : ANON_TTL_S);
/** Cookie holding the nonce of an anonymous visitor's CSRF token. */
const NONCE_COOKIE = 'tinyarena.csrf';

/** How long a request waits for a reconnecting Redis (a private server restarts in well under this). */
const READY_WAIT_MS = 1500;
/** A command on a connected Redis that takes longer than this means the server went away mid-request. */
const COMMAND_TIMEOUT_MS = 4000;

const unavailable = () => new ServiceUnavailableError('the session store (Redis) is not reachable right now');

/** One "ready" listener per outage, shared by every request waiting on it (not one per request). */
const readyWaits = new WeakMap<Redis, Promise<void>>();

function nextReady(redis: Redis): Promise<void> {
  let wait = readyWaits.get(redis);
  if (!wait) {
    wait = new Promise<void>((resolve) =>
      redis.once('ready', () => {
        readyWaits.delete(redis);
        resolve();
      }),
    );
    readyWaits.set(redis, wait);
  }
  return wait;
}

/** Resolves when `redis` is connected, or fails fast (503) when it does not come back within `ms`. */
async function whenReady(redis: Redis, ms: number): Promise<void> {
  if (redis.status === 'ready') return;
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([nextReady(redis), new Promise<never>((_, reject) => (timer = setTimeout(() => reject(unavailable()), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Run one session command: never queued behind a dead connection (the shared connection retries
 * forever, as the queues need), and bounded in time; a connection failure becomes a 503.
 */
async function bounded<T>(redis: Redis, command: () => Promise<T>): Promise<T> {
  await whenReady(redis, READY_WAIT_MS);
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([command(), new Promise<never>((_, reject) => (timer = setTimeout(() => reject(unavailable()), COMMAND_TIMEOUT_MS)))]);
  } catch (err) {
    throw err instanceof ServiceUnavailableError || isConnectionError(err) ? unavailable() : err;
  } finally {
    clearTimeout(timer);
  }
}

/** express-session store on ioredis (sessions as JSON with a TTL). */
class RedisSessionStore extends Store {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {
    super();
  }

  override get(sid: string, cb: (err: unknown, session?: SessionData | null) => void): void {
    void bounded(this.redis, () => this.redis.get(this.prefix + sid)).then((v) => cb(null, v ? (JSON.parse(v) as SessionData) : null), cb);
  }

  override set(sid: string, sess: SessionData, cb?: (err?: unknown) => void): void {
    void bounded(this.redis, () => this.redis.set(this.prefix + sid, JSON.stringify(sess), 'EX', ttlOf(sess))).then(() => cb?.(), (err: unknown) => cb?.(err));
  }

  override destroy(sid: string, cb?: (err?: unknown) => void): void {
    void bounded(this.redis, () => this.redis.del(this.prefix + sid)).then(() => cb?.(), (err: unknown) => cb?.(err));
  }

  override touch(sid: string, sess: SessionData, cb?: (err?: unknown) => void): void {
    void bounded(this.redis, () => this.redis.expire(this.prefix + sid, ttlOf(sess))).then(() => cb?.(), (err: unknown) => cb?.(err));
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
  const secret = sessionSecret(services);
  // Anonymous CSRF tokens are keyed apart from the cookie signatures.
  const csrfKey = createHmac('sha256', secret).update('tinyarena anonymous csrf').digest();
  const withKey: RequestHandler = (_req, res, next) => {
    res.locals.csrfKey = csrfKey;
    res.locals.cookieSecure = secure;
    next();
  };
  const store = session({
    name: 'tinyarena.sid',
    secret,
    store: new RedisSessionStore(services.redis, `${services.config.QUEUE_PREFIX}:sess:`),
    resave: false,
    saveUninitialized: false,
    rolling: true,
    cookie: { httpOnly: true, sameSite: 'lax', secure, maxAge: TTL_S * 1000 },
  });
  return (req, res, next) => withKey(req, res, () => void store(req, res, next));
}

/** Whether the request belongs to a stored session (a sign-in or a flow in flight). */
const hasStoredSession = (req: Request) => Boolean(req.session?.personId || req.session?.csrf);

const nonceOf = (req: Request) => /(?:^|;\s*)tinyarena\.csrf=([A-Za-z0-9_-]{20,64})(?:;|$)/.exec(req.get('cookie') ?? '')?.[1];
const anonymousToken = (req: Request, nonce: string) => createHmac('sha256', req.res!.locals.csrfKey as Buffer).update(nonce).digest('base64url');

/**
 * The CSRF token for a form on this page: the session's (created on first use) for a signed-in
 * browser; for anyone else a token bound to a nonce cookie, so no session is created.
 */
export function csrfToken(req: Request): string {
  if (hasStoredSession(req)) {
    req.session.csrf ??= randomBytes(24).toString('base64url');
    return req.session.csrf;
  }
  let nonce = nonceOf(req);
  if (!nonce) {
    nonce = randomBytes(18).toString('base64url');
    req.res!.cookie(NONCE_COOKIE, nonce, { httpOnly: true, sameSite: 'lax', secure: req.res!.locals.cookieSecure === true, path: '/' });
  }
  return anonymousToken(req, nonce);
}

const same = (a: string, b: string) => a.length > 0 && a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

/** Whether `sent` is this browser's CSRF token (its session's, or its anonymous nonce's); constant-time. */
export function csrfMatches(req: Request, sent: string): boolean {
  if (req.session?.csrf && same(sent, req.session.csrf)) return true;
  const nonce = nonceOf(req);
  return !req.session?.personId && nonce !== undefined && same(sent, anonymousToken(req, nonce));
}

/** True when the X-CSRF-Token header carries this browser's token (for scripts posting JSON). */
export const csrfHeaderMatches = (req: Request) => csrfMatches(req, req.get('x-csrf-token') ?? '');

/** Hidden form field carrying the CSRF token. */
export const csrfField = (req: Request) => `<input type="hidden" name="_csrf" value="${csrfToken(req)}">`;

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
