import { fromRoot } from '../paths.js';

/** The two databases TinyArena runs on: SQLite embedded, PostgreSQL at scale. */
export const DB_PROVIDERS = ['sqlite', 'postgresql'] as const;
export type DbProvider = (typeof DB_PROVIDERS)[number];

/** The one hand-written schema; every other schema file is derived from it. */
export const SCHEMA_PATH = fromRoot('prisma', 'schema.prisma');

/** Where the derived per-provider schema files and generated clients live (git-ignored). */
export const GENERATED_DIR = fromRoot('core', 'db', 'generated');

/** Migrations of one provider: prisma/migrations/<provider>/<timestamp>_<name>/migration.sql. */
export function migrationsDir(provider: DbProvider): string {
  return fromRoot('prisma', 'migrations', provider);
}

/**
 * Derive the schema for one provider from schema.prisma: same models, that provider's datasource,
 * the generated client written to core/db/generated/<provider>. Pure text transform, so a test can
 * check it.
 */
export function deriveSchema(source: string, provider: DbProvider): string {
  const datasource = /datasource\s+db\s*\{[^}]*\}/;
  const generator = /generator\s+client\s*\{[^}]*\}/;
  if (!datasource.test(source) || !generator.test(source)) {
    throw new Error('prisma/schema.prisma must contain `generator client { … }` and `datasource db { … }` blocks');
  }
  return source
    .replace(datasource, `datasource db {\n  provider = "${provider}"\n}`)
    .replace(
      generator,
      `generator client {\n  provider     = "prisma-client"\n  output       = "./${provider}"\n  moduleFormat = "esm"\n  importFileExtension = "js"\n}`,
    );
}
