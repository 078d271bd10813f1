/**
 * Read-model of the leaderboard page: every ranked participant with the figures behind their score —
 * the task metric on this split, the latency the board measured (median and spread), the flash and
 * RAM the entry takes, how many entries the participant made and when they last submitted — sortable
 * by any of them, then paged. The ranking itself stays the materialised board's (leaderboard.ts).
 *
 * While the public board is frozen, entry counts and last-submission times stop at the freeze too:
 * they would otherwise tell who is still submitting.
 */
import type { Services } from '../core/services.js';
import { getChallenge, phaseOf } from './catalog.js';
import { tracksOf, type Track, type TrackMode } from './ranking.js';

export const SORT_KEYS = ['rank', 'participant', 'score', 'quality', 'latency', 'flash', 'ram', 'entries', 'last'] as const;
export type SortKey = (typeof SORT_KEYS)[number];
export type SortDir = 'asc' | 'desc';

/** The natural first direction of each column (best first). */
export const DEFAULT_DIR: Record<SortKey, SortDir> = { rank: 'asc', participant: 'asc', score: 'desc', quality: 'desc', latency: 'asc', flash: 'asc', ram: 'asc', entries: 'desc', last: 'desc' };

export interface BoardRow {
  rank: number;
  /** Team name, or the person's display name. */
  name: string;
  /** The submitting person's handle. */
  person: string;
  displayName: string;
  teamId: string | null;
  team: string | null;
  score: number;
  submissionId: string;
  submittedAt: string;
  kind: 'model' | 'firmware';
  /** The task metric of the entry on this split (top-1 accuracy or ROC AUC). */
  quality: number | null;
  /** Median latency on the board, and the fastest and slowest timed run (ms); null when not measured. */
  latencyMs: number | null;
  latencyRangeMs: [number, number] | null;
  boardId: string | null;
  /** Flash the entry takes: the model's bytes, or a firmware image's flash span. */
  flashBytes: number | null;
  /** RAM: the tensor arena (measured on the board, else estimated), or a firmware's static RAM. */
  ramBytes: number | null;
  ramMeasured: boolean;
  /** The participant's submissions (judged or in the pipeline; rejections at upload are not entries). */
  entries: number;
  lastSubmissionAt: string;
}

export interface BoardTable {
  challenge: string;
  title: string;
  task: 'kws' | 'vww' | 'ad';
  metric: 'top1' | 'auc';
  split: 'public' | 'private';
  /** How the challenge ranks models and firmware (leaderboard.tracks), and the track shown. */
  tracks: TrackMode;
  track: Track;
  frozen: boolean;
  /** False when the private split is asked for before it is revealed (no rows then). */
  visible: boolean;
  maxModelBytes: number;
  sort: SortKey;
  dir: SortDir;
  total: number;
  /** The requested page of the sorted rows. */
  rows: BoardRow[];
}

export interface BoardTableOptions {
  privileged?: boolean;
  /** With separate tracks: which one (default the model track); ignored on a combined board. */
  track?: Track;
  sort?: SortKey;
  dir?: SortDir;
  page?: number;
  pageSize?: number;
}

type Detail = Record<string, unknown> | null;
const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : null);

export async function leaderboardTable(services: Pick<Services, 'db' | 'config'>, challengeId: string, split: 'public' | 'private', opts: BoardTableOptions = {}): Promise<BoardTable> {
  const { db } = services;
  const c = await getChallenge(db, challengeId, services.config.CHALLENGES_DIR);
  const phase = phaseOf(c);
  const visible = split === 'public' || phase.privateRevealed || opts.privileged === true;
  const sort = opts.sort ?? 'rank';
  const dir = opts.dir ?? DEFAULT_DIR[sort];
  const tracks = c.def.leaderboard.tracks;
  const track = opts.track && tracksOf(tracks).includes(opts.track) ? opts.track : tracksOf(tracks)[0]!;
  const base = { challenge: c.row.id, title: c.def.title, task: c.def.task, metric: c.def.scoring.gate.metric, split, tracks, track, frozen: phase.frozen, visible, maxModelBytes: c.def.budgets.maxModelBytes, sort, dir };
  if (!visible) return { ...base, total: 0, rows: [] };

  const entries = await db.leaderboardEntry.findMany({
    where: { challengeId: c.row.id, split, track },
    orderBy: { rank: 'asc' },
    include: { person: { select: { handle: true, displayName: true } }, team: { select: { name: true } } },
  });
  const ids = entries.map((e) => e.submissionId);
  const subs = ids.length
    ? await db.submission.findMany({
        where: { id: { in: ids } },
        select: { id: true, kind: true, evaluatorVersion: true, blob: { select: { sizeBytes: true } }, scores: { where: { split }, select: { evaluatorVersion: true, value: true } }, stages: { where: { stage: { in: ['validate', 'device'] } }, select: { stage: true, evaluatorVersion: true, detail: true } } },
      })
    : [];
  const byId = new Map(subs.map((s) => [s.id, s]));

  // Entries and last submission per participant (not counting uploads rejected at once).
  const cutoff = split === 'public' && phase.freezeTime ? phase.freezeTime : null;
  const activity = await db.submission.groupBy({
    by: ['personId', 'teamId'],
    where: { challengeId: c.row.id, NOT: { state: 'rejected', quotaCharged: false }, ...(cutoff ? { createdAt: { lt: cutoff } } : {}) },
    _count: { _all: true },
    _max: { createdAt: true },
  });
  const teamActivity = new Map<string, { n: number; last: Date }>();
  const personActivity = new Map<string, { n: number; last: Date }>();
  for (const a of activity) {
    const add = (m: Map<string, { n: number; last: Date }>, k: string) => {
      const prev = m.get(k);
      const last = a._max.createdAt!;
      m.set(k, { n: (prev?.n ?? 0) + a._count._all, last: prev && prev.last > last ? prev.last : last });
    };
    if (a.teamId) add(teamActivity, a.teamId);
    else add(personActivity, a.personId);
  }

  const rows: BoardRow[] = entries.map((e) => {
    const sub = byId.get(e.submissionId);
    const version = sub?.evaluatorVersion;
    const stage = (name: string): Detail => (sub?.stages.find((st) => st.stage === name && st.evaluatorVersion === version)?.detail as Detail) ?? null;
    const validate = stage('validate');
    const device = stage('device');
    const runs = Array.isArray(device?.latencyRunsMs) ? (device.latencyRunsMs as unknown[]).map(num).filter((x): x is number => x !== null) : [];
    const firmware = sub?.kind === 'firmware';
    const measuredArena = firmware ? null : num(device?.arenaBytes);
    const act = e.teamId ? teamActivity.get(e.teamId) : personActivity.get(e.personId);
    return {
      rank: e.rank,
      name: e.team?.name ?? e.person.displayName,
      person: e.person.handle,
      displayName: e.person.displayName,
      teamId: e.teamId,
      team: e.team?.name ?? null,
      score: e.score,
      submissionId: e.submissionId,
      submittedAt: e.submittedAt.toISOString(),
      kind: sub?.kind ?? 'model',
      quality: sub?.scores.find((s) => s.evaluatorVersion === version)?.value ?? null,
      latencyMs: num(device?.latencyMs),
      latencyRangeMs: runs.length ? [Math.min(...runs), Math.max(...runs)] : null,
      boardId: typeof device?.boardId === 'string' ? device.boardId : null,
      // A .hex file is text, twice what it writes: a firmware takes its image's flash span.
      flashBytes: firmware ? (num(validate?.flashSpanBytes) ?? sub?.blob.sizeBytes ?? null) : (sub?.blob.sizeBytes ?? null),
      ramBytes: firmware ? num(validate?.ramBytes) : (measuredArena ?? num(validate?.arenaBytes)),
      ramMeasured: measuredArena !== null,
      entries: act?.n ?? 1,
      lastSubmissionAt: (act?.last ?? e.submittedAt).toISOString(),
    };
  });

  const key: Record<SortKey, (r: BoardRow) => number | string | null> = {
    rank: (r) => r.rank,
    participant: (r) => r.name.toLocaleLowerCase('en'),
    score: (r) => r.score,
    quality: (r) => r.quality,
    latency: (r) => r.latencyMs,
    flash: (r) => r.flashBytes,
    ram: (r) => r.ramBytes,
    entries: (r) => r.entries,
    last: (r) => r.lastSubmissionAt,
  };
  const k = key[sort];
  const sign = dir === 'asc' ? 1 : -1;
  // Missing figures (latency not measured, …) go last whichever the direction; ties keep the rank order.
  const sorted = [...rows].sort((a, b) => {
    const x = k(a);
    const y = k(b);
    if (x === null || y === null) return x === y ? a.rank - b.rank : x === null ? 1 : -1;
    const c = x < y ? -1 : x > y ? 1 : 0;
    return c !== 0 ? sign * c : a.rank - b.rank;
  });
  const size = opts.pageSize ?? 100;
  const page = Math.max(0, opts.page ?? 0);
  return { ...base, total: rows.length, rows: sorted.slice(page * size, (page + 1) * size) };
}
