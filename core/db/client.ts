/**
 * The database client: one Prisma client type for both providers.
 *
 * Each provider has its own generated client (the query compiler is provider-specific), generated from
 * the same schema.prisma. Their model APIs are identical because the schema uses no provider-only
 * features, so the rest of the code sees one type, `Db`.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { PrismaClient } from './generated/sqlite/client.js';
import { adapterFactory } from './adapters.js';
import type { DbTarget } from './target.js';

export type Db = PrismaClient;
export type * as DbTypes from './generated/sqlite/client.js';

/** Open a client for the target. The provider's generated client is loaded on demand. */
export async function openDb(target: DbTarget): Promise<Db> {
  if (target.provider === 'sqlite') {
    mkdirSync(dirname(target.url.slice('file:'.length)), { recursive: true });
    const { PrismaClient: SqliteClient } = await import('./generated/sqlite/client.js');
    const db = new SqliteClient({ adapter: adapterFactory(target) });
    // WAL lets the web process read while a worker writes; NORMAL sync is safe with WAL.
    await db.$queryRawUnsafe('PRAGMA journal_mode = WAL');
    await db.$executeRawUnsafe('PRAGMA synchronous = NORMAL');
    await db.$executeRawUnsafe('PRAGMA foreign_keys = ON');
    // Workers in other processes write too: wait for their lock instead of failing with SQLITE_BUSY.
    await db.$queryRawUnsafe('PRAGMA busy_timeout = 10000');
    return db;
  }
  const { PrismaClient: PgClient } = await import('./generated/postgresql/client.js');
  // Same model API, different generated module: see the file comment.
  return new PgClient({ adapter: adapterFactory(target) }) as unknown as Db;
}

/** Round-trip time of a trivial query, for /healthz. */
export async function pingDb(db: Db): Promise<number> {
  const t0 = performance.now();
  await db.$queryRawUnsafe('SELECT 1');
  return performance.now() - t0;
}
