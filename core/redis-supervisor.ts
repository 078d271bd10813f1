/**
 * Keeps a private redis-server alive for as long as the process runs. When it dies on its own (killed,
 * crashed, out of memory), it is started again at once on the same socket with its data — the private
 * server keeps an append-only file, and every acknowledged write reached it before the reply — so the
 * connections reconnect by themselves and grading carries on. A server that keeps dying (more than
 * `maxRestarts` times within `windowMs`) or cannot be started is given up on: `onUnexpectedExit` gets
 * one line saying why, and the process shuts down (cli/run-parts.ts).
 *
 * Structural types only (no import from redis.ts, which uses this module).
 */
import type { RedisOptions } from 'ioredis';
import type { Logger } from './logger.js';

interface ServerHandle {
  options: RedisOptions;
  describe: string;
  embedded: boolean;
  stop(): Promise<void>;
  onUnexpectedExit?: (code: number | null, reason?: string) => void;
}

export interface SuperviseOptions {
  logger: Logger;
  /** Start the server again (same address). */
  restart: () => Promise<ServerHandle>;
  maxRestarts?: number;
  windowMs?: number;
}

export function superviseRedis<H extends ServerHandle>(first: H, opts: SuperviseOptions): H {
  const { logger } = opts;
  const maxRestarts = opts.maxRestarts ?? 5;
  const windowMs = opts.windowMs ?? 10 * 60_000;
  let current: ServerHandle = first;
  let stopping = false;
  let restarts: number[] = [];
  const supervised = {
    ...first,
    stop: async () => {
      stopping = true;
      await current.stop();
    },
  } as H;
  supervised.onUnexpectedExit = undefined;
  const giveUp = (code: number | null, why: string) => {
    if (stopping) return;
    supervised.onUnexpectedExit?.(code, `the private redis-server died and could not be restarted (${why}); shutting down`);
  };
  const watch = (h: ServerHandle) => {
    h.onUnexpectedExit = (code) => {
      if (stopping) return;
      const now = Date.now();
      restarts = restarts.filter((t) => now - t < windowMs);
      if (restarts.length >= maxRestarts) return giveUp(code, `it died ${maxRestarts + 1} times within ${Math.round(windowMs / 60_000)} minutes`);
      restarts.push(now);
      logger.warn({ code, restart: restarts.length }, 'the private redis-server died; restarting it with its data');
      opts.restart().then(
        async (next) => {
          if (stopping) return next.stop();
          current = next;
          watch(next);
          logger.info({ redis: next.describe }, 'the private redis-server is back; carrying on');
        },
        (err: unknown) => giveUp(code, (err as Error).message.split('\n')[0]!),
      );
    };
  };
  watch(first);
  return supervised;
}
