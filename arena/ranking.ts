/**
 * Leaderboard ranking, pure: from scored submissions to ranked participant rows.
 *
 * - One row per participant (a team, or a person without a team): their best eligible submission.
 * - Ties on score go to the earlier submission (then the lower id, so the order is total).
 * - Public split: optionally Ladder-damped (Blum & Hardt 2015): a participant's shown score changes only
 *   when a new submission beats it by more than `ladderMargin`, which blunts overfitting the public
 *   split by many near-identical submissions.
 * - Private split: with final selection, only the participant's selected submissions count (if they
 *   selected none, their best `maxFinal` public submissions are selected for them, as on Kaggle).
 * - Frozen public board: only submissions made before the freeze time count.
 * - Tracks: on a combined board models and firmware compete together (track `all`); with separate
 *   tracks each kind is ranked on its own (a participant may hold a place on each).
 */
export interface RankCandidate {
  submissionId: string;
  participantKey: string;
  personId: string;
  teamId: string | null;
  createdAt: Date;
  eligible: boolean;
  disqualified: boolean;
  isFinal: boolean;
  publicScore: number | null;
  privateScore: number | null;
  /** Model or firmware (decides the track when tracks are separate); default model. */
  kind?: 'model' | 'firmware';
}

/** How a challenge ranks the two kinds (challenge YAML leaderboard.tracks). */
export type TrackMode = 'combined' | 'separate';
/** A board's track: `all` on a combined board. */
export type Track = 'all' | 'model' | 'firmware';

/** A stored entry's track as a rank names it: `model`/`firmware` on separate tracks, null on a combined board. */
export const separateTrack = (track: string): 'model' | 'firmware' | null => (track === 'model' || track === 'firmware' ? track : null);

/** The tracks a board has under `mode`, in display order. */
export const tracksOf = (mode: TrackMode): Track[] => (mode === 'separate' ? ['model', 'firmware'] : ['all']);

export interface RankOptions {
  split: 'public' | 'private';
  /** Public split: only submissions created before this count. */
  freezeTime?: Date | null;
  ladderMargin?: number;
  /** Private split: how many final submissions a participant may select (absent: all count). */
  maxFinal?: number | null;
}

export interface RankedRow {
  rank: number;
  participantKey: string;
  personId: string;
  teamId: string | null;
  submissionId: string;
  score: number;
  submittedAt: Date;
}

export interface TrackedRow extends RankedRow {
  track: Track;
}

/** Rank each track of the board on its own (one track, `all`, when combined). */
export function rankTracks(candidates: readonly RankCandidate[], opts: RankOptions & { tracks: TrackMode }): TrackedRow[] {
  if (opts.tracks === 'combined') return rankParticipants(candidates, opts).map((r) => ({ ...r, track: 'all' }));
  return (['model', 'firmware'] as const).flatMap((track) => rankParticipants(candidates.filter((c) => (c.kind ?? 'model') === track), opts).map((r) => ({ ...r, track })));
}

const byTime = (a: RankCandidate, b: RankCandidate) => a.createdAt.getTime() - b.createdAt.getTime() || (a.submissionId < b.submissionId ? -1 : a.submissionId > b.submissionId ? 1 : 0);

/** Higher score first; ties: earlier submission first. */
function better(a: { score: number; c: RankCandidate }, b: { score: number; c: RankCandidate }): number {
  return b.score - a.score || byTime(a.c, b.c);
}

export function rankParticipants(candidates: readonly RankCandidate[], opts: RankOptions): RankedRow[] {
  const groups = new Map<string, RankCandidate[]>();
  for (const c of candidates) {
    if (!c.eligible || c.disqualified) continue;
    if (opts.split === 'public' && opts.freezeTime && c.createdAt >= opts.freezeTime) continue;
    const s = opts.split === 'public' ? c.publicScore : c.privateScore;
    if (s === null || !Number.isFinite(s)) continue;
    const list = groups.get(c.participantKey);
    if (list) list.push(c);
    else groups.set(c.participantKey, [c]);
  }
  const best: { score: number; c: RankCandidate }[] = [];
  for (const list of groups.values()) {
    list.sort(byTime);
    const pick = opts.split === 'public' ? pickPublic(list, opts.ladderMargin ?? 0) : pickPrivate(list, opts.maxFinal ?? null);
    if (pick) best.push(pick);
  }
  best.sort(better);
  return best.map(({ score, c }, i) => ({
    rank: i + 1,
    participantKey: c.participantKey,
    personId: c.personId,
    teamId: c.teamId,
    submissionId: c.submissionId,
    score,
    submittedAt: c.createdAt,
  }));
}

/** `list` is in submission order. */
function pickPublic(list: RankCandidate[], margin: number) {
  let shown: { score: number; c: RankCandidate } | null = null;
  for (const c of list) {
    const score = c.publicScore!;
    // Strictly better (by more than the margin) replaces; an equal later score never does.
    if (!shown || score > shown.score + margin) shown = { score, c };
  }
  return shown;
}

function pickPrivate(list: RankCandidate[], maxFinal: number | null) {
  let pool = list;
  if (maxFinal !== null) {
    const chosen = list.filter((c) => c.isFinal);
    pool = chosen.length
      ? chosen.slice(-maxFinal)
      : [...list].sort((a, b) => b.publicScore! - a.publicScore! || byTime(a, b)).slice(0, maxFinal);
  }
  let top: { score: number; c: RankCandidate } | null = null;
  for (const c of pool) {
    const cand = { score: c.privateScore!, c };
    if (!top || better(cand, top) < 0) top = cand;
  }
  return top;
}
