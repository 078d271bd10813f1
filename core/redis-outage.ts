/**
 * One log line per Redis outage, not one per reconnect attempt. Every connection of the process (the
 * shared one, the workers', BullMQ's queues and workers) reports its errors here: the first connection
 * error of an outage is logged as a warning, everything after it is dropped until a connection is
 * ready again, which is logged once with how long Redis was gone. Other Redis errors are logged as
 * they come (they mean something else is wrong).
 */
import type { Redis } from 'ioredis';
import type { Logger } from './logger.js';

const CONNECTION_ERROR = /ECONNREFUSED|ENOENT|ECONNRESET|EPIPE|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|Connection is closed|Stream isn't writeable|connect ETIMEDOUT|MaxRetriesPerRequestError|Reached the max retries/i;

export const isConnectionError = (err: unknown) => {
  const e = err as { code?: unknown; message?: unknown } | null;
  const text = (v: unknown) => (typeof v === 'string' ? v : '');
  return CONNECTION_ERROR.test(`${text(e?.code)} ${text(e?.message)} ${typeof err === 'string' ? err : ''}`);
};

export class RedisOutageLog {
  private downSince: number | null = null;

  constructor(private readonly logger: Logger) {}

  /** Whether an outage is going on. */
  get down(): boolean {
    return this.downSince !== null;
  }

  /** Report an error from a connection (`source` names it in the log). */
  error(source: string, err: unknown): void {
    if (this.downSince !== null) return;
    if (!isConnectionError(err)) {
      this.logger.warn({ source, err: (err as Error)?.message ?? String(err) }, 'redis error');
      return;
    }
    this.downSince = Date.now();
    this.logger.warn({ source, err: (err as Error)?.message ?? String(err) }, 'redis is unreachable; reconnecting quietly until it is back');
  }

  /** A connection is ready: the outage (if any) is over. */
  ready(): void {
    if (this.downSince === null) return;
    this.logger.info({ downForMs: Date.now() - this.downSince }, 'redis is reachable again');
    this.downSince = null;
  }

  /**
   * Route a connection's errors here. Once `closing()` says the owner has begun to close it, a socket
   * error (EPIPE from a write racing the QUIT, a server already gone) is the end asked for, not news:
   * it is logged at debug level only, so a finished CLI command does not end on a warning.
   */
  watch(redis: Redis, source: string, closing: () => boolean = () => false): Redis {
    redis.on('error', (err) => (closing() ? this.logger.debug({ source, err: (err)?.message }, 'redis error while closing') : this.error(source, err)));
    redis.on('ready', () => this.ready());
    return redis;
  }
}

const perLogger = new WeakMap<Logger, RedisOutageLog>();

/** The process's outage log (one per logger, so every part of a process shares it). */
export function redisOutageLog(logger: Logger): RedisOutageLog {
  let log = perLogger.get(logger);
  if (!log) perLogger.set(logger, (log = new RedisOutageLog(logger)));
  return log;
}

/** Close a connection without waiting on a Redis that is not there (QUIT would queue forever). */
export async function closeRedis(redis: Redis): Promise<void> {
  if (redis.status !== 'ready') {
    redis.disconnect();
    return;
  }
  await Promise.race([redis.quit().catch(() => undefined), new Promise((r) => setTimeout(r, 2000).unref())]);
  redis.disconnect();
}
