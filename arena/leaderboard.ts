/**
 * Leaderboards: recomputed from the submissions (the source of truth) into LeaderboardEntry rows,
 * which pages and the bot read cheaply. A recompute is a full, idempotent rebuild of both splits
 * under a per-challenge lock, so concurrent publishes cannot interleave into a stale board.
 */
import { withLock } from '../core/locks.js';
import type { Services } from '../core/services.js';
import { getChallenge, phaseOf } from './catalog.js';
import { rankTracks, type RankCandidate, type Track, type TrackedRow, type TrackMode } from './ranking.js';

type BoardServices = Pick<Services, 'db' | 'redis' | 'config'>;

/**
 * Bring the challenge's boards up to date. Concurrent calls coalesce: each call bumps a "wanted"
 * counter; whoever holds the lock rebuilds from everything committed so far and records the counter
 * value it started from, so callers that were already covered return without rebuilding again.
 * Returns the boards it built, or null when another call's rebuild already covered this one.
 */
export async function recomputeLeaderboard(services: BoardServices, challengeId: string): Promise<{ public: TrackedRow[]; private: TrackedRow[] } | null> {
  const key = `${services.config.QUEUE_PREFIX}:board:${challengeId}`;
  const wanted = await services.redis.incr(`${key}:wanted`);
  return withLock(services.redis, `${key}:lock`, async () => {
    if (Number((await services.redis.get(`${key}:built`)) ?? 0) >= wanted) return null;
    const startedAt = Number(await services.redis.get(`${key}:wanted`));
    const boards = await rebuild(services, challengeId);
    await services.redis.set(`${key}:built`, String(startedAt));
    return boards;
  });
}

async function rebuild(services: BoardServices, challengeId: string): Promise<{ public: TrackedRow[]; private: TrackedRow[] }> {
  const { db } = services;
  {
    const challenge = await getChallenge(db, challengeId, services.config.CHALLENGES_DIR);
    const phase = phaseOf(challenge);
    const subs = await db.submission.findMany({
      where: { challengeId, evaluatorVersion: { not: null } },
      select: { id: true, kind: true, personId: true, teamId: true, createdAt: true, eligible: true, disqualifiedAt: true, isFinal: true, publicScore: true, privateScore: true, evaluatorVersion: true },
    });
    const privateEligible = new Map<string, boolean>();
    const scores = await db.score.findMany({ where: { split: 'private', submission: { challengeId } }, select: { submissionId: true, evaluatorVersion: true, eligible: true } });
    const version = new Map(subs.map((s) => [s.id, s.evaluatorVersion]));
    for (const s of scores) if (version.get(s.submissionId) === s.evaluatorVersion) privateEligible.set(s.submissionId, s.eligible);

    const candidates = (split: 'public' | 'private'): RankCandidate[] =>
      subs.map((s) => ({
        submissionId: s.id,
        participantKey: s.teamId ? `team:${s.teamId}` : `person:${s.personId}`,
        personId: s.personId,
        teamId: s.teamId,
        createdAt: s.createdAt,
        eligible: split === 'public' ? s.eligible : (privateEligible.get(s.id) ?? false),
        disqualified: s.disqualifiedAt !== null,
        isFinal: s.isFinal,
        publicScore: s.publicScore,
        privateScore: s.privateScore,
        kind: s.kind,
      }));
    const lb = challenge.def.leaderboard;
    const boards = {
      public: rankTracks(candidates('public'), { split: 'public', freezeTime: phase.freezeTime, ladderMargin: lb.ladderMargin, tracks: lb.tracks }),
      private: rankTracks(candidates('private'), { split: 'private', maxFinal: lb.maxFinalSubmissions ?? null, tracks: lb.tracks }),
    };
    // Write only what changed: most publishes move one row (or none, when the new submission is not
    // the participant's best), and rewriting thousands of rows each time would dominate.
    const existing = await db.leaderboardEntry.findMany({ where: { challengeId }, select: { id: true, split: true, track: true, participantKey: true, submissionId: true, score: true, rank: true, personId: true, teamId: true } });
    const have = new Map(existing.map((e) => [`${e.split}|${e.track}|${e.participantKey}`, e]));
    const creates: { challengeId: string; split: 'public' | 'private'; track: Track; participantKey: string; personId: string; teamId: string | null; submissionId: string; score: number; rank: number; submittedAt: Date }[] = [];
    const updates = [];
    let rankShift = false;
    for (const split of ['public', 'private'] as const) {
      for (const r of boards[split]) {
        const key = `${split}|${r.track}|${r.participantKey}`;
        const e = have.get(key);
        have.delete(key);
        const row = { personId: r.personId, teamId: r.teamId, submissionId: r.submissionId, score: r.score, submittedAt: r.submittedAt };
        if (!e) creates.push({ challengeId, split, track: r.track, participantKey: r.participantKey, rank: r.rank, ...row });
        else if (e.submissionId !== r.submissionId || e.score !== r.score || e.personId !== r.personId || e.teamId !== r.teamId) updates.push(db.leaderboardEntry.update({ where: { id: e.id }, data: row }));
        else if (e.rank !== r.rank) rankShift = true;
      }
    }
    const gone = [...have.values()].map((e) => e.id);
    if (creates.length || updates.length || gone.length || rankShift) {
      // Ranks in one statement per split (a new leader shifts every rank below), each track on its
      // own: the same order as ranking.ts — score, then the earlier submission, then the id.
      const reRank = (['public', 'private'] as const).map(
        (split) =>
          db.$executeRaw`UPDATE "LeaderboardEntry" SET "rank" = r.rn FROM (SELECT "id", ROW_NUMBER() OVER (PARTITION BY "track" ORDER BY "score" DESC, "submittedAt" ASC, "submissionId" ASC) AS rn FROM "LeaderboardEntry" WHERE "challengeId" = ${challengeId} AND CAST("split" AS TEXT) = ${split}) AS r WHERE "LeaderboardEntry"."id" = r."id"`,
      );
      await db.$transaction([
        ...(gone.length ? [db.leaderboardEntry.deleteMany({ where: { id: { in: gone } } })] : []),
        ...updates,
        ...(creates.length ? [db.leaderboardEntry.createMany({ data: creates })] : []),
        ...reRank,
      ]);
    }
    return boards;
  }
}

export interface LeaderboardView {
  challenge: string;
  split: 'public' | 'private';
  frozen: boolean;
  /** False when the private split is asked for before it is revealed (entries are then empty). */
  visible: boolean;
  /** How the challenge ranks models and firmware (challenge YAML leaderboard.tracks). */
  tracks: TrackMode;
  /** Ranked per track: `all` on a combined board, else `model` entries first, then `firmware`. */
  entries: { rank: number; track: Track; person: string; displayName: string; team: string | null; score: number; submissionId: string; submittedAt: string }[];
}

/**
 * Read a materialised board. The private split is hidden until the challenge closes unless `privileged`.
 * `track` reads one track of a board with separate tracks (default: all of them, track by track).
 */
export async function readLeaderboard(services: Pick<Services, 'db' | 'config'>, challengeId: string, split: 'public' | 'private', opts: { privileged?: boolean; limit?: number; offset?: number; track?: Track } = {}): Promise<LeaderboardView> {
  const challenge = await getChallenge(services.db, challengeId, services.config.CHALLENGES_DIR);
  const phase = phaseOf(challenge);
  const visible = split === 'public' || phase.privateRevealed || opts.privileged === true;
  const rows = visible
    ? await services.db.leaderboardEntry.findMany({
        where: { challengeId, split, ...(opts.track ? { track: opts.track } : {}) },
        // Track by track ('model' before 'firmware'; a combined board has only 'all'), then by rank.
        orderBy: [{ track: 'desc' }, { rank: 'asc' }],
        take: opts.limit ?? 1000,
        skip: opts.offset ?? 0,
        include: { person: { select: { handle: true, displayName: true } }, team: { select: { name: true } } },
      })
    : [];
  return {
    challenge: challengeId,
    split,
    frozen: phase.frozen,
    visible,
    tracks: challenge.def.leaderboard.tracks,
    entries: rows.map((r) => ({
      rank: r.rank,
      track: r.track as Track,
      person: r.person.handle,
      displayName: r.person.displayName,
      team: r.team?.name ?? null,
      score: r.score,
      submissionId: r.submissionId,
      submittedAt: r.submittedAt.toISOString(),
    })),
  };
}
