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
 * Process one stage job. Throws on transient errors (the queue retries). `signal`: fires when the job
 * is abandoned at its time limit; the stage's work stops at its next check (see {@link StageContext.signal}).
 */
export async function runStage(services: Services, stage: StageName, job: SubmissionJob, signal?: AbortSignal): Promise<RunResult> {
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
  const key = { submissionId_stage_evaluatorVersion: { submissionId: sub.id, stage, evaluatorVersion: job.evaluatorVersion } };
  let result = await db.stageResult.findUnique({ where: key });
  // Publish's work is what ends a run (it marks the submission done), so it is never "already done"
  // while the submission is unfinished: a publish row settled by an earlier run under the same
  // evaluator (a rejudge, or a job of a superseded run finishing late) must not leave this run queued
  // for ever. Its work is idempotent (scores upserted, the board rebuilt).
  const ran = !result || !SETTLED.has(result.status) || stage === 'publish';
  if (ran) {
    const worked = await doStageWork(services, stage, sub, job, signal);
    if (worked === 'stale') return { skipped: 'stale' };
    if (worked === 'stopped') return { ran: stage, status: 'failed' };
    result = worked;
  }

  // Move on (also when the work was already done by an earlier delivery of this job).
  if (result!.status === 'failed') {
    await finishSubmission(services, sub, 'rejected', result!.error ?? `${stage} failed`, stage);
  } else {
    const next = nextStage(stage);
    if (next) {
      const moved = await db.submission.updateMany({ where: { id: sub.id, runId: job.runId }, data: { stage: next } });
      if (moved.count === 0) return { skipped: 'stale' };
      await enqueueStage(services, sub, next);
    } else if (ran && result!.status === 'passed') {
      // The publish stage's work marked the submission done and updated the board.
      await completePublish(services, sub, result!.detail as Record<string, unknown>);
    }
  }
  return ran ? { ran: stage, status: result!.status as StageOutcome['status'] } : { skipped: 'already-done' };
}

type StageRow = Awaited<ReturnType<Services['db']['stageResult']['update']>>;

/**
 * Run the stage's work under a `running` result row and record its outcome. Returns the settled row;
 * `stopped` when the work ended the run (StageStop); `stale` when a newer run took over meanwhile.
 */
async function doStageWork(services: Services, stage: StageName, sub: Submission, job: SubmissionJob, signal: AbortSignal = new AbortController().signal): Promise<StageRow | 'stopped' | 'stale'> {
  const { db } = services;
  const version = job.evaluatorVersion;
  const key = { submissionId_stage_evaluatorVersion: { submissionId: sub.id, stage, evaluatorVersion: version } };
  const challenge = await getChallenge(db, sub.challengeId, services.config.CHALLENGES_DIR);
  const startedAt = new Date();
  await db.stageResult.upsert({
    where: key,
    create: { submissionId: sub.id, stage, evaluatorVersion: version, status: 'running', attempts: 1, startedAt },
    update: { status: 'running', attempts: { increment: 1 }, startedAt, finishedAt: null, error: null },
  });
  const moved = await db.submission.updateMany({ where: { id: sub.id, runId: job.runId }, data: { state: 'running', stage, startedAt: sub.startedAt ?? startedAt } });
  if (moved.count === 0) return 'stale';
  const event = (type: 'stage-started' | 'stage-progress' | 'stage-finished', data: Record<string, unknown>) => emitEvent(services, { submissionId: sub.id, challengeId: sub.challengeId, personId: sub.personId, type, data });
  await event('stage-started', { stage });

  const earlierRows = await db.stageResult.findMany({ where: { submissionId: sub.id, evaluatorVersion: version, stage: { in: STAGES.slice(0, STAGES.indexOf(stage)) } } });
  const earlier = Object.fromEntries(earlierRows.map((r) => [r.stage, { status: r.status, detail: r.detail }]));
  let lastProgress = 0;
  const progress: StageContext['progress'] = async (data, force = false) => {
    if (!force && Date.now() - lastProgress < 1000) return;
    lastProgress = Date.now();
    try {
      await db.stageResult.updateMany({ where: { ...key.submissionId_stage_evaluatorVersion, status: 'running' }, data: { detail: toJson({ progress: data }) } });
      await event('stage-progress', { stage, ...data });
    } catch (err) {
      services.logger.warn({ submission: sub.id, err: (err as Error).message }, 'could not record stage progress');
    }
  };
  let outcome: StageOutcome;
  try {
    outcome = await STAGE_WORK[stage]({ services, submission: { ...sub, state: 'running', stage }, challenge, evaluatorVersion: version, earlier, progress, signal });
  } catch (err) {
    if (!(err instanceof StageStop)) {
      await db.stageResult.update({ where: key, data: { status: 'error', error: (err as Error).message.slice(0, 2000), finishedAt: new Date() } });
      throw err;
    }
    await db.stageResult.update({ where: key, data: { status: err.outcome === 'rejected' ? 'failed' : 'error', error: err.message, finishedAt: new Date() } });
    await finishSubmission(services, sub, err.outcome, err.message, stage);
    return 'stopped';
  }
  const row = await db.stageResult.update({ where: key, data: { status: outcome.status, detail: toJson(outcome.detail), error: outcome.reason ?? null, finishedAt: new Date() } });
  await event('stage-finished', { stage, status: outcome.status, ...(outcome.reason ? { reason: outcome.reason } : {}), ...summarise(stage, outcome.detail) });
  return row;
}

/**
 * The tail of a published run, safe to repeat: the board is rebuilt (after a crash between "mark
 * done" and "update the board"), the publish row is settled if the crash came before it was written,
 * and `done` — the last word of a run, after which the bot and the web stop listening — is
 * announced once per run. `summary`: the publish stage's own detail, when it just ran. Also used by
 * the reaper for publishes cut short (a crash, or an outage that outlasted the job's attempts).
 */
export async function completePublish(services: Services, sub: Submission, summary?: Record<string, unknown>): Promise<void> {
  const { db } = services;
  if (!summary) {
    await recomputeLeaderboard(services, sub.challengeId);
    const entry = await db.leaderboardEntry.findFirst({ where: { submissionId: sub.id, split: 'public' }, select: { rank: true } });
    summary = { publicScore: sub.publicScore, eligible: sub.eligible, rank: entry?.rank ?? null };
    if (sub.evaluatorVersion) {
      await db.stageResult.updateMany({
        where: { submissionId: sub.id, stage: 'publish', evaluatorVersion: sub.evaluatorVersion, status: { notIn: ['passed'] } },
        data: { status: 'passed', detail: toJson(summary), error: null, finishedAt: new Date() },
      });
    }
  }
  const announced = await db.submissionEvent.count({ where: { submissionId: sub.id, type: 'done', createdAt: { gte: sub.startedAt ?? sub.createdAt } } });
  if (!announced) await emitEvent(services, { submissionId: sub.id, challengeId: sub.challengeId, personId: sub.personId, type: 'done', data: summary });
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
