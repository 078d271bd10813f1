/**
 * A finished command does not end on a warning: once services are closing, an error on the Redis
 * connection (EPIPE from a write racing the QUIT) is logged at debug level, not as a warning.
 */
import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../core/config.js';
import { createServices } from '../../core/services.js';
import { TEST_REDIS_URL } from '../helpers/env.js';
import { tempDir } from '../helpers/tmp.js';

describe('closing services', () => {
  it('warns about Redis errors while running, not once closing has begun', async () => {
    const lines: { level: number; msg: string }[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, cb) {
        lines.push(JSON.parse(chunk.toString()) as { level: number; msg: string });
        cb();
      },
    });
    const config = parseConfig({ DATA_DIR: tempDir(), REDIS_URL: TEST_REDIS_URL, QUEUE_PREFIX: 'close-test', MIGRATE_ON_START: 'false' });
    const s = await createServices(config, pino({ level: 'debug' }, sink));
    s.redis.emit('error', new Error('connect ECONNREFUSED'));
    const closed = s.close();
    s.redis.emit('error', new Error('write EPIPE'));
    await closed;
    const redisLines = lines.filter((l) => /redis/.test(l.msg));
    expect(redisLines.map((l) => [l.level, l.msg])).toEqual([
      // The outage log (core/redis-outage.ts): one warning per outage.
      [40, 'redis is unreachable; reconnecting quietly until it is back'],
      [20, 'redis error while closing'],
    ]);
  });
});
