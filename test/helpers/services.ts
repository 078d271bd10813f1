import { randomBytes } from 'node:crypto';
import { onTestFinished } from 'vitest';
import { parseConfig } from '../../core/config.js';
import { freeLoopbackPort } from '../../core/free-port.js';
import { createLogger } from '../../core/logger.js';
import { createServices, type Services } from '../../core/services.js';
import { TEST_REDIS_URL } from './env.js';
import { tempDir } from './tmp.js';

/**
 * Real services for one test: SQLite (or DATABASE_URL from `env`) in a temp data dir, the shared test
 * Redis with a queue prefix of its own (so tests never see each other's jobs). Closed after the test.
 */
export async function testServices(env: Record<string, string> = {}): Promise<Services> {
  const prefix = `t${randomBytes(5).toString('hex')}`;
  // A port of its own: tests run in parallel, and a web part on the default port collides (EADDRINUSE).
  const port = env.PORT ?? String(await freeLoopbackPort());
  const config = parseConfig({ DATA_DIR: tempDir(), REDIS_URL: TEST_REDIS_URL, QUEUE_PREFIX: prefix, LOG_LEVEL: 'silent', SHUTDOWN_GRACE_MS: '5000', ...env, PORT: port });
  const services = await createServices(config, createLogger(config.LOG_LEVEL));
  onTestFinished(async () => {
    // Remove this test's keys from the shared Redis.
    const keys = await services.redis.keys(`${prefix}:*`);
    if (keys.length) await services.redis.del(...keys);
    await services.close();
  });
  return services;
}
