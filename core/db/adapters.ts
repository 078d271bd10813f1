import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import type { SqlDriverAdapter, SqlMigrationAwareDriverAdapterFactory, SqlQuery } from '@prisma/driver-adapter-utils';
import type { DbTarget } from './target.js';

/** Prisma driver adapter factory for a target, as the client uses it. */
export function adapterFactory(target: DbTarget): SqlMigrationAwareDriverAdapterFactory {
  if (target.provider === 'sqlite') {
    // Several processes (web, workers) may share the file: wait on locks rather than fail at once.
    return new PrismaBetterSqlite3({ url: target.url, timeout: 10_000 });
  }
  return new PrismaPg({ connectionString: target.url, max: 10 });
}

/**
 * The adapter factory handed to the WebAssembly schema engine.
 *
 * The published engine replays migration files into the shadow database through `executeRaw`, one
 * call per file. The 7.x adapters prepare that as a single statement, which SQLite (and PostgreSQL's
 * extended protocol) refuse for multi-statement scripts. A parameterless raw call that fails this way
 * is retried as a script, which is what the engine means by it.
 */
export function migrationAdapterFactory(target: DbTarget): MigrationAdapterFactory {
  const inner = target.provider === 'postgresql'
    ? new PrismaPg({ connectionString: target.url, max: 2, Client: CatalogClient })
    : adapterFactory(target);
  const factory: MigrationAdapterFactory = {
    provider: inner.provider,
    adapterName: inner.adapterName,
    lastError: undefined,
    connect: () => remember(factory, async () => wrap(await inner.connect())),
    connectToShadowDb: () => remember(factory, async () => wrap(await inner.connectToShadowDb())),
    disposeAll: async () => {
      const all = opened.splice(0);
      await Promise.allSettled(all.map((a) => a.dispose()));
    },
  };
  // The engine does not close what it opens; we do, or SQLite stays exclusively locked.
  const opened: SqlDriverAdapter[] = [];
  const wrap = (adapter: SqlDriverAdapter): SqlDriverAdapter => {
    opened.push(adapter);
    const dispose = adapter.dispose.bind(adapter);
    let disposed = false;
    adapter.dispose = async () => {
      if (disposed) return;
      disposed = true;
      await dispose();
    };
    const executeRaw = adapter.executeRaw.bind(adapter);
    const executeScript = adapter.executeScript.bind(adapter);
    const queryRaw = adapter.queryRaw.bind(adapter);
    adapter.executeScript = (script: string) => remember(factory, () => executeScript(script));
    adapter.queryRaw = (query: SqlQuery) => remember(factory, () => queryRaw(query));
    adapter.executeRaw = (query: SqlQuery) =>
      remember(factory, async () => {
        try {
          return await executeRaw(query);
        } catch (err) {
          if (query.args.length > 0 || !isMultiStatementError(err)) throw err;
          await executeScript(query.sql);
          return 0;
        }
      });
    return adapter;
  };
  return factory;
}

/**
 * A migration-aware factory that also keeps the last error its connections raised: the engine only
 * reports "External error id#N" for JavaScript errors, and people need the real reason.
 */
export interface MigrationAdapterFactory extends SqlMigrationAwareDriverAdapterFactory {
  lastError: unknown;
  /** Close every connection the engine opened through this factory. */
  disposeAll(): Promise<void>;
}

async function remember<T>(factory: MigrationAdapterFactory, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    factory.lastError = err;
    throw err;
  }
}

function isMultiStatementError(err: unknown): boolean {
  const text = `${err instanceof Error ? err.message : ''} ${JSON.stringify(err) ?? ''}`;
  return /more than one statement|multiple commands/i.test(text);
}

const PG_CHAR_OID = 18;
const PG_TEXT_OID = 25;

/**
 * The schema engine reads pg_catalog columns of PostgreSQL's one-byte `"char"` type (relkind,
 * contype, …), which the 7.x pg adapter does not map. node-postgres already returns them as strings,
 * so we report them as text. Used only for the engine's connections, never for the app's.
 */
class CatalogClient extends pg.Client {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- pg's overloads cannot be re-declared one by one
  override query(...args: any[]): any {
    const last: unknown = args[args.length - 1];
    if (typeof last === 'function') {
      // Callback form (what pg.Pool#query uses).
      args[args.length - 1] = (err: Error | null, res?: pg.QueryResult) => {
        if (res) relabelCharColumns(res);
        (last as (e: Error | null, r?: pg.QueryResult) => void)(err, res);
      };
    }
    const out: unknown = (super.query as (...a: unknown[]) => unknown)(...(args as unknown[]));
    if (out instanceof Promise) return out.then((res: pg.QueryResult) => relabelCharColumns(res));
    return out;
  }
}

function relabelCharColumns(res: pg.QueryResult): pg.QueryResult {
  for (const f of res.fields ?? []) if (f.dataTypeID === PG_CHAR_OID) f.dataTypeID = PG_TEXT_OID;
  return res;
}
