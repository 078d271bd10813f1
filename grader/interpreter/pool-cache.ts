/**
 * Keeps recently used inference pools alive, so scoring the same model again (rejudges, public then
 * private split, many datasets) does not pay thread start-up each time. Pools close after a minute
 * idle; cached pools never keep the process alive.
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
}

const cache = new Map<string, Entry>();

function scheduleClose(key: string, entry: Entry): void {
  clearTimeout(entry.timer);
  entry.timer = setTimeout(() => {
    cache.delete(key);
    void entry.pool.then((p) => p.close());
  }, IDLE_MS);
  entry.timer.unref();
}

/** A warm pool for this model and profile (created on first use). */
export async function acquirePool(model: Uint8Array, options: PoolOptions = {}): Promise<InferencePool> {
  const arithmetic: ArithmeticProfileName = options.arithmetic ?? DEFAULT_ARITHMETIC;
  const key = `${createHash('sha256').update(model).digest('hex')}|${arithmetic}|${options.threads ?? 'all'}`;
  let entry = cache.get(key);
  if (!entry) {
    if (cache.size >= MAX_POOLS) {
      const [oldestKey, oldest] = [...cache.entries()].sort((a, b) => a[1].lastUsed - b[1].lastUsed)[0]!;
      cache.delete(oldestKey);
      clearTimeout(oldest.timer);
      void oldest.pool.then((p) => p.close());
    }
    const pool = InferencePool.create(model, { ...options, arithmetic }).then((p) => {
      p.unref();
      return p;
    });
    entry = { pool, timer: undefined, lastUsed: Date.now() };
    cache.set(key, entry);
    pool.catch(() => cache.delete(key));
  }
  entry.lastUsed = Date.now();
  scheduleClose(key, entry);
  return entry.pool;
}

/** Close every cached pool (shutdown, tests). */
export async function closeCachedPools(): Promise<void> {
  const all = [...cache.values()];
  cache.clear();
  for (const e of all) clearTimeout(e.timer);
  await Promise.all(all.map((e) => e.pool.then((p) => p.close(), () => {})));
}
