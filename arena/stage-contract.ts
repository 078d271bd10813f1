/**
 * The contract between the competition domain and the stage machine (grader/pipeline/): which stages
 * a submission goes through, how a stage job is named and enqueued, and what a stage's work receives
 * and hands back. Intake and rejudge enqueue through here without loading any stage; the stages
 * implement {@link StageWork} and are listed in grader/pipeline/stages.ts.
 *
 * A stage job carries ids only: { submissionId, runId, evaluatorVersion }. Enqueueing uses
 * deterministic job ids, so moving on twice enqueues once.
 */
import type { JobsOptions } from 'bullmq';
import type { DbTypes } from '../core/db/client.js';
import { PRIORITY, type JobPayload } from '../core/queues.js';
import type { Services } from '../core/services.js';
import type { ChallengeView } from './catalog.js';

export const STAGES = ['validate', 'score', 'device', 'publish'] as const;
export type StageName = (typeof STAGES)[number];

/** A stage job running longer than this fails (and is retried while attempts remain). */
export const STAGE_TIMEOUT_MS: Record<StageName, number> = {
  validate: 2 * 60_000,
  score: 15 * 60_000,
  device: 15 * 60_000,
  publish: 2 * 60_000,
};

export type Submission = DbTypes.Submission;

/** The payload of every stage job. */
export type SubmissionJob = JobPayload<'validate'>;

/** What a stage's work hands back. */
export interface StageOutcome {
  status: 'passed' | 'skipped' | 'failed';
  detail: unknown;
  /** For `failed`: the learner-facing reason (the submission is rejected with it). */
  reason?: string;
}

export interface StageContext {
  services: Services;
  submission: Submission;
  challenge: ChallengeView;
  evaluatorVersion: string;
  /** Results of the earlier stages of this evaluator version. */
  earlier: Partial<Record<StageName, { status: string; detail: unknown }>>;
  /**
   * Progress of long work (flashing a board, a firmware run): kept on the running stage's row (so a
   * status read shows it) and announced as a `stage-progress` event; at most one a second unless
   * `force` (a new phase). Never throws.
   */
  /**
   * Fires when the stage job is abandoned (its {@link STAGE_TIMEOUT_MS} passed): long work checks it
   * between steps (scoring batches, inferences on a board, the wait for a busy board) and stops, so
   * nothing keeps computing or holds a board for a job nobody waits for. Absent: never fires.
   */
  signal?: AbortSignal;
  progress?: (data: { phase: string; fraction?: number; [k: string]: unknown }, force?: boolean) => Promise<void>;
}

/** One stage's work. Returns its outcome; throws {@link StageStop} to end the run, anything else to be retried. */
export type StageWork = (ctx: StageContext) => Promise<StageOutcome>;

/**
 * How a stage says a submission cannot go on. Anything else a stage throws is treated as transient
 * (retried with backoff; when the attempts run out the submission fails as an infrastructure error and
 * its quota is refunded).
 */
export class StageStop extends Error {
  override name = 'StageStop';
  /**
   * @param outcome `rejected`: the learner's file is at fault (quota stays charged, the reason says
   *   how to fix it); `failed`: our side or the challenge setup is at fault (quota refunded).
   */
  constructor(
    readonly outcome: 'rejected' | 'failed',
    message: string,
  ) {
    super(message);
  }
}

export const nextStage = (s: StageName): StageName | null => STAGES[STAGES.indexOf(s) + 1] ?? null;

export const stageJobId = (stage: StageName, submissionId: string, runId: string) => `${stage}.${submissionId}.${runId}`;

/** Enqueue a stage of the submission's current run (idempotent: the job id is deterministic). */
export async function enqueueStage(services: Pick<Services, 'queues' | 'config'>, sub: Pick<Submission, 'id' | 'runId' | 'runVersion' | 'lane'>, stage: StageName): Promise<void> {
  if (!sub.runId || !sub.runVersion) throw new Error(`submission ${sub.id} has no run in progress`);
  const opts: JobsOptions = {
    jobId: stageJobId(stage, sub.id, sub.runId),
    priority: sub.lane === 'rejudge' ? PRIORITY.rejudge : PRIORITY.fresh,
    attempts: services.config.STAGE_ATTEMPTS,
    backoff: { type: 'exponential', delay: 2_000 },
  };
  await services.queues.add(stage, { submissionId: sub.id, runId: sub.runId, evaluatorVersion: sub.runVersion }, opts);
}
