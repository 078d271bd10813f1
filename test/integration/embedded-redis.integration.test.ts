import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../core/logger.js';
import { fromRoot } from '../../core/paths.js';
import { RedisUnavailableError, connectRedis, startEmbeddedRedis } from '../../core/redis.js';
import { isAlive, waitFor } from '../helpers/process.js';
import { tempDir } from '../helpers/tmp.js';

const logger = createLogger('silent');
const pidOf = (dataDir: string) => Number(readFileSync(join(dataDir, 'redis', 'redis.pid'), 'utf8'));

describe('private redis-server', () => {
  it('starts on a socket in the data directory, serves, and stops without a trace', async () => {
    const dataDir = tempDir();
    const handle = await startEmbeddedRedis({ dataDir, bin: 'redis-server', logger });
    expect(handle.options.path).toBe(join(dataDir, 'redis', 'redis.sock'));
    const pid = pidOf(dataDir);
    const r = connectRedis(handle, 'test');
    await r.set('k', 'v');
    expect(await r.get('k')).toBe('v');
    expect(await r.config('GET', 'maxmemory-policy')).toEqual(['maxmemory-policy', 'noeviction']);
    r.disconnect();
    await handle.stop();
    expect(isAlive(pid)).toBe(false);
  });

  it('refuses a second process on the same data directory', async () => {
    const dataDir = tempDir();
    const handle = await startEmbeddedRedis({ dataDir, bin: 'redis-server', logger });
    try {
      await expect(startEmbeddedRedis({ dataDir, bin: 'redis-server', logger })).rejects.toThrow(/is in use: its private redis-server \(pid \d+\) is running/);
    } finally {
      await handle.stop();
    }
  });

  it('falls back to loopback TCP when the socket path would be too long', async () => {
    const dataDir = join(tempDir(), 'a-very-long-directory-name-'.repeat(4));
    const handle = await startEmbeddedRedis({ dataDir, bin: 'redis-server', logger });
    try {
      expect(handle.options.host).toBe('127.0.0.1');
      const r = connectRedis(handle, 'test');
      expect(await r.ping()).toBe('PONG');
      r.disconnect();
    } finally {
      await handle.stop();
    }
  });

  it('says how to get Redis when redis-server is missing', async () => {
    const err = await startEmbeddedRedis({ dataDir: tempDir(), bin: 'redis-server-that-does-not-exist', logger }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RedisUnavailableError);
    expect((err as Error).message).toMatch(/apt-get install redis-server.*or set REDIS_URL/);
  });

  it('dies with its parent, even when the parent is SIGKILLed', async () => {
    const dataDir = tempDir();
    const child = spawn(process.execPath, ['--import', 'tsx', fromRoot('test/fixtures/hold-embedded-redis.ts'), dataDir], { stdio: ['ignore', 'pipe', 'inherit'] });
    const line = await new Promise<string>((resolve) => createInterface({ input: child.stdout }).once('line', resolve));
    const redisPid = Number(line);
    expect(isAlive(redisPid)).toBe(true);
    child.kill('SIGKILL');
    await waitFor(() => !isAlive(redisPid), 10_000, 'redis-server to exit after its parent was killed');
  });
});
