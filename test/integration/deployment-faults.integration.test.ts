/**
 * A deployment of several processes (issue 17): web, two workers and a rack agent (a worker with the
 * simulated boards) on one PostgreSQL and one shared Redis, grading real submissions while things go
 * wrong: one process SIGKILLed mid-grading (and started again), Redis killed and restarted with its
 * data, PostgreSQL restarted as after a crash. Every submission must end exactly once: one terminal
 * event each, done, with one passed publish stage (a longer PostgreSQL outage: db-outage test).
 *
 * The default run kills one worker (representative). FAULT_MATRIX=1 runs the whole matrix: each of
 * web, worker, rack agent killed in turn, each followed by the Redis and PostgreSQL restarts.
 */
import { join } from 'node:path';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { freePort, runCli, waitForHealthy, type CliRun } from '../helpers/cli.js';
import { kwsModel, writeChallenge } from '../helpers/pipeline.js';
import { pgBin, privatePostgres, privateRedis } from '../helpers/private-services.js';
import { waitFor } from '../helpers/process.js';
import { HAVE_SOCAT } from '../helpers/rack.js';
import { stateOf, tokensFor, upload } from '../helpers/server.js';
import { HAVE_SHARED_MODELS } from '../helpers/shared.js';
import { tempDir } from '../helpers/tmp.js';

type Victim = 'web' | 'worker' | 'rack';
const MATRIX: Victim[] = process.env.FAULT_MATRIX ? ['web', 'worker', 'rack'] : ['worker'];

async function deployment() {
  const [db, redis] = await Promise.all([privatePostgres(), privateRedis()]);
  const root = tempDir('tinyarena-deploy-');
  const port = await freePort();
  const env: Record<string, string> = {
    DATA_DIR: join(root, 'data'), DATABASE_URL: db.url, REDIS_URL: redis.url, QUEUE_PREFIX: 'deploy', CHALLENGES_DIR: writeChallenge(root),
    MIGRATE_ON_START: 'false', JOB_LOCK_MS: '3000', REAPER_INTERVAL_MS: '3000', REAPER_MIN_AGE_MS: '3000', SHUTDOWN_GRACE_MS: '6000', LOG_LEVEL: 'info', WORKER_CONCURRENCY: '2',
  };
  const migrate = runCli(['migrate'], env);
  if ((await migrate.exited).code !== 0) throw new Error(migrate.output.stderr);
  const tokens = await tokensFor(env, ['ada']);
  const kinds: Record<Victim | 'worker2', () => CliRun> = {
    web: () => runCli(['web'], { ...env, PORT: String(port), RACK_SIM_BOARDS: '0' }),
    worker: () => runCli(['worker'], { ...env, RACK_SIM_BOARDS: '0' }),
    worker2: () => runCli(['worker'], { ...env, RACK_SIM_BOARDS: '0' }),
    rack: () => runCli(['worker'], { ...env, RACK_SIM_BOARDS: '2' }),
  };
  const procs = Object.fromEntries(Object.entries(kinds).map(([k, start]) => [k, start()])) as Record<Victim | 'worker2', CliRun>;
  const url = `http://127.0.0.1:${port}`;
  await waitForHealthy(`${url}/healthz`, 90_000, procs.web);
  for (const k of ['worker', 'worker2', 'rack'] as const) await waitFor(() => procs[k].output.stderr.includes('workers started'), 90_000, `${k} to start`);
  await waitFor(() => procs.rack.output.stderr.includes('"boards"') || procs.rack.output.stderr.includes('board rack'), 60_000, 'the rack');
  return {
    db, redis, url, token: tokens.ada!, procs,
    restart: async (k: Victim) => {
      procs[k].child.kill('SIGKILL');
      await procs[k].exited;
      procs[k] = kinds[k]();
      if (k === 'web') await waitForHealthy(`${url}/healthz`, 90_000, procs.web);
    },
    stop: async () => {
      for (const p of Object.values(procs)) p.child.kill('SIGTERM');
      await Promise.all(Object.values(procs).map((p) => Promise.race([p.exited, new Promise((r) => setTimeout(r, 10_000))])));
      for (const p of Object.values(procs)) if (p.child.exitCode === null) p.child.kill('SIGKILL');
      redis.stop();
      db.stop();
    },
  };
}

describe.skipIf(!HAVE_SHARED_MODELS || !HAVE_SOCAT || !pgBin())('a deployment of several processes under faults', () => {
  for (const victim of MATRIX) {
    it(`ends every submission exactly once: ${victim} SIGKILLed mid-grading, Redis and PostgreSQL restarted`, { timeout: 300_000 }, async () => {
      const d = await deployment();
      try {
        const ids: string[] = [];
        for (let i = 0; i < 4; i++) ids.push(await upload(d.url, d.token, kwsModel(i * 8)));
        // Mid-grading: as soon as something is running.
        await waitFor(async () => (await Promise.all(ids.map((id) => stateOf(d.url, d.token, id)))).some((st) => st === 'running'), 60_000, 'grading to start');
        await d.restart(victim);
        await d.redis.restart();
        d.db.restart();
        await waitForHealthy(`${d.url}/healthz`, 60_000);
        await waitFor(async () => (await Promise.all(ids.map((id) => stateOf(d.url, d.token, id)))).every((st) => st === 'done' || st === 'failed'), 180_000, 'every submission to end');

        const client = new pg.Client({ connectionString: d.db.url });
        await client.connect();
        try {
          // Ended, and done: a database restart no longer spends a stage's attempts (jobs wait it out,
          // worker/workers.ts), so a slow restart cannot fail a submission either.
          const states = await client.query<{ id: string; state: string; stateReason: string | null }>('SELECT "id", "state", "stateReason" FROM "Submission" WHERE "id" = ANY($1)', [ids]);
          for (const r of states.rows) expect([r.id, r.state, r.stateReason]).toEqual([r.id, 'done', null]);
          const done = states.rows.filter((r) => r.state === 'done').map((r) => r.id);
          expect(done.length).toBeGreaterThan(0);
          const ends = async () => Object.fromEntries((await client.query<{ submissionId: string; n: string }>(`SELECT "submissionId", COUNT(*) AS n FROM "SubmissionEvent" WHERE "type" IN ('done', 'failed') AND "submissionId" = ANY($1) GROUP BY 1`, [ids])).rows.map((r) => [r.submissionId, Number(r.n)]));
          // A publish cut short by the outage is finished (announced) by the reaper a little later.
          await waitFor(async () => Object.keys(await ends()).length === ids.length, 60_000, 'every submission to be announced');
          expect(await ends()).toEqual(Object.fromEntries(ids.map((id) => [id, 1])));
          const published = await client.query<{ submissionId: string; n: string }>(`SELECT "submissionId", COUNT(*) AS n FROM "StageResult" WHERE "stage" = 'publish' AND "status" = 'passed' AND "submissionId" = ANY($1) GROUP BY 1`, [ids]);
          expect(published.rows.every((r) => Number(r.n) === 1)).toBe(true);
          expect(published.rows.map((r) => r.submissionId).sort()).toEqual([...done].sort());
          // Quota charged once each: the board shows one participant (ada) with her best.
          const board = await client.query('SELECT COUNT(*) AS n FROM "LeaderboardEntry" WHERE "split" = \'public\'');
          expect(Number((board.rows[0] as { n: string }).n)).toBe(1);
        } finally {
          await client.end();
        }
      } finally {
        await d.stop();
      }
    });
  }
});
