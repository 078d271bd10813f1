/**
 * The reaper on real Redis: a submission whose job vanished is re-queued; one whose job failed for
 * good without the give-up hook running is failed and refunded; one whose stage has been running past
 * its timeout plus the grace period is failed and refunded, and the late job is then fenced out.
 */
import { randomUUID } from 'node:crypto';
import { Worker } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { connectRedis } from '../../core/redis.js';
import type { Services } from '../../core/services.js';
import { evaluatorVersion } from '../../arena/evaluator.js';
import { reap } from '../../grader/pipeline/reaper.js';
import { STAGE_TIMEOUT_MS, stageJobId } from '../../arena/stage-contract.js';
import { runStage } from '../../grader/pipeline/stages.js';
import { kwsModel, person, pipelineServices } from '../helpers/pipeline.js';
import { HAVE_SHARED_MODELS } from '../helpers/shared.js';

async function queuedSubmission(s: Services, handle: string, stage: 'validate' | 'score', pad: number) {
  const p = await person(s, handle);
  const blob = await s.blobs.putBytes(kwsModel(pad), { maxBytes: 1 << 20 });
  await s.db.blob.create({ data: { sha256: blob.sha256, sizeBytes: blob.sizeBytes, kind: blob.kind } });
  const c = await s.db.challenge.findUniqueOrThrow({ where: { id: 'kws-test' } });
  const old = new Date(Date.now() - 3600_000);
  return s.db.submission.create({
    data: {
      challengeId: 'kws-test',
      personId: p.id,
      blobSha256: blob.sha256,
      kind: 'model',
      fileName: 'm.tflite',
      source: 'cli',
      state: stage === 'validate' ? 'queued' : 'running',
      stage,
      runId: randomUUID(),
      runVersion: evaluatorVersion(c.definitionHash),
      createdAt: old,
      updatedAt: old,
    },
  });
}

describe.skipIf(!HAVE_SHARED_MODELS)('reaper', () => {
  it('re-queues lost jobs, fails dead and stuck ones with a refund, and fences out the late job', async () => {
    const s = await pipelineServices();
    // Age rows so the reaper considers them (it leaves rows an intake may still be working on alone).
    const age = (id: string) => s.db.submission.update({ where: { id }, data: { updatedAt: new Date(Date.now() - 3600_000) } });

    const lost = await queuedSubmission(s, 'lost', 'validate', 1);
    await age(lost.id);

    const dead = await queuedSubmission(s, 'dead', 'validate', 2);
    await age(dead.id);
    const manual = new Worker('validate', null, { connection: connectRedis(s.redisHandle, 'manual'), prefix: s.config.QUEUE_PREFIX, lockDuration: 600_000 });
    try {
      await s.queues.add('validate', { submissionId: dead.id, runId: dead.runId!, evaluatorVersion: dead.runVersion! }, { jobId: stageJobId('validate', dead.id, dead.runId!) });
      const deadJob = (await manual.getNextJob('tok-dead'));
      await deadJob.moveToFailed(new Error('worker exploded'), 'tok-dead');

      const stuck = await queuedSubmission(s, 'stuck', 'score', 3);
      await age(stuck.id);
      await s.db.stageResult.create({
        data: { submissionId: stuck.id, stage: 'score', evaluatorVersion: stuck.runVersion!, status: 'running', attempts: 1, startedAt: new Date(Date.now() - STAGE_TIMEOUT_MS.score - 6 * 60_000) },
      });
      const stuckManual = new Worker('score', null, { connection: connectRedis(s.redisHandle, 'manual2'), prefix: s.config.QUEUE_PREFIX, lockDuration: 600_000 });
      try {
        await s.queues.add('score', { submissionId: stuck.id, runId: stuck.runId!, evaluatorVersion: stuck.runVersion! }, { jobId: stageJobId('score', stuck.id, stuck.runId!) });
        const active = (await stuckManual.getNextJob('tok-stuck'));
        expect(await active.getState()).toBe('active');

        const res = await reap(s, { minAgeMs: 1000 });
        expect(res.requeued).toEqual([lost.id]);
        expect(res.failed.sort()).toEqual([dead.id, stuck.id].sort());
        expect(await s.queues.get('validate').getJob(stageJobId('validate', lost.id, lost.runId!))).toBeDefined();
        for (const id of [dead.id, stuck.id]) {
          const row = await s.db.submission.findUniqueOrThrow({ where: { id } });
          expect(row).toMatchObject({ state: 'failed', quotaCharged: false });
          expect(row.stateReason).toMatch(/refunded/);
        }
        expect((await s.db.submission.findUniqueOrThrow({ where: { id: dead.id } })).stateReason).toMatch(/worker exploded/);
        expect((await s.db.submission.findUniqueOrThrow({ where: { id: stuck.id } })).stateReason).toMatch(/got stuck/);
        // The stuck job finally wakes up: the submission is final, so it does nothing.
        expect(await runStage(s, 'score', { submissionId: stuck.id, runId: stuck.runId!, evaluatorVersion: stuck.runVersion! })).toEqual({ skipped: 'finished' });
        expect(await s.db.score.count({ where: { submissionId: stuck.id } })).toBe(0);
        // A second pass finds nothing more to do.
        expect(await reap(s, { minAgeMs: 1000 })).toMatchObject({ requeued: [], failed: [] });
      } finally {
        await stuckManual.close();
      }
    } finally {
      await manual.close();
    }
  });

  it('repairs a row that claims queued at publish while every stage of its evaluator already passed (an unchanged-evaluator rejudge before the fix)', async () => {
    const s = await pipelineServices();
    // Judge it for real, one stage at a time.
    const sub = await queuedSubmission(s, 'ada', 'validate', 0);
    for (const stage of ['validate', 'score', 'device', 'publish'] as const) {
      const row = await s.db.submission.findUniqueOrThrow({ where: { id: sub.id } });
      expect(await runStage(s, stage, { submissionId: sub.id, runId: row.runId!, evaluatorVersion: row.runVersion! })).toMatchObject({ ran: stage });
    }
    expect((await s.db.submission.findUniqueOrThrow({ where: { id: sub.id } })).state).toBe('done');
    // What an old rejudge under the same evaluator left behind: a new run sitting at publish, its
    // earlier stages "already done", no job left in the queue.
    const runId = randomUUID();
    const old = new Date(Date.now() - 3600_000);
    await s.db.submission.update({ where: { id: sub.id }, data: { runId, lane: 'rejudge', state: 'queued', stage: 'publish', finishedAt: null } });
    await s.db.submission.update({ where: { id: sub.id }, data: { updatedAt: old } });
    const res = await reap(s, { minAgeMs: 1000 });
    expect(res.requeued).toEqual([sub.id]);
    const job = (await s.queues.get('publish').getJob(stageJobId('publish', sub.id, runId)))!;
    expect(job.data).toMatchObject({ submissionId: sub.id, runId });
    // The requeued publish job finishes the run instead of skipping it as already done.
    expect(await runStage(s, 'publish', job.data)).toEqual({ ran: 'publish', status: 'passed' });
    expect(await s.db.submission.findUniqueOrThrow({ where: { id: sub.id } })).toMatchObject({ state: 'done', stage: null, lane: 'rejudge' });
  });
});

describe('the reaper finishes publishes cut short', () => {
  it('announces a done submission whose publish job ran out of attempts once, and completes its row', async () => {
    const { gradedSubmission } = await import('../helpers/graded.js');
    const s = await pipelineServices();
    const ada = await person(s, 'ada');
    const id = await gradedSubmission(s, { personId: ada.id, fileName: 'm.tflite', createdAt: new Date(Date.now() - 3600_000), publicScore: 80, privateScore: 70 });
    // Marked done by publish, then the database went away for longer than the job's retries.
    await s.db.stageResult.updateMany({ where: { submissionId: id, stage: 'publish' }, data: { status: 'running', finishedAt: null } });
    await s.db.$executeRaw`UPDATE "Submission" SET "updatedAt" = ${new Date(Date.now() - 600_000)} WHERE "id" = ${id}`;
    expect(await reap(s, { minAgeMs: 1000 })).toMatchObject({ completed: [id] });
    expect(await s.db.submissionEvent.count({ where: { submissionId: id, type: 'done' } })).toBe(1);
    expect((await s.db.stageResult.findFirstOrThrow({ where: { submissionId: id, stage: 'publish' } })).status).toBe('passed');
    expect(await s.db.leaderboardEntry.count({ where: { submissionId: id } })).toBeGreaterThan(0);
    expect(await reap(s, { minAgeMs: 1000 })).toMatchObject({ completed: [] });
    expect(await s.db.submissionEvent.count({ where: { submissionId: id, type: 'done' } })).toBe(1);
  });
});
