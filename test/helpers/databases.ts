import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { DbProvider } from '../../core/db/providers.js';
import type { DbTarget } from '../../core/db/target.js';
import { TEST_POSTGRES_URL } from './env.js';

export interface ScratchDb {
  target: DbTarget;
  drop(): Promise<void>;
}

/** A brand-new, empty database of the given provider, dropped afterwards. */
export async function scratchDatabase(provider: DbProvider): Promise<ScratchDb> {
  if (provider === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'tinyarena-db-'));
    return { target: { provider, url: `file:${join(dir, 'test.db')}` }, drop: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const name = `tinyarena_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: TEST_POSTGRES_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  const url = new URL(TEST_POSTGRES_URL);
  url.pathname = `/${name}`;
  return {
    target: { provider, url: url.toString() },
    drop: async () => {
      const c = new pg.Client({ connectionString: TEST_POSTGRES_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await c.end();
    },
  };
}
