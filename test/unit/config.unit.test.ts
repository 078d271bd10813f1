import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, describeConfig, loadConfig, parseConfig } from '../../core/config.js';
import { tempDir } from '../helpers/tmp.js';

describe('configuration', () => {
  it('runs embedded with nothing set', () => {
    const c = parseConfig({}, '/srv/app');
    expect(c.PORT).toBe(3000);
    expect(c.DATA_DIR).toBe('/srv/app/data');
    expect(c.DATABASE_URL).toBeUndefined();
    expect(c.REDIS_URL).toBeUndefined();
    expect(c.MIGRATE_ON_START).toBe(true);
    expect(c.PUBLIC_URL).toBe('http://localhost:3000');
    expect(c.discordEnabled).toBe(false);
    expect(c.DISCORD_API_URL).toBe('https://discord.com/api');
  });

  it('names the variable and what was expected, in one line', () => {
    const err = (() => {
      try {
        parseConfig({ PORT: 'eighty' });
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toBe('Invalid configuration: PORT must be an integer port 0–65535 (got "eighty")');
    expect((err as Error).message).not.toContain('\n');
  });

  it('reports every bad variable at once', () => {
    expect(() => parseConfig({ PORT: '70000', DATABASE_URL: 'mysql://db/x', WORKER_CONCURRENCY: '0', MIGRATE_ON_START: 'maybe' })).toThrow(
      /PORT must be .*DATABASE_URL must be a database URL \(starting with file: or postgres:\/\/ or postgresql:\/\/\) \(got "mysql:\/\/db\/x"\); WORKER_CONCURRENCY must be a positive integer \(got "0"\); MIGRATE_ON_START must be true or false/,
    );
  });

  it('treats empty variables as unset', () => {
    expect(parseConfig({ PORT: '', DATABASE_URL: ' ' }).PORT).toBe(3000);
  });

  it('requires the settings of a service together', () => {
    expect(() => parseConfig({ DISCORD_TOKEN: 'abc' })).toThrow('DISCORD_APPLICATION_ID must be set too (Discord is enabled by DISCORD_TOKEN)');
    expect(() => parseConfig({ DISCOURSE_URL: 'https://forum.example.org' })).toThrow(/DISCOURSE_API_KEY, DISCOURSE_API_USERNAME, DISCOURSE_WEBHOOK_SECRET must be set too/);
    const ok = parseConfig({ DISCORD_TOKEN: 'abc', DISCORD_APPLICATION_ID: '123', DISCORD_ORGANIZER_ROLE_IDS: '1, 2' });
    expect(ok.discordEnabled).toBe(true);
  });

  it('never echoes a secret in an error', () => {
    expect(() => parseConfig({ COURSEWARE_REPO: 'not a repo', GITHUB_TOKEN: 'ghp_secret' })).toThrow(/COURSEWARE_REPO must be owner\/name/);
    expect(() => parseConfig({ DISCORD_ORGANIZER_ROLE_IDS: 'admins' })).toThrow(/comma-separated Discord snowflake ids/);
  });

  it('masks secrets and passwords when described', () => {
    const c = parseConfig({ GITHUB_TOKEN: 'ghp_x', DATABASE_URL: 'postgresql://u:hunter2@db/x', REDIS_URL: 'redis://:pw@r:6379' });
    const d = describeConfig(c);
    expect(d.GITHUB_TOKEN).toBe('***');
    expect(d.DATABASE_URL).toBe('postgresql://u:***@db/x');
    expect(JSON.stringify(d)).not.toMatch(/hunter2|ghp_x|:pw@/);
  });

  it('reads .env under the real environment', () => {
    const dir = tempDir();
    writeFileSync(join(dir, '.env'), 'PORT=4123\nDATA_DIR=state\n# comment\nLOG_LEVEL=debug\n');
    const c = loadConfig({ LOG_LEVEL: 'warn' }, dir);
    expect(c.PORT).toBe(4123);
    expect(c.DATA_DIR).toBe(join(dir, 'state'));
    expect(c.LOG_LEVEL).toBe('warn');
  });
});

describe('TRUST_PROXY (issue 17 #7)', () => {
  it('is off unless set, and takes Express trust-proxy forms', async () => {
    const { parseConfig: parse, ConfigError: CE } = await import('../../core/config.js');
    expect(parse({}).trustProxy).toBe(false);
    expect(parse({ TRUST_PROXY: 'false' }).trustProxy).toBe(false);
    expect(parse({ TRUST_PROXY: 'true' }).trustProxy).toBe(true);
    expect(parse({ TRUST_PROXY: '1' }).trustProxy).toBe(1);
    expect(parse({ TRUST_PROXY: 'loopback, 10.0.0.0/8,::1' }).trustProxy).toBe('loopback,10.0.0.0/8,::1');
    expect(() => parse({ TRUST_PROXY: 'everyone' })).toThrow(CE);
  });
});
