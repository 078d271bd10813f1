/**
 * The acceptance path, through the real bin: a fresh data directory, `tinyarena start`, /healthz all
 * green on SQLite + a private Redis, a clean stop that leaves no redis-server; the same on PostgreSQL
 * and a shared Redis; bad configuration stops boot with one line.
 */
import { existsSync, readFileSync, symlinkSync } from 'node:fs';
import { findExecutable } from '../../core/redis.js';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exitedWithin, freePort, runCli, waitForHealthy } from '../helpers/cli.js';
import { scratchDatabase } from '../helpers/databases.js';
import { TEST_REDIS_URL } from '../helpers/env.js';
import { isAlive, waitFor } from '../helpers/process.js';
import { tempDir } from '../helpers/tmp.js';
import { HAVE_SOCAT } from '../helpers/rack.js';

describe('tinyarena start', () => {
  it('comes up green on SQLite + a private Redis within 60 s and stops cleanly', async () => {
    const dataDir = tempDir();
    const port = await freePort();
    const t0 = Date.now();
    const run = runCli(['start'], { DATA_DIR: dataDir, PORT: String(port) });
    try {
      const health = await waitForHealthy(`http://127.0.0.1:${port}/healthz`, 60_000, run);
      expect(Date.now() - t0).toBeLessThan(60_000);
      expect(health).toMatchObject({
        status: 'ok',
        checks: {
          database: { ok: true, provider: 'sqlite', migrations: { pending: [] } },
          redis: { ok: true, embedded: true },
          workers: { ok: true, state: 'running' },
          web: { ok: true, port },
          tools: { ok: true },
          // Not "ok" while the simulated boards are still coming up.
          ...(HAVE_SOCAT ? { rack: { ok: true, state: 'running', boards: 3, connected: 3 } } : {}),
        },
      });
      const home = await fetch(`http://127.0.0.1:${port}/`);
      expect(home.headers.get('content-type')).toMatch(/text\/html/);
      expect(await home.text()).toContain('<h1>TinyArena</h1>');
      expect((await fetch(`http://127.0.0.1:${port}/nope`)).status).toBe(404);
      expect(existsSync(join(dataDir, 'tinyarena.db'))).toBe(true);
      const redisPid = Number(readFileSync(join(dataDir, 'redis', 'redis.pid'), 'utf8'));
      expect(isAlive(redisPid)).toBe(true);

      run.child.kill('SIGTERM');
      const { code } = await run.exited;
      expect(code, run.output.stderr).toBe(0);
      await waitFor(() => !isAlive(redisPid), 5000, 'the private redis-server to stop');
    } finally {
      run.child.kill('SIGKILL');
    }
  });

  it('leaves no redis-server behind when killed outright', async () => {
    const dataDir = tempDir();
    const port = await freePort();
    const run = runCli(['start'], { DATA_DIR: dataDir, PORT: String(port) });
    await waitForHealthy(`http://127.0.0.1:${port}/healthz`, 60_000, run);
    const redisPid = Number(readFileSync(join(dataDir, 'redis', 'redis.pid'), 'utf8'));
    run.child.kill('SIGKILL');
    await run.exited;
    await waitFor(() => !isAlive(redisPid), 10_000, 'the orphaned redis-server to stop');
    // And the next start on the same data directory works.
    const again = runCli(['start'], { DATA_DIR: dataDir, PORT: String(port) });
    try {
      await waitForHealthy(`http://127.0.0.1:${port}/healthz`, 60_000, again);
      again.child.kill('SIGINT');
      expect((await again.exited).code).toBe(0);
    } finally {
      again.child.kill('SIGKILL');
    }
  });

  it('stops cleanly (exit 0, no redis-server left) on Ctrl-C while it is still starting', async () => {
    const dataDir = tempDir();
    const port = await freePort();
    const run = runCli(['start'], { DATA_DIR: dataDir, PORT: String(port), LOG_LEVEL: 'info' });
    try {
      // The private Redis is up, the workers, rack and web are not yet.
      await waitFor(() => run.output.stderr.includes('private redis-server started'), 60_000, 'the private redis-server to start');
      const redisPid = Number(readFileSync(join(dataDir, 'redis', 'redis.pid'), 'utf8'));
      run.child.kill('SIGINT');
      const { code, signal } = await run.exited;
      expect({ code, signal }, run.output.stderr).toEqual({ code: 0, signal: null });
      expect(run.output.stderr).toMatch(/"msg":"stopped"/);
      await waitFor(() => !isAlive(redisPid), 5000, 'the private redis-server to stop');
    } finally {
      run.child.kill('SIGKILL');
    }
  });

  it('says at boot, one line each, which system programs are missing and what will not work, and /healthz lists them', async () => {
    // A PATH with redis-server (and the shell that starts it) only: no socat, no espeak-ng.
    const bin = tempDir();
    for (const tool of ['redis-server', 'sh']) symlinkSync(findExecutable(tool)!, join(bin, tool));
    const port = await freePort();
    // Info level: should the stop ever stall (CI saw it twice under load), the failure shows how far it got.
    const run = runCli(['start'], { DATA_DIR: tempDir(), PORT: String(port), PATH: bin, LOG_LEVEL: 'info' });
    try {
      const health = await waitForHealthy(`http://127.0.0.1:${port}/healthz`, 60_000, run);
      const lines = run.output.stderr.split('\n').filter((l) => l.includes('is missing (apt-get install'));
      expect(lines.map((l) => (JSON.parse(l) as { msg: string }).msg)).toEqual([
        'socat is missing (apt-get install socat): the simulated boards cannot run: the device stage is skipped (no latency term) and firmware submissions cannot be graded',
        'espeak-ng is missing (apt-get install espeak-ng): the demo set of kws-demo cannot be generated, so submissions to it fail at the score stage',
      ]);
      expect(health.checks).toMatchObject({ tools: { ok: true, state: 'missing', missing: [{ tool: 'socat', debianPackage: 'socat' }, { tool: 'espeak-ng', debianPackage: 'espeak-ng' }] } });
      run.child.kill('SIGTERM');
      // The process bounds its own stop by SHUTDOWN_GRACE_MS (30 s); waiting a little longer lets a slow
      // stop fail with the process's own account (its "still stopping" lines and exit code).
      expect((await exitedWithin(run, 35_000)).code, run.output.stderr).toBe(0);
    } finally {
      run.child.kill('SIGKILL');
    }
    // Waits up to 60 s for /healthz itself, so the test's own budget must be larger.
  }, 120_000);

  it('runs web and worker as separate processes on PostgreSQL and a shared Redis', async () => {
    const db = await scratchDatabase('postgresql');
    const port = await freePort();
    const env = { DATA_DIR: tempDir(), DATABASE_URL: db.target.url, REDIS_URL: TEST_REDIS_URL, QUEUE_PREFIX: `t${Date.now()}` };
    const migrate = runCli(['migrate', '--json'], env);
    expect((await migrate.exited).code, migrate.output.stderr).toBe(0);
    expect(JSON.parse(migrate.output.stdout)).toMatchObject({ provider: 'postgresql', applied: expect.arrayContaining([expect.stringMatching(/_init$/)]) as unknown });
    const worker = runCli(['worker'], { ...env, MIGRATE_ON_START: 'false', LOG_LEVEL: 'info' });
    const web = runCli(['web'], { ...env, PORT: String(port), MIGRATE_ON_START: 'false' });
    try {
      const health = await waitForHealthy(`http://127.0.0.1:${port}/healthz`, 60_000, web);
      expect(health).toMatchObject({ status: 'ok', checks: { database: { provider: 'postgresql' }, redis: { embedded: false } } });
      expect(health.checks).not.toHaveProperty('workers');
      await waitFor(() => worker.output.stderr.includes('workers started'), 30_000, 'the worker process');
      for (const p of [web, worker]) p.child.kill('SIGTERM');
      expect((await web.exited).code, web.output.stderr).toBe(0);
      expect((await worker.exited).code, worker.output.stderr).toBe(0);
    } finally {
      for (const p of [web, worker]) p.child.kill('SIGKILL');
      await db.drop();
    }
  });

  it('refuses bad configuration with one line and exit code 2', async () => {
    const run = runCli(['start'], { DATA_DIR: tempDir(), PORT: 'eighty', DATABASE_URL: 'mysql://x/y' });
    const { code } = await run.exited;
    expect(code).toBe(2);
    const lines = run.output.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^tinyarena: Invalid configuration: PORT must be an integer port 0–65535 \(got "eighty"\); DATABASE_URL must be a database URL/);
  });

  it('says which port is taken', async () => {
    const port = await freePort();
    const first = runCli(['web'], { DATA_DIR: tempDir(), PORT: String(port), REDIS_URL: TEST_REDIS_URL });
    try {
      await waitForHealthy(`http://127.0.0.1:${port}/healthz`, 60_000, first);
      const second = runCli(['web'], { DATA_DIR: tempDir(), PORT: String(port), REDIS_URL: TEST_REDIS_URL });
      expect((await second.exited).code).toBe(1);
      expect(second.output.stderr).toContain(`PORT ${port} on 127.0.0.1 is already in use; set PORT to a free port`);
    } finally {
      first.child.kill('SIGKILL');
    }
  });
});
