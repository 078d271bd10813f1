/**
 * Migrations without the native schema-engine binary.
 *
 * Prisma's migration logic ships as WebAssembly in `@prisma/schema-engine-wasm`; it talks to the
 * database through the same driver adapters the client uses (better-sqlite3, pg), so it needs no
 * network and no downloaded binary. We use it to:
 *  - apply the committed migrations of the active provider (`tinyarena migrate`, and at every start);
 *  - create a new migration for every provider from schema.prisma (`npm run db:migration -- <name>`);
 *  - prove the committed migrations equal schema.prisma (the drift test).
 * The migrations table is Prisma's own `_prisma_migrations`, so `prisma migrate deploy` with the
 * native binary (where it can be downloaded) sees the same history.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import pg from 'pg';
import { fileURLToPath } from 'node:url';
import { bindMigrationAwareSqlAdapterFactory } from '@prisma/driver-adapter-utils';
import * as engineBindings from '@prisma/schema-engine-wasm/schema_engine_bg';
import type { MigrationList, SchemaFilter, SchemaEngine } from '@prisma/schema-engine-wasm/schema_engine_bg';
import { migrationAdapterFactory } from './adapters.js';
import { SCHEMA_PATH, deriveSchema, migrationsDir, type DbProvider } from './providers.js';
import { redactUrl, type DbTarget } from './target.js';

let wasmReady = false;


/** Instantiate the schema engine's wasm once per process (Node 20 cannot `import` .wasm directly). */
function initWasm(): void {
  if (wasmReady) return;
  const dir = dirname(fileURLToPath(import.meta.resolve('@prisma/schema-engine-wasm')));
  const module = new WebAssembly.Module(readFileSync(join(dir, 'schema_engine_bg.wasm')));
  const instance = new WebAssembly.Instance(module, { './schema_engine_bg.js': engineBindings as unknown as Record<string, unknown> });
  engineBindings.__wbg_set_wasm(instance.exports);
  (instance.exports as { __wbindgen_start: () => void }).__wbindgen_start();
  wasmReady = true;
}

const NO_FILTER: SchemaFilter = { externalTables: [], externalEnums: [] };

/** Log lines the engine emits (JSON strings); kept for error messages, never printed by default. */
type EngineLog = (line: string) => void;

/** Run one engine command against a target; errors carry the driver's own message. */
async function withEngine<T>(target: DbTarget, what: string, fn: (engine: SchemaEngine) => Promise<T>, onLog?: EngineLog): Promise<T> {
  initWasm();
  if (target.provider === 'sqlite') mkdirSync(dirname(target.url.slice('file:'.length)), { recursive: true });
  const schema = deriveSchema(readFileSync(SCHEMA_PATH, 'utf8'), target.provider);
  const factory = migrationAdapterFactory(target);
  let engine: SchemaEngine | undefined;
  try {
    engine = await engineBindings.SchemaEngine.new(
      { datamodels: [['schema.prisma', schema]] },
      (line: string) => onLog?.(line),
      bindMigrationAwareSqlAdapterFactory(factory),
    );
    return await fn(engine);
  } catch (err) {
    const engineMsg = firstLine(err);
    const driverMsg = factory.lastError !== undefined && /External error/.test(engineMsg) ? describeDriverError(factory.lastError) : undefined;
    throw new Error(`${what} on ${target.provider} (${redactUrl(target.url)}) failed: ${driverMsg ?? engineMsg}`, { cause: err });
  } finally {
    engine?.free();
    await factory.disposeAll();
  }
}

function describeDriverError(err: unknown): string {
  if (err instanceof Error) return err.message;
  try {
    return JSON.stringify(err);
  } catch {
    return String(err);
  }
}

const LOCK_FILE = 'migration_lock.toml';

function lockContent(provider: DbProvider): string {
  return `# Written by TinyArena's migration tool; do not edit.\nprovider = "${provider}"\n`;
}

/** Read the committed migrations of a provider into the engine's input shape. */
export function readMigrations(provider: DbProvider): MigrationList {
  const baseDir = migrationsDir(provider);
  const names = existsSync(baseDir)
    ? readdirSync(baseDir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort()
    : [];
  return {
    baseDir,
    lockfile: { path: LOCK_FILE, content: existsSync(join(baseDir, LOCK_FILE)) ? readFileSync(join(baseDir, LOCK_FILE), 'utf8') : lockContent(provider) },
    shadowDbInitScript: '',
    migrationDirectories: names.map((name) => {
      const file = join(baseDir, name, 'migration.sql');
      return {
        path: name,
        migrationFile: {
          path: 'migration.sql',
          content: existsSync(file)
            ? { tag: 'ok' as const, value: readFileSync(file, 'utf8') }
            : { tag: 'error' as const, value: `missing ${file}` },
        },
      };
    }),
  };
}

export interface MigrateResult {
  applied: string[];
  total: number;
}

/** Apply every committed migration the database has not seen yet. Safe to run at every start. */
export async function applyMigrations(target: DbTarget): Promise<MigrateResult> {
  const list = readMigrations(target.provider);
  const out = await withEngine(target, 'Applying migrations', (e) => e.applyMigrations({ migrationsList: list, filters: NO_FILTER }));
  return { applied: out.appliedMigrationNames, total: list.migrationDirectories.length };
}

export interface MigrationStatus {
  total: number;
  pending: string[];
  failed: string[];
  edited: string[];
}

/** Which committed migrations are missing from the database (cheap; for /healthz and `migrate --status`). */
export async function migrationStatus(target: DbTarget): Promise<MigrationStatus> {
  const list = readMigrations(target.provider);
  let out;
  try {
    out = await withEngine(target, 'Checking migrations', (e) =>
      e.diagnoseMigrationHistory({ migrationsList: list, optInToShadowDatabase: false, filters: NO_FILTER }),
    );
  } catch (err) {
    // P1014: no _prisma_migrations table yet, i.e. a fresh database: everything is pending.
    if ((err as { cause?: { code?: string } }).cause?.code !== 'P1014') throw err;
    return { total: list.migrationDirectories.length, pending: list.migrationDirectories.map((d) => d.path), failed: [], edited: [] };
  }
  const history = out.history;
  return {
    total: list.migrationDirectories.length,
    pending: history?.diagnostic === 'databaseIsBehind' ? history.unappliedMigrationNames
      : history?.diagnostic === 'historiesDiverge' ? history.unappliedMigrationNames
      : !out.hasMigrationsTable ? list.migrationDirectories.map((d) => d.path) : [],
    failed: out.failedMigrationNames,
    edited: out.editedMigrationNames,
  };
}

/**
 * Run `fn` against a throwaway, empty database of the provider: a temporary SQLite file, or a new
 * database on the PostgreSQL server of `postgresUrl` (needs CREATEDB), dropped afterwards. Diffing
 * from migrations replays them into the database it is given, so it must never be a real one.
 */
export async function withScratchDatabase<T>(provider: DbProvider, postgresUrl: string | undefined, fn: (target: DbTarget) => Promise<T>): Promise<T> {
  if (provider === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'tinyarena-scratch-'));
    try {
      return await fn({ provider, url: `file:${join(dir, 'scratch.db')}` });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  if (!postgresUrl) throw new Error('a PostgreSQL server URL is needed to create a scratch database');
  const name = `tinyarena_scratch_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: postgresUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}"`);
    const url = new URL(postgresUrl);
    url.pathname = `/${name}`;
    return await fn({ provider, url: url.toString() });
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`).catch(() => {});
    await admin.end();
  }
}

/**
 * SQL that would take a database built from the committed migrations to schema.prisma; empty when
 * they agree. Works in a scratch database (see {@link withScratchDatabase}).
 */
export async function diffMigrationsToSchema(provider: DbProvider, opts: { postgresUrl?: string } = {}): Promise<string> {
  const list = readMigrations(provider);
  const schema = deriveSchema(readFileSync(SCHEMA_PATH, 'utf8'), provider);
  const out = await withScratchDatabase(provider, opts.postgresUrl, (target) =>
    withEngine(target, 'Diffing migrations against schema.prisma', (e) =>
      e.diff({
        from: { tag: 'migrations', ...list },
        to: { tag: 'schemaDatamodel', files: [{ path: 'schema.prisma', content: schema }] },
        script: true,
        exitCode: null,
        filters: NO_FILTER,
      }),
    ),
  );
  const script = (out.stdout ?? '').trim();
  return script === '-- This is an empty migration.' ? '' : script;
}

/**
 * Write a new migration for one provider from the difference between its committed migrations and
 * schema.prisma. Returns the folder name, or null when nothing changed.
 */
export async function createMigration(provider: DbProvider, name: string, opts: { postgresUrl?: string; now?: Date } = {}): Promise<string | null> {
  const script = await diffMigrationsToSchema(provider, opts);
  if (!script) return null;
  const stamp = (opts.now ?? new Date()).toISOString().replace(/[-:T]/g, '').slice(0, 14);
  const slug = name.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_|_$/g, '') || 'migration';
  const folder = `${stamp}_${slug}`;
  const base = migrationsDir(provider);
  mkdirSync(join(base, folder), { recursive: true });
  writeFileSync(join(base, folder, 'migration.sql'), script + '\n');
  writeFileSync(join(base, LOCK_FILE), lockContent(provider));
  return folder;
}

function firstLine(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  return msg.split('\n')[0] ?? msg;
}
