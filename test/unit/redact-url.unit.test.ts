import { describe, expect, it } from 'vitest';
import { describeConfig, parseConfig } from '../../core/config.js';
import { redactUrl } from '../../lib/redact-url.js';

describe('redactUrl (issue 17 #6)', () => {
  it.each([
    ['postgresql://h/t?user=u&password=P', 'postgresql://h/t?user=u&password=***'],
    ['postgresql://u:p@ss:w@rd@h/t', 'postgresql://u:***@h/t'],
    ['postgresql://u:hunter2@db:5432/x?sslmode=require&sslpassword=kp', 'postgresql://u:***@db:5432/x?sslmode=require&sslpassword=***'],
    ['redis://:requirepass-secret@r:6379/2', 'redis://:***@r:6379/2'],
    ['redis://lone-secret@r:6379', 'redis://***@r:6379'],
    ['rediss://default:s3cr3t@r.example:6380', 'rediss://default:***@r.example:6380'],
    ['unix:///run/redis.sock?password=x', 'unix:///run/redis.sock?password=***'],
    ['postgresql://u:p%40ss@h/t', 'postgresql://u:***@h/t'],
    ['file:/data/tinyarena.db', 'file:/data/tinyarena.db'],
    ['http://localhost:3000', 'http://localhost:3000'],
    ['not a url //user:pw@host?token=abc', 'not a url //***@host?token=***'],
  ])('%s → %s', (raw, masked) => {
    expect(redactUrl(raw)).toBe(masked);
  });

  it('leaves no password form in `tinyarena config` or in a configuration error', () => {
    for (const [DATABASE_URL, REDIS_URL] of [
      ['postgresql://h/t?user=u&password=P4ssw0rd', 'redis://:P4ssw0rd@r:6379'],
      ['postgresql://u:P4ss:w0rd@P4ssw0rd@h/t', 'redis://P4ssw0rd@r:6379'],
    ]) {
      const shown = JSON.stringify(describeConfig(parseConfig({ DATABASE_URL, REDIS_URL })));
      expect(shown).not.toMatch(/P4ss|w0rd/);
    }
    expect(() => parseConfig({ DATABASE_URL: 'mysql://u:P4ssw0rd@h/t' })).toThrow(/got "mysql:\/\/u:\*\*\*@h\/t"/);
  });
});
