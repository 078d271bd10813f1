/** The organizers' secrets on disk (issue 17 #7): a DATA_DIR the service creates is 0700, the SQLite database 0600. */
import { chmodSync, existsSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../core/config.js';
import { createLogger } from '../../core/logger.js';
import { createServices } from '../../core/services.js';
import { TEST_REDIS_URL } from '../helpers/env.js';
import { tempDir } from '../helpers/tmp.js';

const modeOf = (p: string) => statSync(p).mode & 0o777;

describe('file modes', () => {
  it('creates DATA_DIR owner-only and the database (and its WAL) 0600, and tightens an existing database', async () => {
    const dataDir = join(tempDir(), 'fresh', 'data');
    const config = parseConfig({ DATA_DIR: dataDir, REDIS_URL: TEST_REDIS_URL, QUEUE_PREFIX: `t${Date.now()}`, LOG_LEVEL: 'silent' });
    const s = await createServices(config, createLogger('silent'));
    try {
      await s.db.person.create({ data: { handle: 'ada', displayName: 'Ada' } });
      expect(modeOf(dataDir)).toBe(0o700);
      const db = join(dataDir, 'tinyarena.db');
      expect(modeOf(db)).toBe(0o600);
      for (const side of ['-wal', '-shm', '-journal']) if (existsSync(db + side)) expect([side, modeOf(db + side)]).toEqual([side, 0o600]);
    } finally {
      await s.close();
    }
    // An older install's world-readable database is tightened at the next start.
    const old = join(tempDir(), 'old.db');
    writeFileSync(old, '');
    chmodSync(old, 0o644);
    const s2 = await createServices(parseConfig({ DATA_DIR: tempDir(), DATABASE_URL: `file:${old}`, REDIS_URL: TEST_REDIS_URL, QUEUE_PREFIX: `t${Date.now()}`, LOG_LEVEL: 'silent' }), createLogger('silent'));
    await s2.close();
    expect(modeOf(old)).toBe(0o600);
  });
});
