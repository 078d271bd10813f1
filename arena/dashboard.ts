/**
 * Read-models of the organizer dashboard: what the web's /admin pages and exports show, read here so
 * routes only render. Everything is a snapshot; nothing here changes state.
 */
import { readAuditLog, type AuditRow } from './audit-log.js';
import type { Services } from '../core/services.js';
import { getChallenge, phaseOf, type ChallengeView } from './catalog.js';
import type { PhaseInfo } from './phase.js';
import { STAGES, type StageName } from './stage-contract.js';

export interface ChallengeOverview {
  view: ChallengeView;
  phase: PhaseInfo;
  submissions: number;
  /** Queued or running now. */
  inPipeline: number;
}

export interface OrganizerOverview {
  challenges: ChallengeOverview[];
  queues: { stage: StageName; waiting: number; active: number; delayed: number; failed: number; completed: number }[];
  /** The reaper's last 24 hours, and submissions running for over 15 minutes. */
  reaper: { requeued: number; failed: number; stuck: { id: string; stage: string | null }[] };
  recentAudit: AuditRow[];
}

export async function organizerOverview(services: Pick<Services, 'db' | 'config' | 'queues'>, now = new Date()): Promise<OrganizerOverview> {
  const { db } = services;
  const rows = await db.challenge.findMany({ orderBy: { id: 'asc' }, select: { id: true } });
  const counts = await db.submission.groupBy({ by: ['challengeId', 'state'], _count: { _all: true } });
  const count = (id: string, states?: string[]) => counts.filter((c) => c.challengeId === id && (!states || states.includes(c.state))).reduce((a, c) => a + c._count._all, 0);
  const challenges = await Promise.all(
    rows.map(async (r) => {
      const view = await getChallenge(db, r.id, services.config.CHALLENGES_DIR);
      return { view, phase: phaseOf(view, now), submissions: count(r.id), inPipeline: count(r.id, ['queued', 'running']) };
    }),
  );
  const queues = await Promise.all(
    STAGES.map(async (stage) => {
      const c = await services.queues.get(stage).getJobCounts('waiting', 'prioritized', 'active', 'delayed', 'failed', 'completed');
      return { stage, waiting: (c.waiting ?? 0) + (c.prioritized ?? 0), active: c.active ?? 0, delayed: c.delayed ?? 0, failed: c.failed ?? 0, completed: c.completed ?? 0 };
    }),
  );
  const since = new Date(now.getTime() - 24 * 3600_000);
  const [requeued, failed, stuck] = await Promise.all([
    db.submissionEvent.count({ where: { type: 'requeued', createdAt: { gte: since } } }),
    db.submissionEvent.count({ where: { type: 'failed', createdAt: { gte: since } } }),
    db.submission.findMany({ where: { state: 'running', updatedAt: { lt: new Date(now.getTime() - 15 * 60_000) } }, select: { id: true, stage: true }, take: 20 }),
  ]);
  return { challenges, queues, reaper: { requeued, failed, stuck }, recentAudit: await readAuditLog(db, { take: 15 }) };
}

export interface GradebookRow {
  handle: string;
  displayName: string;
  submissions: number;
  /** Done and not disqualified. */
  scored: number;
  bestPublic: number | null;
  bestPrivate: number | null;
  publicRank: number | null;
  privateRank: number | null;
  disqualified: boolean;
}

/** One row per person who submitted to the challenge: counts, best scores and ranks (for course grading). @throws UnknownChallengeError */
export async function gradebook(services: Pick<Services, 'db' | 'config'>, challengeId: string): Promise<GradebookRow[]> {
  const { db } = services;
  await getChallenge(db, challengeId, services.config.CHALLENGES_DIR);
  const [people, entries] = await Promise.all([
    db.person.findMany({
      where: { submissions: { some: { challengeId } } },
      select: { id: true, handle: true, displayName: true, submissions: { where: { challengeId }, select: { state: true, publicScore: true, privateScore: true, eligible: true, disqualifiedAt: true } } },
      orderBy: { handle: 'asc' },
    }),
    db.leaderboardEntry.findMany({ where: { challengeId }, select: { personId: true, split: true, rank: true } }),
  ]);
  const ranks = new Map(entries.map((e) => [`${e.personId}|${e.split}`, e.rank]));
  const best = (xs: (number | null)[]) => (xs.some((x) => x !== null) ? Math.max(...xs.filter((x): x is number => x !== null)) : null);
  return people.map((p) => {
    const ok = p.submissions.filter((s) => s.state === 'done' && !s.disqualifiedAt);
    return {
      handle: p.handle,
      displayName: p.displayName,
      submissions: p.submissions.length,
      scored: ok.length,
      bestPublic: best(ok.map((s) => s.publicScore)),
      bestPrivate: best(ok.map((s) => s.privateScore)),
      publicRank: ranks.get(`${p.id}|public`) ?? null,
      privateRank: ranks.get(`${p.id}|private`) ?? null,
      disqualified: p.submissions.some((s) => s.disqualifiedAt),
    };
  });
}
