/**
 * The shared services every process part needs: configuration, logger, database, Redis, blob store,
 * queues. Built once per process; closed in reverse order.
 */
import { chmod, mkdir, open } from 'node:fs/promises';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { BlobStore } from './blob-store.js';
import type { Config } from './config.js';
import { openDb, type Db } from './db/client.js';
import { applyMigrations, migrationStatus } from './db/migrate.js';
import { resolveDbTarget, redactUrl, type DbTarget } from './db/target.js';
import type { Logger } from './logger.js';
import { Queues } from './queues.js';
import { connectRedis, obtainRedis, type RedisHandle } from './redis.js';
import { closeRedis, redisOutageLog } from './redis-outage.js';

export interface Services {
  config: Config;
  logger: Logger;
  dbTarget: DbTarget;
  db: Db;
  redisHandle: RedisHandle;
  /** Shared connection for producers, pub/sub publishing and health checks. */
  redis: Redis;
  queues: Queues;
  blobs: BlobStore;
  close(): Promise<void>;
}

export interface ServiceOptions {
  /** Apply pending migrations first (default: config.MIGRATE_ON_START). */
  migrate?: boolean;
  /** Join the private Redis of a server already running in DATA_DIR instead of refusing (CLI commands). */
  attachRedis?: boolean;
}

export async function createServices(config: Config, logger: Logger, opts: ServiceOptions = {}): Promise<Services> {
  // The data folder holds the organizers' secrets (database, held-out sets, session secret): owner only.
  await mkdir(config.DATA_DIR, { recursive: true, mode: 0o700 });
  const dbTarget = resolveDbTarget(config.DATABASE_URL, config.DATA_DIR);
  if (dbTarget.provider === 'sqlite') await restrictSqliteFile(dbTarget.url.slice('file:'.length));
  const cleanups: (() => Promise<void>)[] = [];
  const close = async () => {
    for (const fn of cleanups.reverse()) {
      try {
        // No step may hang the shutdown (a dead Redis answers nothing).
        await Promise.race([fn(), new Promise((r) => setTimeout(r, 5000).unref())]);
      } catch (err) {
        logger.warn({ err }, 'error while closing a service');
      }
    }
    cleanups.length = 0;
  };
  try {
    if (opts.migrate ?? config.MIGRATE_ON_START) {
      // Look before applying: applying takes the database's write lock, which a second process
      // (a worker next to a running server, a CLI command) should not contend for when there is nothing to do.
      const status = await migrationStatus(dbTarget);
      if (status.pending.length || status.failed.length) {
        const res = await applyMigrations(dbTarget);
        logger.info({ db: redactUrl(dbTarget.url), applied: res.applied, total: res.total }, 'database migrated');
      } else {
        logger.info({ db: redactUrl(dbTarget.url), total: status.total }, 'database up to date');
      }
    }
    const db = await openDb(dbTarget);
    cleanups.push(() => db.$disconnect());
    const redisHandle = await obtainRedis(config, logger, { attach: opts.attachRedis ?? false });
    cleanups.push(() => redisHandle.stop());
    const outage = redisOutageLog(logger);
    let closing = false;
    const redis = outage.watch(connectRedis(redisHandle, 'tinyarena:main'), 'main', () => closing);
    cleanups.push(() => closeRedis(redis));
    const queues = new Queues(redis, config.QUEUE_PREFIX, (err) => outage.error('queues', err));
    cleanups.push(() => queues.close());
    // Runs first (cleanups run in reverse).
    cleanups.push(() => {
      closing = true;
      return Promise.resolve();
    });
    const blobs = new BlobStore(join(config.DATA_DIR, 'blobs'));
    return { config, logger, dbTarget, db, redisHandle, redis, queues, blobs, close };
  } catch (err) {
    await close();
    throw err;
  }
}

/**
 * The SQLite file is created owner-only (0600) before anything opens it — SQLite gives its journal and
 * WAL files the database file's permissions — and an existing one loses group and other access.
 */
async function restrictSqliteFile(path: string): Promise<void> {
  try {
    await (await open(path, 'wx', 0o600)).close();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') return;
  }
  await chmod(path, 0o600).catch(() => undefined);
}
