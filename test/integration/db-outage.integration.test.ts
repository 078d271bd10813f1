/**
 * A PostgreSQL outage in the middle of grading (issue 17, "restart PostgreSQL — every submission ends
 * exactly once"): a private PostgreSQL server is stopped as by a crash while stages run, stays away
 * longer than a stage's retry budget (STAGE_ATTEMPTS with 2 s exponential backoff ≈ 6 s), then comes
 * back. Database unavailability is our outage, not a failed attempt: the jobs wait it out, and every
 * submission ends `done`, announced once, without a "retrying" notice or a refund.
 */
import { describe, expect, it, onTestFinished } from 'vitest';
import { submit } from '../../arena/intake.js';
import { WorkerPool } from '../../worker/workers.js';
import { kwsModel, person, pipelineServices, waitSettled } from '../helpers/pipeline.js';
import { pgBin, privatePostgres } from '../helpers/private-services.js';
import { waitFor } from '../helpers/process.js';
import { HAVE_SHARED_MODELS } from '../helpers/shared.js';

/** How long the database stays down (the issue asks for 30–60 s; longer runs with DB_OUTAGE_MS). */
const OUTAGE_MS = Number(process.env.DB_OUTAGE_MS ?? 30_000);

describe.skipIf(!HAVE_SHARED_MODELS || !pgBin())('a PostgreSQL outage mid-grading', () => {
  it(`${OUTAGE_MS / 1000} s without the database: every submission still ends done, exactly once, on its retry budget`, { timeout: 180_000 + OUTAGE_MS }, async () => {
    const pg = await privatePostgres();
    onTestFinished(() => pg.stop());
    const s = await pipelineServices({ env: { DATABASE_URL: pg.url, WORKER_CONCURRENCY: '2', STAGE_ATTEMPTS: '3', REAPER_INTERVAL_MS: '3000', REAPER_MIN_AGE_MS: '3000' } });
    const ada = await person(s, 'ada');
    const ids: string[] = [];
    for (const pad of [0, 8, 16]) ids.push((await submit(s, { challengeId: 'kws-test', personId: ada.id, fileName: 'model.tflite', source: 'cli', body: kwsModel(pad) })).id);
    const pool = new WorkerPool(s);
    await pool.start();
    try {
      await waitFor(async () => (await s.db.submission.count({ where: { id: { in: ids }, state: 'running' } })) > 0, 60_000, 'grading to start');
      pg.down();
      await new Promise((r) => setTimeout(r, OUTAGE_MS));
      pg.up();
      await waitSettled(s, ids, 150_000);
    } finally {
      await pool.stop();
    }
    const subs = await s.db.submission.findMany({ where: { id: { in: ids } }, select: { id: true, state: true, stateReason: true, quotaCharged: true } });
    expect(Object.fromEntries(subs.map((x) => [x.id, [x.state, x.stateReason, x.quotaCharged]]))).toEqual(Object.fromEntries(ids.map((id) => [id, ['done', null, true]])));
    const events = await s.db.submissionEvent.findMany({ where: { submissionId: { in: ids }, type: { in: ['done', 'failed', 'retrying'] } }, select: { submissionId: true, type: true } });
    // One end each, and the outage cost no learner-facing retry.
    expect(events.filter((e) => e.type === 'retrying')).toEqual([]);
    expect(Object.fromEntries(ids.map((id) => [id, events.filter((e) => e.submissionId === id).map((e) => e.type)]))).toEqual(Object.fromEntries(ids.map((id) => [id, ['done']])));
    expect(await s.db.stageResult.count({ where: { submissionId: { in: ids }, stage: 'publish', status: 'passed' } })).toBe(3);
  });
});
