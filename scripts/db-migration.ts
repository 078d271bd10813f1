/**
 * Create a migration for every provider from prisma/schema.prisma:
 *   npm run db:migration -- <name>
 * Each provider's migrations are replayed in a scratch database (SQLite: a temp file; PostgreSQL: a
 * temporary database on MIGRATION_POSTGRES_URL, default postgresql://postgres@127.0.0.1:5432/postgres).
 */
import { createMigration } from '../core/db/migrate.js';
import { DB_PROVIDERS } from '../core/db/providers.js';

const name = process.argv[2];
if (!name) {
  console.error('usage: npm run db:migration -- <name>');
  process.exit(2);
}
const postgresUrl = process.env.MIGRATION_POSTGRES_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const now = new Date();
for (const provider of DB_PROVIDERS) {
  const folder = await createMigration(provider, name, { postgresUrl, now });
  console.log(folder ? `${provider}: created prisma/migrations/${provider}/${folder}` : `${provider}: schema unchanged, no migration`);
}
