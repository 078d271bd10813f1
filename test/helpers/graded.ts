/**
 * Graded submissions written straight into the database (no pipeline run): for tests about who sees
 * what, where grading itself is beside the point. The rows have the shape the stages write.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Services } from '../../core/services.js';
import { recomputeLeaderboard } from '../../arena/leaderboard.js';

/** The split seed the fake score details carry (a report must never show it). */
export const FAKE_SPLIT_SEED = 'split-seed-7f3a9c';
const VERSION = 'test-evaluator';

export interface GradedOptions {
  challengeId?: string;
  personId: string;
  teamId?: string | null;
  fileName: string;
  createdAt: Date;
  publicScore: number;
  privateScore: number;
  /** Task metric on each split (top-1), shown in reports. */
  publicQuality?: number;
  privateQuality?: number;
  /** A model (default) or a firmware image. */
  kind?: 'model' | 'firmware';
}

export async function gradedSubmission(s: Services, o: GradedOptions): Promise<string> {
  const sha = createHash('sha256').update(randomBytes(16)).digest('hex');
  await s.db.blob.create({ data: { sha256: sha, sizeBytes: 50_000, kind: o.kind === 'firmware' ? 'bin' : 'tflite' } });
  const pubQ = o.publicQuality ?? o.publicScore / 100;
  const privQ = o.privateQuality ?? o.privateScore / 100;
  const sub = await s.db.submission.create({
    data: {
      challengeId: o.challengeId ?? 'kws-test', personId: o.personId, teamId: o.teamId ?? null, blobSha256: sha, kind: o.kind ?? 'model', fileName: o.fileName, source: 'api',
      state: 'done', evaluatorVersion: VERSION, runVersion: VERSION, eligible: true, publicScore: o.publicScore, privateScore: o.privateScore, createdAt: o.createdAt, startedAt: o.createdAt, finishedAt: o.createdAt,
    },
  });
  const split = (value: number) => ({ metric: 'top1', value, n: 12, perClass: [{ label: 0, support: 6, precision: value, recall: value, f1: value }] });
  const stage = (name: 'validate' | 'score' | 'device' | 'publish', detail: unknown) =>
    s.db.stageResult.create({ data: { submissionId: sub.id, stage: name, evaluatorVersion: VERSION, status: 'passed', attempts: 1, startedAt: o.createdAt, finishedAt: o.createdAt, detail: detail as object } });
  await stage('validate', { sizeBytes: 50_000, macs: 1000, arenaBytes: 2000, checks: [] });
  await stage('score', { public: split(pubQ), private: split(privQ), split: { seed: FAKE_SPLIT_SEED, privateFraction: 0.5, publicN: 12, privateN: 12 } });
  await stage('device', { boardId: 'sim-1', latencyMs: 30 });
  await stage('publish', { terms: { quality: pubQ, latency: 0.9, flash: 0.8 } });
  for (const [sp, value, composite] of [['public', pubQ, o.publicScore], ['private', privQ, o.privateScore]] as const) {
    await s.db.score.create({ data: { submissionId: sub.id, split: sp, evaluatorVersion: VERSION, metric: 'top1', value, composite, eligible: true } });
  }
  return sub.id;
}

/** Rebuild the boards after writing graded rows. */
export async function rebuildBoards(s: Services, challengeId = 'kws-test'): Promise<void> {
  await recomputeLeaderboard(s, challengeId);
}
