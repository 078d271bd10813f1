/**
 * Read-model of the challenge list (home page, leaderboards index): each challenge's phase with the
 * dates that matter to a learner — when it opens, when it closes, and when it really closed if an
 * organizer closed it before the planned date (from the audit log: the row keeps only the state) —
 * and the public board's size and leader.
 */
import type { Services } from '../core/services.js';
import { getChallenge, phaseOf } from './catalog.js';
import type { Phase } from './phase.js';
import { tracksOf, type Track, type TrackMode } from './ranking.js';

export interface ChallengeOverview {
  id: string;
  title: string;
  task: string;
  description: string | null;
  phase: Phase;
  frozen: boolean;
  accepting: boolean;
  /** The display time zone of the challenge's dates. */
  timeZone: string;
  /** ISO times as challenge.yaml states them. */
  opensAt: string;
  /** The planned close (challenge.yaml). */
  closesAt: string;
  /** When it actually closed (closed or finalized only); earlier than `closesAt` when closed early. */
  closedAt: string | null;
  closedEarly: boolean;
  /** Participants on the public board (on any track), and its leader. */
  ranked: number;
  /** The public board's leader; null when there is none or the board has separate tracks (see `leaders`). */
  leader: { name: string; score: number } | null;
  /** How models and firmware are ranked (challenge YAML leaderboard.tracks). */
  tracks: TrackMode;
  /** The leader of each track that has one: `all` on a combined board, else `model` then `firmware`. */
  leaders: { track: Track; name: string; score: number }[];
  /** Whether firmware submissions are taken too. */
  firmware: boolean;
}

/** Every challenge, by id. */
export async function challengeOverviews(services: Pick<Services, 'db' | 'config'>, now = new Date()): Promise<ChallengeOverview[]> {
  const rows = await services.db.challenge.findMany({ orderBy: { id: 'asc' }, select: { id: true } });
  return overviews(services, rows.map((r) => r.id), now);
}

/** One challenge. @throws UnknownChallengeError */
export async function challengeOverview(services: Pick<Services, 'db' | 'config'>, id: string, now = new Date()): Promise<ChallengeOverview> {
  await getChallenge(services.db, id, services.config.CHALLENGES_DIR);
  return (await overviews(services, [id], now))[0]!;
}

async function overviews(services: Pick<Services, 'db' | 'config'>, ids: string[], now: Date): Promise<ChallengeOverview[]> {
  const { db } = services;
  const [counts, leaders, closes] = await Promise.all([
    // Per participant: on separate tracks one may hold a place on each.
    db.leaderboardEntry.groupBy({ by: ['challengeId', 'participantKey'], where: { split: 'public', challengeId: { in: ids } } }),
    // Ranks count per track: a board with separate tracks has a rank 1 on each.
    db.leaderboardEntry.findMany({ where: { split: 'public', rank: 1, challengeId: { in: ids } }, orderBy: { track: 'desc' }, select: { challengeId: true, track: true, score: true, person: { select: { displayName: true } }, team: { select: { name: true } } } }),
    db.auditLog.findMany({ where: { targetType: 'challenge', targetId: { in: ids }, action: { in: ['challenge.close', 'challenge.finalize'] } }, orderBy: { id: 'desc' }, select: { targetId: true, action: true, createdAt: true } }),
  ]);
  return Promise.all(
    ids.map(async (id) => {      const c = await getChallenge(db, id, services.config.CHALLENGES_DIR);
      const p = phaseOf(c, now);
      const d = c.def;
      const planned = new Date(d.timeline.closes);
      let closedAt: Date | null = null;
      if (p.phase === 'closed' || p.phase === 'finalized') {
        // The organizer's latest close (else a finalize straight from open), if it came before the planned date.
        const mine = closes.filter((a) => a.targetId === id);
        const manual = (mine.find((a) => a.action === 'challenge.close') ?? mine.find((a) => a.action === 'challenge.finalize'))?.createdAt;
        closedAt = c.row.state !== 'draft' && manual && manual < planned ? manual : planned <= now ? planned : (manual ?? now);
        // The planned date as stated, when that is when it closed.
        if (closedAt === planned) closedAt = null;
      }
      const tracks = d.leaderboard.tracks;
      // Only the tracks this board ranks on now ('model' before 'firmware', as the board lists them).
      const lead = leaders
        .filter((l) => l.challengeId === id && tracksOf(tracks).includes(l.track as Track))
        .map((l) => ({ track: l.track as Track, name: l.team?.name ?? l.person.displayName, score: l.score }));
      return {
        id,
        title: d.title,
        task: d.task,
        description: d.description ?? null,
        phase: p.phase,
        frozen: p.frozen,
        accepting: p.accepting,
        timeZone: d.timeline.displayTimeZone,
        opensAt: d.timeline.opens,
        closesAt: d.timeline.closes,
        closedAt: closedAt?.toISOString() ?? (p.phase === 'closed' || p.phase === 'finalized' ? d.timeline.closes : null),
        closedEarly: closedAt !== null && closedAt < planned,
        ranked: counts.filter((x) => x.challengeId === id).length,
        leader: tracks === 'combined' && lead[0] ? { name: lead[0].name, score: lead[0].score } : null,
        tracks,
        leaders: lead,
        firmware: Boolean(d.firmware),
      };
    }),
  );
}
