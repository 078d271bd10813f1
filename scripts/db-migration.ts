/**
 * Create a migration for every provider from prisma/schema.prisma:
 *   npm run db:migration -- <name>
 * SQLite replays the migrations in memory; PostgreSQL needs a server to create a temporary shadow
 * database on (MIGRATION_POSTGRES_URL, default postgresql://postgres@127.0.0.1:5432/postgres).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMigration } from '../core/db/migrate.js';

const name = process.argv[2];
if (!name) {
  console.error('usage: npm run db:migration -- <name>');
  process.exit(2);
}
const scratch = mkdtempSync(join(tmpdir(), 'tinyarena-migration-'));
try {
  const pgUrl = process.env.MIGRATION_POSTGRES_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
  const now = new Date();
  for (const target of [
    { provider: 'sqlite' as const, url: `file:${join(scratch, 'scratch.db')}` },
    { provider: 'postgresql' as const, url: pgUrl },
  ]) {
    const folder = await createMigration(target, name, now);
    console.log(folder ? `${target.provider}: created prisma/migrations/${target.provider}/${folder}` : `${target.provider}: schema unchanged, no migration`);
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
