import { isAbsolute, join, resolve } from 'node:path';
import type { DbProvider } from './providers.js';

/** Which database to talk to, decided once from configuration. */
export interface DbTarget {
  provider: DbProvider;
  /** `file:/abs/path.db` for SQLite, a postgres:// URL for PostgreSQL. */
  url: string;
}

/**
 * DATABASE_URL unset → SQLite file in the data directory; `file:` → SQLite at that path;
 * `postgres://` / `postgresql://` → PostgreSQL.
 */
export function resolveDbTarget(databaseUrl: string | undefined, dataDir: string): DbTarget {
  if (!databaseUrl) return { provider: 'sqlite', url: `file:${join(dataDir, 'tinyarena.db')}` };
  if (databaseUrl.startsWith('file:')) {
    const path = databaseUrl.slice('file:'.length);
    return { provider: 'sqlite', url: `file:${isAbsolute(path) ? path : resolve(path)}` };
  }
  if (/^postgres(ql)?:\/\//.test(databaseUrl)) return { provider: 'postgresql', url: databaseUrl };
  throw new Error(`DATABASE_URL must start with file:, postgres:// or postgresql:// (got "${databaseUrl.split(':')[0]}:…")`);
}

/** The same URL with any password replaced, for logs and /healthz. */
export { redactUrl } from '../../lib/redact-url.js';
