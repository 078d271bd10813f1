/**
 * Read-model of a learner's own submissions across challenges ("my submissions"): newest first, with
 * the state, the public score and the rank the submission holds on the public board (when it is the
 * participant's entry there). Only the owner sees this list.
 */
import type { Db } from '../core/db/client.js';

export interface MySubmission {
  id: string;
  challengeId: string;
  challengeTitle: string;
  fileName: string;
  kind: string;
  source: string;
  state: string;
  stage: string | null;
  reason: string | null;
  publicScore: number | null;
  eligible: boolean;
  rank: number | null;
  disqualified: boolean;
  createdAt: string;
}

export async function submissionsOf(db: Db, personId: string, opts: { take?: number } = {}): Promise<MySubmission[]> {
  const subs = await db.submission.findMany({
    where: { personId },
    orderBy: { createdAt: 'desc' },
    take: opts.take ?? 200,
    select: { id: true, challengeId: true, fileName: true, kind: true, source: true, state: true, stage: true, stateReason: true, publicScore: true, eligible: true, disqualifiedAt: true, createdAt: true, challenge: { select: { title: true } } },
  });
  const entries = subs.length ? await db.leaderboardEntry.findMany({ where: { split: 'public', submissionId: { in: subs.map((s) => s.id) } }, select: { submissionId: true, rank: true } }) : [];
  const rank = new Map(entries.map((e) => [e.submissionId, e.rank]));
  return subs.map((s) => ({
    id: s.id,
    challengeId: s.challengeId,
    challengeTitle: s.challenge.title,
    fileName: s.fileName,
    kind: s.kind,
    source: s.source,
    state: s.state,
    stage: s.stage,
    reason: s.stateReason,
    publicScore: s.publicScore,
    eligible: s.eligible,
    rank: rank.get(s.id) ?? null,
    disqualified: s.disqualifiedAt !== null,
    createdAt: s.createdAt.toISOString(),
  }));
}
