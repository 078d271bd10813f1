/**
 * The reaper: nothing stays queued or running without a live job behind it. Runs every minute (and
 * when workers start). For each submission in the pipeline it looks at the job its current stage
 * should have:
 * - missing (Redis lost it, or intake could not enqueue): enqueue it again;
 * - failed for good while the submission still waits (the give-up hook never ran, e.g. a worker was
 *   killed on its last attempt): fail the submission and refund the quota;
 * - completed but the submission did not move on: enqueue it again;
 * - active for longer than the stage timeout plus a grace period: fail it and refund (the run id
 *   changes nothing: a late result from that job is fenced out because the state is final).
 * A run that keeps coming back is given up after STAGE_ATTEMPTS + 2 starts of the same stage.
 *
 * It also finishes publishes cut short: a submission marked done whose publish job then ran out of
 * attempts (an outage longer than its backoff, e.g. a database restart) is announced once and its
 * publish row completed (completePublish), so every submission ends exactly once.
 */
import type { Services } from '../../core/services.js';
import { emitEvent } from '../../arena/events.js';
import { enqueueStage, STAGE_TIMEOUT_MS, stageJobId } from '../../arena/stage-contract.js';
import { completePublish, finishSubmission } from './stages.js';

export interface ReapOptions {
  now?: Date;
  /** Extra time past a stage's timeout before a running job is called stuck. */
  graceMs?: number;
  /** Rows younger than this are left alone (intake may be between "create row" and "enqueue"). */
  minAgeMs?: number;
}

export interface ReapResult {
  checked: number;
  requeued: string[];
  failed: string[];
  /** Done submissions whose publish was finished here. */
  completed: string[];
}

export async function reap(services: Services, opts: ReapOptions = {}): Promise<ReapResult> {
  const { db, queues, config } = services;
  const now = opts.now ?? new Date();
  const grace = opts.graceMs ?? 5 * 60_000;
  const minAge = opts.minAgeMs ?? 30_000;
  const out: ReapResult = { checked: 0, requeued: [], failed: [], completed: [] };
  const subs = await db.submission.findMany({ where: { state: { in: ['queued', 'running'] }, updatedAt: { lt: new Date(now.getTime() - minAge) } }, take: 5000 });
  for (const sub of subs) {
    out.checked++;
    const stage = (sub.stage ?? 'validate');
    if (!sub.runId || !sub.runVersion) {
      await finishSubmission(services, sub, 'failed', 'the submission lost its place in the pipeline; your quota was refunded', stage);
      out.failed.push(sub.id);
      continue;
    }
    const result = await db.stageResult.findUnique({ where: { submissionId_stage_evaluatorVersion: { submissionId: sub.id, stage, evaluatorVersion: sub.runVersion } } });
    if (result && result.attempts >= config.STAGE_ATTEMPTS + 2) {
      await finishSubmission(services, sub, 'failed', `the ${stage} stage kept failing to complete; your quota was refunded`, stage);
      out.failed.push(sub.id);
      continue;
    }
    const job = await queues.get(stage).getJob(stageJobId(stage, sub.id, sub.runId));
    const state = job ? await job.getState() : 'missing';
    if (state === 'missing' || state === 'unknown' || state === 'completed') {
      if (job) await job.remove().catch(() => undefined);
      await enqueueStage(services, sub, stage);
      await emitEvent(services, { submissionId: sub.id, challengeId: sub.challengeId, personId: sub.personId, type: 'requeued', data: { stage, jobState: state } });
      out.requeued.push(sub.id);
    } else if (state === 'failed') {
      await finishSubmission(services, sub, 'failed', `our grader could not complete the ${stage} stage (${job?.failedReason ?? 'no reason recorded'}); your quota was refunded`, stage);
      out.failed.push(sub.id);
    } else if (state === 'active' && result?.status === 'running' && result.startedAt && now.getTime() - result.startedAt.getTime() > STAGE_TIMEOUT_MS[stage] + grace) {
      await finishSubmission(services, sub, 'failed', `the ${stage} stage got stuck; your quota was refunded`, stage);
      out.failed.push(sub.id);
    }
  }
  // Publishes cut short (recent ones: a day covers any outage the reaper lives through).
  const done = await db.submission.findMany({ where: { state: 'done', evaluatorVersion: { not: null }, updatedAt: { lt: new Date(now.getTime() - minAge), gt: new Date(now.getTime() - 24 * 3600_000) } }, take: 500 });
  for (const sub of done) {
    const [row, announced] = await Promise.all([
      db.stageResult.findUnique({ where: { submissionId_stage_evaluatorVersion: { submissionId: sub.id, stage: 'publish', evaluatorVersion: sub.evaluatorVersion! } }, select: { status: true } }),
      db.submissionEvent.count({ where: { submissionId: sub.id, type: 'done', createdAt: { gte: sub.startedAt ?? sub.createdAt } } }),
    ]);
    // A rejudge that failed keeps the old result and says so with its own 'done': nothing to finish.
    if (!row || row.status === 'skipped' || row.status === 'failed' || (row.status === 'passed' && announced > 0)) continue;
    if (sub.stateReason?.startsWith('rejudge failed')) continue;
    await completePublish(services, sub);
    out.completed.push(sub.id);
  }
  return out;
}
