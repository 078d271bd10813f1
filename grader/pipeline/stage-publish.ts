/**
 * Publish: the composite score per split from the earlier stages (quality from scoring — for a
 * firmware, from its run on the board — latency from the device, flash on one scale for models and
 * images), stored per evaluator version; the submission is done and
 * the challenge's leaderboard is recomputed.
 */
import { compositeScore } from '../challenges/composite.js';
import type { ScoreResult } from '../scoring/score.js';
import { toJson } from '../../arena/json.js';
import { recomputeLeaderboard } from '../../arena/leaderboard.js';
import { isFirmwareReport, type SubmissionCheckReport } from '../../arena/submission-check.js';
import type { StageWork } from '../../arena/stage-contract.js';

export const publishStage: StageWork = async ({ services, submission, challenge, evaluatorVersion, earlier }) => {
  const { db } = services;
  const report = earlier.validate?.detail as SubmissionCheckReport | undefined;
  const device = earlier.device?.status === 'passed' ? (earlier.device.detail as { latencyMs?: number; scores?: { public: ScoreResult; private: ScoreResult } }) : undefined;
  // A firmware is scored on the board (device stage); a model by the engine (score stage).
  const firmware = submission.kind === 'firmware';
  const scored = firmware ? device?.scores : (earlier.score?.detail as { public: ScoreResult; private: ScoreResult } | undefined);
  if (!report || !scored) throw new Error(`publish ran before the validate and ${firmware ? 'device' : 'score'} results exist`);
  // Flash term on one scale, the flash the submission occupies on the board: an image's flash span
  // (runtime included), a model's bytes plus the board harness's runtime (scoring.flash.runtimeBytes).
  const sizeBytes = isFirmwareReport(report) ? report.flashSpanBytes : report.sizeBytes + challenge.def.scoring.flash.runtimeBytes;
  const scoring = challenge.def.scoring;
  const splits = { public: scored.public, private: scored.private } as const;
  const composites = Object.fromEntries(
    Object.entries(splits).map(([split, r]) => [
      split,
      compositeScore(scoring, { quality: r.value, modelBytes: sizeBytes, ...(device?.latencyMs !== undefined ? { latencyMs: device.latencyMs } : {}) }),
    ]),
  ) as Record<keyof typeof splits, ReturnType<typeof compositeScore>>;

  const finishedAt = new Date();
  await db.$transaction([
    ...(['public', 'private'] as const).map((split) => {
      const r = splits[split];
      const c = composites[split];
      const data = { metric: r.metric, value: r.value, composite: c.score, eligible: c.eligible, detail: toJson({ terms: c.terms, missing: c.missing, n: r.n }) };
      return db.score.upsert({
        where: { submissionId_split_evaluatorVersion: { submissionId: submission.id, split, evaluatorVersion } },
        create: { submissionId: submission.id, split, evaluatorVersion, ...data },
        update: data,
      });
    }),
    db.submission.updateMany({
      where: { id: submission.id, runId: submission.runId },
      data: {
        state: 'done',
        stage: null,
        stateReason: null,
        evaluatorVersion,
        publicScore: composites.public.score,
        privateScore: composites.private.score,
        eligible: composites.public.eligible,
        finishedAt,
      },
    }),
  ]);
  await recomputeLeaderboard(services, submission.challengeId);
  const entry = await db.leaderboardEntry.findFirst({ where: { challengeId: submission.challengeId, split: 'public', submissionId: submission.id }, select: { rank: true, track: true } });
  // "Rank r of n" within the submission's track (separate model and firmware tracks rank apart).
  const boardSize = await db.leaderboardEntry.count({ where: { challengeId: submission.challengeId, split: 'public', ...(entry ? { track: entry.track } : {}) } });
  const detail = {
    publicScore: composites.public.score,
    eligible: composites.public.eligible,
    terms: composites.public.terms,
    missing: composites.public.missing,
    gate: challenge.def.scoring.gate,
    rank: entry?.rank ?? null,
    boardSize,
  };
  // The 'done' announcement follows the stage's own result (grader/pipeline/stages.ts).
  return { status: 'passed', detail };
};
