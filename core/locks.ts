/**
 * A small Redis mutex (SET NX PX + token-checked release) for short critical sections shared by
 * processes: quota check-then-insert at intake, leaderboard recomputation. Not a consensus lock: the
 * TTL bounds how long a crashed holder blocks others, and callers keep their writes idempotent.
 */
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';

const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

export class LockTimeoutError extends Error {
  override name = 'LockTimeoutError';
}

export interface LockOptions {
  /** The lock expires by itself after this long (a crashed holder). */
  ttlMs?: number;
  /** Give up waiting after this long. */
  waitMs?: number;
}

export async function withLock<T>(redis: Redis, key: string, fn: () => Promise<T>, opts: LockOptions = {}): Promise<T> {
  const ttl = opts.ttlMs ?? 30_000;
  const deadline = Date.now() + (opts.waitMs ?? 30_000);
  const token = randomBytes(12).toString('hex');
  let delay = 5;
  for (;;) {
    if ((await redis.set(key, token, 'PX', ttl, 'NX')) === 'OK') break;
    if (Date.now() > deadline) throw new LockTimeoutError(`could not take the lock ${key} within ${opts.waitMs ?? 30_000} ms`);
    await new Promise((r) => setTimeout(r, delay));
    delay = Math.min(delay * 2, 200);
  }
  try {
    return await fn();
  } finally {
    await redis.eval(RELEASE, 1, key, token).catch(() => undefined);
  }
}
