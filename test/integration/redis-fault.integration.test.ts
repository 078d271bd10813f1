/**
 * A dead private Redis (issue 17 #5), through the real bin: `tinyarena start` on SQLite and its
 * private redis-server, grading in flight, then `kill -KILL` of the redis-server alone. The service
 * restarts it with its data and carries on (nothing lost, one log line per outage, no raw dumps), or —
 * when it cannot be restarted — exits within 10 s with one clear line and nothing left running; and a
 * SIGTERM ends the process within the grace period even while Redis is gone.
 */
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { freePort, runCli, waitForHealthy, type CliRun } from '../helpers/cli.js';
import { kwsModel, writeChallenge } from '../helpers/pipeline.js';
import { isAlive, pidsWhere, waitFor } from '../helpers/process.js';
import { rawLines, redisPidOf, stateOf, tokensFor, upload } from '../helpers/server.js';
import { HAVE_SHARED_MODELS } from '../helpers/shared.js';
import { tempDir } from '../helpers/tmp.js';
import { Agent } from '../helpers/web.js';

/** A redis-server that starts the first time and then `fail`s or `hang`s (never answers). */
function flakyRedis(dir: string, then: 'fail' | 'hang'): string {
  const bin = join(dir, 'flaky-redis-server');
  const marker = join(dir, 'started-once');
  writeFileSync(bin, `#!/bin/sh\nif [ -e '${marker}' ]; then\n${then === 'fail' ? '  echo "simulated: redis-server cannot start" >&2; exit 1' : '  exec sleep 600'}\nfi\ntouch '${marker}'\nexec redis-server "$@"\n`);
  chmodSync(bin, 0o755);
  return bin;
}

async function server(env: Record<string, string> = {}) {
  const root = tempDir('tinyarena-redis-fault-');
  const dataDir = join(root, 'data');
  const base: Record<string, string> = { DATA_DIR: dataDir, CHALLENGES_DIR: writeChallenge(root), RACK_SIM_BOARDS: '0', JOB_LOCK_MS: '3000', REAPER_INTERVAL_MS: '2000', REAPER_MIN_AGE_MS: '2000', SHUTDOWN_GRACE_MS: '8000', LOG_LEVEL: 'info', ...env };
  const tokens = await tokensFor(base, ['ada']);
  const port = await freePort();
  const run = runCli(['start'], { ...base, PORT: String(port) });
  const url = `http://127.0.0.1:${port}`;
  await waitForHealthy(`${url}/healthz`, 60_000, run);
  return { root, dataDir, url, run, token: tokens.ada! };
}

/** Whatever the outcome, the process and its children are gone afterwards. */
function cleanup(run: CliRun) {
  if (run.child.exitCode === null) run.child.kill('SIGKILL');
}

const exitWithin = (run: CliRun, ms: number) => Promise.race([run.exited, new Promise<never>((_, rej) => setTimeout(() => rej(new Error(`not exited within ${ms} ms:\n${run.output.stderr.slice(-3000)}`)), ms))]);

describe.skipIf(!HAVE_SHARED_MODELS)('a dead private Redis', () => {
  it('is restarted with its data: grading carries on, nothing is lost, the outage is logged once', { timeout: 150_000 }, async () => {
    const { dataDir, url, run, token } = await server();
    try {
      const ids = [await upload(url, token, kwsModel()), await upload(url, token, kwsModel(8)), await upload(url, token, kwsModel(16))];
      const first = redisPidOf(dataDir);
      const before = run.output.stderr.length;
      process.kill(first, 'SIGKILL');
      const killedAt = Date.now();
      await waitFor(() => !isAlive(first), 5000, 'the redis-server to die');
      await waitForHealthy(`${url}/healthz`, 30_000, run);
      expect(Date.now() - killedAt).toBeLessThan(30_000);
      expect(redisPidOf(dataDir)).not.toBe(first);
      // Every submission finishes, none twice.
      await waitFor(async () => (await Promise.all(ids.map((id) => stateOf(url, token, id)))).every((st) => st === 'done'), 90_000, 'the submissions to finish after the restart');
      const after = run.output.stderr.slice(before);
      expect(rawLines(after)).toEqual([]);
      expect(after.match(/redis is unreachable/g)?.length ?? 0).toBeLessThanOrEqual(2);
      expect(after).toMatch(/the private redis-server is back; carrying on/);
      expect(after.split('\n').filter((l) => /"level":(40|50|60)/.test(l)).length).toBeLessThan(15);
      const restarted = redisPidOf(dataDir);
      run.child.kill('SIGTERM');
      const { code } = await exitWithin(run, 8000 + 3000);
      expect(code, run.output.stderr.slice(-2000)).toBe(0);
      await waitFor(() => !isAlive(restarted), 5000, 'the restarted redis-server to stop');
    } finally {
      cleanup(run);
    }
  });

  it('that cannot be restarted ends the service within 10 s, with one line and nothing left running', { timeout: 120_000 }, async () => {
    const root = tempDir('tinyarena-redis-bin-');
    const { dataDir, run } = await server({ REDIS_SERVER_BIN: flakyRedis(root, 'fail') });
    try {
      const pid = redisPidOf(dataDir);
      const before = run.output.stderr.length;
      process.kill(pid, 'SIGKILL');
      const t0 = Date.now();
      const { code } = await exitWithin(run, 10_000);
      expect(Date.now() - t0).toBeLessThan(10_000);
      expect(code).toBe(1);
      const after = run.output.stderr.slice(before);
      expect(rawLines(after)).toEqual([]);
      const fatal = after.split('\n').filter((l) => /"level":60/.test(l));
      expect(fatal).toHaveLength(1);
      expect(fatal[0], fatal[0]).toMatch(/the private redis-server died and could not be restarted \(.*simulated: redis-server cannot start.*\); shutting down/);
      expect(pidsWhere((argv) => argv.some((a) => a.includes(dataDir)))).toEqual([]);
    } finally {
      cleanup(run);
    }
  });

  it('never holds up a SIGTERM: the process ends within the grace period while Redis is gone', { timeout: 120_000 }, async () => {
    const root = tempDir('tinyarena-redis-bin-');
    const { dataDir, url, run, token } = await server({ REDIS_SERVER_BIN: flakyRedis(root, 'hang') });
    try {
      await upload(url, token, kwsModel());
      process.kill(redisPidOf(dataDir), 'SIGKILL');
      // The restart hangs (the new server never answers); stop now.
      await new Promise((r) => setTimeout(r, 1500));
      run.child.kill('SIGTERM');
      const t0 = Date.now();
      await exitWithin(run, 8000 + 2000);
      expect(Date.now() - t0).toBeLessThan(8000 + 2000);
      await waitFor(() => pidsWhere((argv) => argv.some((a) => a.includes(dataDir) || a.includes(root))).length === 0, 5000, 'nothing of the service to be left running');
    } finally {
      cleanup(run);
    }
  });

  it('answers a signed-in browser 503 "briefly unavailable" while Redis is gone, without an error per request', { timeout: 120_000 }, async () => {
    const root = tempDir('tinyarena-redis-bin-');
    const { dataDir, url, run, token } = await server({ REDIS_SERVER_BIN: flakyRedis(root, 'hang') });
    try {
      const browser = new Agent(url);
      await browser.signIn(token);
      expect((await browser.req('/me/submissions')).status).toBe(200);
      process.kill(redisPidOf(dataDir), 'SIGKILL');
      // The restart hangs: the sessions' Redis stays away for the rest of the test (until the supervisor's
      // 15 s start timeout gives up on it).
      await new Promise((r) => setTimeout(r, 1500));
      const before = run.output.stderr.length;
      for (const [path, accept, type] of [['/me/submissions', 'text/html', /text\/html/], ['/api/submissions/none', 'application/json', /application\/json/]] as const) {
        for (let i = 0; i < 2; i++) {
          const t0 = Date.now();
          const res = await browser.req(path, { headers: { accept }, signal: AbortSignal.timeout(15_000) });
          const body = await res.text();
          expect({ path, status: res.status }, body).toEqual({ path, status: 503 });
          expect(Date.now() - t0).toBeLessThan(5000);
          expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
          expect(res.headers.get('content-type')).toMatch(type);
          expect(body).toMatch(/briefly unavailable.*(retry|try again)/i);
        }
      }
      // A burst at once: all 503, and no per-request listener piles up on the connection (a Node
      // MaxListenersExceededWarning would be a raw stderr line).
      const burst = await Promise.all(Array.from({ length: 15 }, () => browser.req('/me/submissions', { headers: { accept: 'text/html' }, signal: AbortSignal.timeout(15_000) })));
      expect(burst.map((r) => r.status)).toEqual(Array(15).fill(503));
      const after = run.output.stderr.slice(before);
      expect(rawLines(after)).toEqual([]);
      expect(after.split('\n').filter((l) => /"level":(50|60)/.test(l)), after).toEqual([]);
    } finally {
      cleanup(run);
    }
  });

  it('a SIGTERM during start-up still ends the process cleanly, leaving nothing behind', { timeout: 120_000 }, async () => {
    const root = tempDir('tinyarena-early-stop-');
    const dataDir = join(root, 'data');
    const run = runCli(['start'], { DATA_DIR: dataDir, CHALLENGES_DIR: writeChallenge(root), PORT: String(await freePort()), RACK_SIM_BOARDS: '2', SHUTDOWN_GRACE_MS: '8000', LOG_LEVEL: 'info' });
    try {
      // Half-way through start-up: the services are up, the rack is starting its boards.
      await waitFor(() => run.output.stderr.includes('starting the board rack') || run.child.exitCode !== null, 60_000, 'start-up to reach the rack');
      run.child.kill('SIGTERM');
      const { code, signal } = await exitWithin(run, 8000 + 20_000);
      expect({ code, signal }, run.output.stderr.slice(-2000)).toEqual({ code: 0, signal: null });
      await waitFor(() => pidsWhere((argv) => argv.some((a) => a.includes(dataDir))).length === 0, 5000, 'nothing of the service to be left running');
    } finally {
      cleanup(run);
    }
  });
});
