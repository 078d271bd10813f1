/**
 * Keeps the generated Prisma clients (one per provider) in step with prisma/schema.prisma.
 *
 * `prisma generate` needs no database, but the Prisma CLI still tries to download its native
 * schema-engine binary first; offline that fails. We point PRISMA_SCHEMA_ENGINE_BINARY at a stub that
 * explains itself (migrations run through the WebAssembly schema engine instead, see migrate.ts).
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { fromRoot } from '../paths.js';
import { DB_PROVIDERS, GENERATED_DIR, SCHEMA_PATH, deriveSchema } from './providers.js';

const require = createRequire(import.meta.url);

function prismaVersion(): string {
  return (require('prisma/package.json') as { version: string }).version;
}

function stampFor(schema: string): string {
  return createHash('sha256').update(prismaVersion()).update('\0').update(schema).digest('hex');
}

const STAMP_FILE = join(GENERATED_DIR, '.stamp');

/** True when both clients were generated from the current schema by the installed Prisma. */
export function clientsAreFresh(): boolean {
  if (!existsSync(STAMP_FILE)) return false;
  const schema = readFileSync(SCHEMA_PATH, 'utf8');
  return readFileSync(STAMP_FILE, 'utf8').trim() === stampFor(schema) &&
    DB_PROVIDERS.every((p) => existsSync(join(GENERATED_DIR, p, 'client.ts')));
}

/** Environment for running the Prisma CLI offline. */
export function offlinePrismaEnv(): NodeJS.ProcessEnv {
  return {
    ...process.env,
    PRISMA_SCHEMA_ENGINE_BINARY: fromRoot('scripts', 'no-schema-engine.sh'),
    PRISMA_HIDE_UPDATE_MESSAGE: '1',
    CHECKPOINT_DISABLE: '1',
    PRISMA_DISABLE_WARNINGS: '1',
  };
}

/** Regenerate the per-provider schemas and clients. Throws with Prisma's own output on failure. */
export function generateClients(): void {
  const schema = readFileSync(SCHEMA_PATH, 'utf8');
  mkdirSync(GENERATED_DIR, { recursive: true });
  const cli = require.resolve('prisma/build/index.js');
  for (const provider of DB_PROVIDERS) {
    const file = join(GENERATED_DIR, `${provider}.prisma`);
    writeFileSync(file, deriveSchema(schema, provider));
    const run = spawnSync(process.execPath, [cli, 'generate', '--schema', file], {
      env: offlinePrismaEnv(),
      encoding: 'utf8',
    });
    if (run.status !== 0) {
      throw new Error(`prisma generate failed for ${provider}:\n${run.stdout}\n${run.stderr}`);
    }
  }
  writeFileSync(STAMP_FILE, stampFor(schema) + '\n');
}

/** Generate the clients only when the schema or Prisma changed since the last run. */
export function ensureClients(): void {
  if (!clientsAreFresh()) generateClients();
}
