/**
 * The stage machine: how a submission moves between its stages (the stages, job ids and the work's
 * shape are the contract in arena/stage-contract.ts; each stage's work is a stage-*.ts file here).
 *
 * The submission row's `runId` is a fencing token: a job from an older run (superseded by a rejudge
 * or a reaper requeue) finds a different run id and does nothing. Each stage writes its own
 * StageResult row (unique per submission, stage and evaluator version) before the next stage is
 * enqueued, so a job delivered twice, or retried after a crash between "write" and "enqueue", skips
 * the work it already did and only moves on. Enqueueing uses deterministic job ids, so moving on
 * twice enqueues once.
 */
import type { Services } from '../../core/services.js';
import { getChallenge } from '../../arena/catalog.js';
import { emitEvent } from '../../arena/events.js';
import { toJson } from '../../arena/json.js';
import { recomputeLeaderboard } from '../../arena/leaderboard.js';
import { enqueueStage, nextStage, StageStop, STAGES, type StageContext, type StageName, type StageOutcome, type StageWork, type Submission, type SubmissionJob } from '../../arena/stage-contract.js';
import { deviceStage } from './stage-device.js';
import { publishStage } from './stage-publish.js';
import { scoreStage } from './stage-score.js';
import { validateStage } from './stage-validate.js';

/** Stage name → its work, as plain data (like the interpreter's kernel registry). */
export const STAGE_WORK: Record<StageName, StageWork> = {
  validate: validateStage,
  score: scoreStage,
  device: deviceStage,
  publish: publishStage,
};

export type RunResult = { ran: StageName; status: StageOutcome['status'] } | { skipped: 'stale' | 'finished' | 'missing' | 'already-done' };

const FINISHED = new Set(['done', 'rejected', 'failed']);
const SETTLED = new Set(['passed', 'skipped', 'failed']);

/**
 * The end of a publish whose job stopped between "mark done" and "update the board / announce" (a
 * crash, or an outage that outlasted the job's attempts): rebuild the board, announce once per run,
 * and mark the publish row passed. Idempotent; used by a repeated publish job and by the reaper.
 */
export async function completePublish(services: Services, sub: Submission): Promise<void> {
  const { db } = services;
  await recomputeLeaderboard(services, sub.challengeId);
  const announced = await db.submissionEvent.count({ where: { submissionId: sub.id, type: 'done', createdAt: { gte: sub.startedAt ?? sub.createdAt } } });
  const entry = await db.leaderboardEntry.findFirst({ where: { submissionId: sub.id, split: 'public' }, select: { rank: true } });
  const summary = { publicScore: sub.publicScore, eligible: sub.eligible, rank: entry?.rank ?? null };
  if (!announced) await emitEvent(services, { submissionId: sub.id, challengeId: sub.challengeId, personId: sub.personId, type: 'done', data: summary });
  // Its own result row too, if the crash came before it was written.
  if (sub.evaluatorVersion) {
    await db.stageResult.updateMany({
      where: { submissionId: sub.id, stage: 'publish', evaluatorVersion: sub.evaluatorVersion, status: { notIn: ['passed'] } },
      data: { status: 'passed', detail: toJson(summary), error: null, finishedAt: new Date() },
    });
  }
}

/** Process one stage job. Throws on transient errors (the queue retries). */
export async function runStage(services: Services, stage: StageName, job: SubmissionJob): Promise<RunResult> {
  const { db } = services;
  const sub = await db.submission.findUnique({ where: { id: job.submissionId } });
  if (!sub) return { skipped: 'missing' };
  if (sub.runId !== job.runId) return { skipped: 'stale' };
  if (FINISHED.has(sub.state)) {
    // A repeated publish after a crash between "mark done" and "update the board / announce":
    // finish those (both idempotent: the board is rebuilt, the announcement made once per run).
    if (stage === 'publish' && sub.state === 'done') await completePublish(services, sub);
    return { skipped: 'finished' };
  }
  const version = job.evaluatorVersion;
  const key = { submissionId_stage_evaluatorVersion: { submissionId: sub.id, stage, evaluatorVersion: version } };
  let result = await db.stageResult.findUnique({ where: key });
  let ran = false;
  if (!result || !SETTLED.has(result.status)) {
    const challenge = await getChallenge(db, sub.challengeId, services.config.CHALLENGES_DIR);
    const startedAt = new Date();
    await db.stageResult.upsert({
      where: key,
      create: { submissionId: sub.id, stage, evaluatorVersion: version, status: 'running', attempts: 1, startedAt },
      update: { status: 'running', attempts: { increment: 1 }, startedAt, finishedAt: null, error: null },
    });
    const moved = await db.submission.updateMany({ where: { id: sub.id, runId: job.runId }, data: { state: 'running', stage, startedAt: sub.startedAt ?? startedAt } });
    if (moved.count === 0) return { skipped: 'stale' };
    await emitEvent(services, { submissionId: sub.id, challengeId: sub.challengeId, personId: sub.personId, type: 'stage-started', data: { stage } });

    const earlierRows = await db.stageResult.findMany({ where: { submissionId: sub.id, evaluatorVersion: version, stage: { in: STAGES.slice(0, STAGES.indexOf(stage)) } } });
    const earlier = Object.fromEntries(earlierRows.map((r) => [r.stage, { status: r.status, detail: r.detail }]));
    let outcome: StageOutcome;
    try {
      let lastProgress = 0;
      const progress: StageContext['progress'] = async (data, force = false) => {
        if (!force && Date.now() - lastProgress < 1000) return;
        lastProgress = Date.now();
        try {
          await db.stageResult.updateMany({ where: { ...key.submissionId_stage_evaluatorVersion, status: 'running' }, data: { detail: toJson({ progress: data }) } });
          await emitEvent(services, { submissionId: sub.id, challengeId: sub.challengeId, personId: sub.personId, type: 'stage-progress', data: { stage, ...data } });
        } catch (err) {
          services.logger.warn({ submission: sub.id, err: (err as Error).message }, 'could not record stage progress');
        }
      };
      outcome = await STAGE_WORK[stage]({ services, submission: { ...sub, state: 'running', stage }, challenge, evaluatorVersion: version, earlier, progress });
    } catch (err) {
      if (!(err instanceof StageStop)) {
        await db.stageResult.update({ where: key, data: { status: 'error', error: (err as Error).message.slice(0, 2000), finishedAt: new Date() } });
        throw err;
      }
      await db.stageResult.update({ where: key, data: { status: err.outcome === 'rejected' ? 'failed' : 'error', error: err.message, finishedAt: new Date() } });
      await finishSubmission(services, sub, err.outcome, err.message, stage);
      return { ran: stage, status: 'failed' };
    }
    result = await db.stageResult.update({ where: key, data: { status: outcome.status, detail: toJson(outcome.detail), error: outcome.reason ?? null, finishedAt: new Date() } });
    ran = true;
    await emitEvent(services, {
      submissionId: sub.id,
      challengeId: sub.challengeId,
      personId: sub.personId,
      type: 'stage-finished',
      data: { stage, status: outcome.status, ...(outcome.reason ? { reason: outcome.reason } : {}), ...summarise(stage, outcome.detail) },
    });
    // Last word of a run: consumers (bot, web) may stop listening here.
    if (stage === 'publish' && outcome.status === 'passed') {
      await emitEvent(services, { submissionId: sub.id, challengeId: sub.challengeId, personId: sub.personId, type: 'done', data: outcome.detail as Record<string, unknown> });
    }
  }

  // Move on (also when the work was already done by an earlier delivery of this job).
  if (result.status === 'failed') {
    await finishSubmission(services, sub, 'rejected', result.error ?? `${stage} failed`, stage);
  } else {
    const next = nextStage(stage);
    if (next) {
      const moved = await db.submission.updateMany({ where: { id: sub.id, runId: job.runId }, data: { stage: next } });
      if (moved.count === 0) return { skipped: 'stale' };
      await enqueueStage(services, sub, next);
    }
    // The publish stage's work marks the submission done and updates the board itself.
  }
  return ran ? { ran: stage, status: result.status as StageOutcome['status'] } : { skipped: 'already-done' };
}

/** Small, chat-sized facts from a stage's detail for the progress event. */
function summarise(stage: StageName, detail: unknown): Record<string, unknown> {
  const d = (detail ?? {}) as Record<string, unknown>;
  if (stage === 'score') {
    const pub = d.public as { metric?: string; value?: number } | undefined;
    return pub ? { metric: pub.metric, value: pub.value } : {};
  }
  if (stage === 'publish') return { score: d.publicScore, rank: d.rank, eligible: d.eligible };
  if (stage === 'device') {
    const pub = (d.scores as { public?: { metric?: string; value?: number } } | undefined)?.public;
    return { ...(d.latencyMs !== undefined ? { latencyMs: d.latencyMs } : {}), ...(pub ? { metric: pub.metric, value: pub.value } : {}) };
  }
  return {};
}

/**
 * End a run that cannot go on. `rejected`: the learner's file is at fault (quota stays charged).
 * `failed`: our side is (quota refunded). A rejudge that fails on our side keeps the submission's
 * earlier result instead (it was judged; only the re-run failed).
 */
export async function finishSubmission(services: Services, sub: Submission, outcome: 'rejected' | 'failed', reason: string, stage: StageName | null): Promise<void> {
  const { db } = services;
  const rejudgeKeepsOld = outcome === 'failed' && sub.lane === 'rejudge' && sub.evaluatorVersion !== null;
  const data = rejudgeKeepsOld
    ? { state: 'done' as const, stage: null, stateReason: `rejudge failed: ${reason}`, finishedAt: new Date() }
    : outcome === 'rejected'
      ? { state: 'rejected' as const, stage: null, stateReason: reason, eligible: false, finishedAt: new Date() }
      : { state: 'failed' as const, stage: null, stateReason: reason, quotaCharged: false, finishedAt: new Date() };
  const moved = await db.submission.updateMany({ where: { id: sub.id, runId: sub.runId }, data });
  if (moved.count === 0) return;
  await emitEvent(services, {
    submissionId: sub.id,
    challengeId: sub.challengeId,
    personId: sub.personId,
    type: rejudgeKeepsOld ? 'done' : outcome === 'rejected' ? 'rejected' : 'failed',
    data: { stage, reason, ...(outcome === 'failed' && !rejudgeKeepsOld ? { quotaRefunded: sub.quotaCharged } : {}) },
  });
  // A rejudge that now rejects the file takes it off the board.
  if (outcome === 'rejected' && sub.evaluatorVersion !== null) await recomputeLeaderboard(services, sub.challengeId);
}

/**
 * Called when a stage job has failed for the last time (attempts exhausted or timed out): the
 * submission fails as an infrastructure error and its quota is refunded.
 */
export async function onStageGaveUp(services: Services, stage: StageName, job: SubmissionJob, err: Error): Promise<void> {
  const sub = await services.db.submission.findUnique({ where: { id: job.submissionId } });
  if (!sub || sub.runId !== job.runId || FINISHED.has(sub.state)) return;
  await finishSubmission(services, sub, 'failed', `our grader could not complete the ${stage} stage (${err.message}); your quota was refunded`, stage);
}
