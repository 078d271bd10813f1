/** Quota bookkeeping against the database: what a participant used, in the challenge's window. */
import type { Db } from '../core/db/client.js';
import type { ChallengeDefinition } from '../grader/challenges/schema.js';
import type { Participant } from './people.js';
import { quotaStatus, quotaWindow, type QuotaStatus } from './quota.js';

/** Submissions by this participant (their team's, when they are in one). */
export function participantFilter(p: Participant) {
  return p.teamId ? { teamId: p.teamId } : { personId: p.personId, teamId: null };
}

export async function participantQuota(db: Db, challengeId: string, def: ChallengeDefinition, p: Participant, now: Date): Promise<QuotaStatus> {
  const { start } = quotaWindow(def.quotas, now);
  const who = participantFilter(p);
  const members = p.teamId ? (await db.teamMember.findMany({ where: { teamId: p.teamId }, select: { personId: true } })).map((m) => m.personId) : [p.personId];
  const [usedToday, usedTotal, grants] = await Promise.all([
    db.submission.count({ where: { challengeId, quotaCharged: true, createdAt: { gte: start }, ...who } }),
    db.submission.count({ where: { challengeId, quotaCharged: true, ...who } }),
    db.quotaGrant.findMany({ where: { challengeId, personId: { in: members } }, select: { extra: true, createdAt: true } }),
  ]);
  const extraTotal = grants.reduce((a, g) => a + g.extra, 0);
  const extraToday = grants.filter((g) => g.createdAt >= start).reduce((a, g) => a + g.extra, 0);
  return quotaStatus(def.quotas, { usedToday, usedTotal, extraToday, extraTotal }, now);
}
