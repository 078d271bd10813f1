/**
 * Keeps recently used inference pools alive, so scoring the same model again (rejudges, public then
 * private split, many datasets) does not pay thread start-up each time. Pools close after a minute
 * idle; cached pools never keep the process alive.
 *
 * Pools are used through {@link withCachedPool}, which holds a reference while the work runs: a pool
 * evicted (LRU, at most MAX_POOLS cached) or idle-timed-out while someone is still using it closes
 * only when its last user is done, never under them.
 */
import { createHash } from 'node:crypto';
import type { ArithmeticProfileName } from './arithmetic.js';
import { DEFAULT_ARITHMETIC } from './arithmetic.js';
import { InferencePool, type PoolOptions } from './pool.js';

const IDLE_MS = 60_000;
const MAX_POOLS = 2;

interface Entry {
  pool: Promise<InferencePool>;
  timer: NodeJS.Timeout | undefined;
  lastUsed: number;
  /** Callers inside withCachedPool right now. */
  users: number;
  /** Out of the cache; close once `users` drops to 0. */
  retired: boolean;
}

const cache = new Map<string, Entry>();

/** Resolves when the pool is closed now, or at once when users remain (the last one closes it). */
function closeWhenUnused(entry: Entry): Promise<void> {
  entry.retired = true;
  clearTimeout(entry.timer);
  return entry.users === 0 ? entry.pool.then((p) => p.close(), () => undefined) : Promise.resolve();
}

function retire(key: string, entry: Entry): Promise<void> {
  if (cache.get(key) === entry) cache.delete(key);
  return closeWhenUnused(entry);
}

function scheduleClose(key: string, entry: Entry): void {
  clearTimeout(entry.timer);
  entry.timer = setTimeout(() => void retire(key, entry), IDLE_MS);
  entry.timer.unref();
}

function entryFor(model: Uint8Array, options: PoolOptions): { key: string; entry: Entry } {
  const arithmetic: ArithmeticProfileName = options.arithmetic ?? DEFAULT_ARITHMETIC;
  const key = `${createHash('sha256').update(model).digest('hex')}|${arithmetic}|${options.threads ?? 'all'}`;
  let entry = cache.get(key);
  if (!entry) {
    if (cache.size >= MAX_POOLS) {
      const [oldestKey, oldest] = [...cache.entries()].sort((a, b) => a[1].lastUsed - b[1].lastUsed)[0]!;
      void retire(oldestKey, oldest);
    }
    const pool = InferencePool.create(model, { ...options, arithmetic }).then((p) => {
      p.unref();
      return p;
    });
    const created: Entry = { pool, timer: undefined, lastUsed: Date.now(), users: 0, retired: false };
    cache.set(key, created);
    pool.catch(() => {
      if (cache.get(key) === created) cache.delete(key);
    });
    entry = created;
  }
  return { key, entry };
}

/** Run `fn` with a warm pool for this model and profile (created on first use, kept while `fn` runs). */
export async function withCachedPool<T>(model: Uint8Array, options: PoolOptions, fn: (pool: InferencePool) => Promise<T>): Promise<T> {
  const { key, entry } = entryFor(model, options);
  entry.users++;
  entry.lastUsed = Date.now();
  try {
    return await fn(await entry.pool);
  } finally {
    entry.users--;
    entry.lastUsed = Date.now();
    if (entry.retired) void closeWhenUnused(entry);
    else scheduleClose(key, entry);
  }
}

/** Pools in the cache now (tests). */
export const cachedPoolCount = (): number => cache.size;

/** Close every cached pool (shutdown, tests); pools in use close when their users finish. */
export async function closeCachedPools(): Promise<void> {
  await Promise.all([...cache.entries()].map(([key, e]) => retire(key, e)));
}
