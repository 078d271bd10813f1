/**
 * "Nothing lost, nothing scored twice": many submissions at once on both databases; a worker killed
 * with SIGKILL mid-stage; Redis restarted (with and without its data); PostgreSQL connections cut.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { describe, expect, it, onTestFinished } from 'vitest';
import { createLogger } from '../../core/logger.js';
import { startEmbeddedRedis } from '../../core/redis.js';
import type { Services } from '../../core/services.js';
import { submit } from '../../arena/intake.js';
import { readLeaderboard } from '../../arena/leaderboard.js';
import { WorkerPool } from '../../worker/workers.js';
import { runCli } from '../helpers/cli.js';
import { kwsModel, person, pipelineServices, waitSettled } from '../helpers/pipeline.js';
import { waitFor } from '../helpers/process.js';
import { HAVE_SHARED_MODELS } from '../helpers/shared.js';
import { tempDir } from '../helpers/tmp.js';

/** n people submit the reference model (some padded, so scores differ) at once. */
async function submitMany(s: Services, n: number): Promise<string[]> {
  const people = await Promise.all(Array.from({ length: n }, (_, i) => person(s, `p${i}`)));
  const results = await Promise.all(people.map((p, i) => submit(s, { challengeId: 'kws-test', personId: p.id, fileName: 'm.tflite', source: 'api', body: kwsModel((i % 5) * 1000) })));
  expect(results.every((r) => r.status === 'accepted')).toBe(true);
  return results.map((r) => r.id);
}

/** Every submission done, exactly one result per stage and one score per split, one "done" event, one board row. */
async function expectExactlyOnce(s: Services, ids: string[]): Promise<void> {
  const subs = await s.db.submission.findMany({ where: { id: { in: ids } } });
  expect(subs.filter((x) => x.state !== 'done').map((x) => [x.id, x.state, x.stateReason])).toEqual([]);
  const scores = await s.db.score.groupBy({ by: ['submissionId'], where: { submissionId: { in: ids } }, _count: { _all: true } });
  expect(scores).toHaveLength(ids.length);
  expect(scores.every((g) => g._count._all === 2)).toBe(true);
  const stages = await s.db.stageResult.count({ where: { submissionId: { in: ids } } });
  expect(stages).toBe(ids.length * 4);
  const done = await s.db.submissionEvent.groupBy({ by: ['submissionId'], where: { submissionId: { in: ids }, type: 'done' }, _count: { _all: true } });
  expect(done.filter((g) => g._count._all !== 1)).toEqual([]);
  expect(done).toHaveLength(ids.length);
  const board = await readLeaderboard(s, 'kws-test', 'public');
  expect(board.entries).toHaveLength(ids.length);
  expect(new Set(board.entries.map((e) => e.person)).size).toBe(ids.length);
}

describe.skipIf(!HAVE_SHARED_MODELS)('pipeline resilience', () => {
  for (const provider of ['sqlite', 'postgresql'] as const) {
    it(`200 submissions enqueued at once all finish with exactly one score each (${provider})`, { timeout: 240_000 }, async () => {
      const s = await pipelineServices({ provider, env: { WORKER_CONCURRENCY: '8' } });
      const ids = await submitMany(s, 200);
      const pool = new WorkerPool(s);
      await pool.start();
      try {
        await waitSettled(s, ids, 200_000);
      } finally {
        await pool.stop();
      }
      await expectExactlyOnce(s, ids);
    });
  }

  it('a worker killed with SIGKILL mid-stage loses nothing: another worker finishes its jobs', { timeout: 180_000 }, async () => {
    const s = await pipelineServices({ challenge: { samples: 1500 }, env: { JOB_LOCK_MS: '2000' } });
    const ids = await submitMany(s, 12);
    const env = {
      DATA_DIR: s.config.DATA_DIR,
      REDIS_URL: s.redisHandle.options.path ? `unix://${s.redisHandle.options.path}` : `redis://127.0.0.1:${s.redisHandle.options.port ?? 6379}`,
      QUEUE_PREFIX: s.config.QUEUE_PREFIX,
      CHALLENGES_DIR: s.config.CHALLENGES_DIR,
      JOB_LOCK_MS: '2000',
      REAPER_INTERVAL_MS: '1000',
      REAPER_MIN_AGE_MS: '1000',
      // The simulated boards this test was written for: a virtual board's emulator would take a core
      // away from the score stages whose timing it relies on.
      RACK_VIRTUAL_BOARDS: '0',
    };
    const first = runCli(['worker'], env);
    try {
      // Kill it while a score stage is running, after some submissions made it through.
      await waitFor(
        async () => (await s.db.submission.count({ where: { id: { in: ids }, state: 'done' } })) >= 2 && (await s.db.stageResult.count({ where: { stage: 'score', status: 'running' } })) >= 1,
        90_000,
        'a running score stage',
      ).catch((err: Error) => {
        throw new Error(`${err.message}; worker output:\n${first.output.stderr.slice(-3000)}`);
      });
      first.child.kill('SIGKILL');
      await first.exited;
    } finally {
      first.child.kill('SIGKILL');
    }
    const interrupted = await s.db.submission.count({ where: { id: { in: ids }, state: { in: ['queued', 'running'] } } });
    expect(interrupted).toBeGreaterThan(0);
    const second = runCli(['worker'], env);
    try {
      await waitSettled(s, ids, 120_000);
    } finally {
      second.child.kill('SIGTERM');
      await second.exited;
    }
    await expectExactlyOnce(s, ids);
    // The interrupted score stage ran again (two attempts), but scored once.
    expect(await s.db.stageResult.count({ where: { stage: 'score', attempts: { gt: 1 } } })).toBeGreaterThan(0);
  });

  for (const keepData of [true, false]) {
    it(`a Redis restart ${keepData ? 'with its append-only file' : 'that lost all its data'} loses nothing`, { timeout: 180_000 }, async () => {
      const redisDir = tempDir('tinyarena-redis-');
      const logger = createLogger('silent');
      let redis = await startEmbeddedRedis({ dataDir: redisDir, bin: 'redis-server', logger });
      // Stopped after the services' own cleanup (which still needs Redis): finish hooks run last-registered first.
      onTestFinished(() => redis.stop());
      const url = redis.options.path ? `unix://${redis.options.path}` : `redis://127.0.0.1:${redis.options.port}`;
      {
        const s = await pipelineServices({ challenge: { samples: 600 }, env: { REDIS_URL: url, REAPER_INTERVAL_MS: '1000', REAPER_MIN_AGE_MS: '1000', JOB_LOCK_MS: '2000' } });
        const ids = await submitMany(s, 20);
        const pool = new WorkerPool(s);
        await pool.start();
        try {
          await waitFor(async () => (await s.db.submission.count({ where: { id: { in: ids }, state: 'done' } })) >= 3, 60_000, 'a few submissions done');
          await redis.stop();
          if (!keepData) rmSync(join(redisDir, 'redis', 'appendonlydir'), { recursive: true, force: true });
          await new Promise((r) => setTimeout(r, 500));
          // Same socket path (the unix socket lives in the data dir), so clients reconnect to it.
          redis = await startEmbeddedRedis({ dataDir: redisDir, bin: 'redis-server', logger });
          await waitSettled(s, ids, 120_000);
        } finally {
          await pool.stop();
        }
        await expectExactlyOnce(s, ids);
        // Without its data Redis forgot the queued jobs: the reaper put them back from the database.
        if (!keepData) expect(await s.db.submissionEvent.count({ where: { type: 'requeued' } })).toBeGreaterThan(0);
      }
    });
  }

  it('PostgreSQL connections cut mid-run (as in a database restart) lose nothing', { timeout: 180_000 }, async () => {
    const s = await pipelineServices({ provider: 'postgresql', challenge: { samples: 600 }, env: { REAPER_INTERVAL_MS: '1000', REAPER_MIN_AGE_MS: '1000', JOB_LOCK_MS: '2000' } });
    const ids = await submitMany(s, 20);
    const pool = new WorkerPool(s);
    await pool.start();
    const dbName = new URL(s.dbTarget.url).pathname.slice(1);
    const admin = new pg.Client({ connectionString: s.dbTarget.url });
    await admin.connect();
    try {
      await waitFor(async () => (await s.db.submission.count({ where: { id: { in: ids }, state: 'done' } })) >= 3, 60_000, 'a few submissions done');
      for (let i = 0; i < 3; i++) {
        await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [dbName]);
        await new Promise((r) => setTimeout(r, 300));
      }
      await waitSettled(s, ids, 120_000);
    } finally {
      await admin.end();
      await pool.stop();
    }
    await expectExactlyOnce(s, ids);
  });
});
