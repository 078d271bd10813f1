import { Redis } from 'ioredis';
import pg from 'pg';
import { ensureClients } from '../../core/db/generate.js';
import { build, isBuildFresh } from '../../scripts/build.mjs';
import { TEST_POSTGRES_URL, TEST_REDIS_URL } from './env.js';

/** Fail fast, with the fix, when a service the integration tests need is not running. */
export default async function setup(): Promise<void> {
  ensureClients();
  // Tests run the real bin, which runs dist/: compile it once here rather than in every CLI process.
  if (!isBuildFresh()) await build();
  const client = new pg.Client({ connectionString: TEST_POSTGRES_URL, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
  } catch (err) {
    throw new Error(`Integration tests need PostgreSQL at ${TEST_POSTGRES_URL} (set TEST_POSTGRES_URL): ${(err as Error).message}`);
  } finally {
    await client.end().catch(() => {});
  }
  const redis = new Redis(TEST_REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  redis.on('error', () => {});
  try {
    await redis.connect();
    await redis.ping();
  } catch (err) {
    throw new Error(`Integration tests need Redis at ${TEST_REDIS_URL} (set TEST_REDIS_URL): ${(err as Error).message}`);
  } finally {
    redis.disconnect();
  }
}
