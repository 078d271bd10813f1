/**
 * Which processes have a rack, across machines: each one with a rack keeps a heartbeat in a Redis
 * sorted set (member = process, score = when the heartbeat expires). Workers without a rack leave
 * device jobs to them while any is alive, instead of skipping the stage (remote rack agents).
 */
import { hostname } from 'node:os';
import type { Redis } from 'ioredis';

const TTL_MS = 30_000;
const key = (prefix: string) => `${prefix}:racks`;

/** Announce this process's rack until the returned function is called. */
export function announceRack(redis: Redis, prefix: string, member = `${hostname()}:${process.pid}`): () => Promise<void> {
  const beat = () => redis.zadd(key(prefix), Date.now() + TTL_MS, member).catch(() => undefined);
  void beat();
  const timer = setInterval(() => void beat(), TTL_MS / 3);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await redis.zrem(key(prefix), member).catch(() => undefined);
  };
}

/** Is a rack alive anywhere (another process or machine)? */
export async function rackAliveSomewhere(redis: Redis, prefix: string, now = Date.now()): Promise<boolean> {
  await redis.zremrangebyscore(key(prefix), '-inf', now);
  return (await redis.zcard(key(prefix))) > 0;
}
