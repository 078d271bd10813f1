/**
 * What a submission looks like from outside: the `tinyarena status --json` contract
 * (ARCHITECTURE.md §5), queue position and ETA.
 */
import type { Db } from '../core/db/client.js';
import type { Track } from './ranking.js';
import type { Submission } from './stage-contract.js';

/**
 * A leaderboard row's track when it is one of separate tracks (ranking.ts's separateTrack, restated:
 * status is on Discord /submit's import path, whose closure the layering test keeps within 50 modules).
 */
const separateTrack = (track: string): Exclude<Track, 'all'> | null => (track === 'model' || track === 'firmware' ? track : null);

export interface QueueInfo {
  /** Submissions ahead of this one in the pipeline (0 = next or running). */
  position: number;
  /** Rough wait until done, from recent run times and the worker count. */
  etaSeconds: number | null;
}

/** Recent median time from start to finish of a run, in ms (null with no history). */
async function typicalRunMs(db: Db): Promise<number | null> {
  const recent = await db.submission.findMany({
    where: { state: 'done', startedAt: { not: null }, finishedAt: { not: null } },
    orderBy: { finishedAt: 'desc' },
    take: 50,
    select: { startedAt: true, finishedAt: true },
  });
  if (!recent.length) return null;
  const ms = recent.map((r) => r.finishedAt!.getTime() - r.startedAt!.getTime()).sort((a, b) => a - b);
  return ms[Math.floor(ms.length / 2)]!;
}

export async function queueInfo(db: Db, sub: Pick<Submission, 'id' | 'state' | 'lane' | 'createdAt' | 'updatedAt'>, workers: number): Promise<QueueInfo> {
  if (sub.state !== 'queued' && sub.state !== 'running') return { position: 0, etaSeconds: 0 };
  // Fresh submissions go first; within a lane, first come first served.
  const lanes = sub.lane === 'rejudge' ? ['fresh', 'rejudge'] : ['fresh'];
  const ahead =
    sub.state === 'running'
      ? 0
      : await db.submission.count({
          where: {
            state: { in: ['queued', 'running'] },
            OR: [{ lane: { in: lanes.filter((l) => l !== sub.lane) } }, { lane: sub.lane, createdAt: { lt: sub.createdAt } }],
          },
        });
  const typical = await typicalRunMs(db);
  return { position: ahead, etaSeconds: typical === null ? null : Math.round(((Math.floor(ahead / Math.max(1, workers)) + 1) * typical) / 1000) };
}

export interface StatusView {
  id: string;
  challenge: string;
  person: string;
  fileName: string;
  /** `model` (.tflite) or `firmware` (an image run on a board). */
  kind: Submission['kind'];
  state: Submission['state'];
  reason: string | null;
  stages: { name: string; status: string; startedAt: string | null; finishedAt: string | null; detail: unknown; error: string | null }[];
  score: number | null;
  privateScore: number | null;
  eligible: boolean;
  /** Why a scored submission is not on the board, e.g. "below the quality gate top1 ≥ 0.8: 0.608" (null when ranked or not scored). */
  unranked: string | null;
  rank: number | null;
  /**
   * The track `rank` counts on when the challenge ranks models and firmware apart (leaderboard.tracks
   * `separate`: each track has its own rank 1); null on a combined board or when not ranked.
   */
  track: 'model' | 'firmware' | null;
  disqualified: { at: string; reason: string | null } | null;
  evaluatorVersion: string | null;
  queue: QueueInfo;
  quotaCharged: boolean;
  createdAt: string;
  report: string;
}

export async function submissionStatus(db: Db, id: string, opts: { publicUrl: string; workers: number; showPrivate?: boolean }): Promise<StatusView | null> {
  const sub = await db.submission.findUnique({ where: { id }, include: { person: { select: { handle: true } } } });
  if (!sub) return null;
  // Rejected at intake: no run, but the preflight result was stored under the version of that day.
  const version = sub.runVersion ?? sub.evaluatorVersion ?? (await db.stageResult.findFirst({ where: { submissionId: id }, orderBy: { startedAt: 'desc' }, select: { evaluatorVersion: true } }))?.evaluatorVersion;
  const stages = version ? await db.stageResult.findMany({ where: { submissionId: id, evaluatorVersion: version } }) : [];
  const order = ['validate', 'score', 'device', 'publish'];
  stages.sort((a, b) => order.indexOf(a.stage) - order.indexOf(b.stage));
  const entry = await db.leaderboardEntry.findFirst({ where: { submissionId: id, split: 'public' }, select: { rank: true, track: true } });
  return {
    id: sub.id,
    challenge: sub.challengeId,
    person: sub.person.handle,
    fileName: sub.fileName,
    kind: sub.kind,
    state: sub.state,
    reason: sub.stateReason,
    stages: stages.map((s) => ({
      name: s.stage,
      status: s.status,
      startedAt: s.startedAt?.toISOString() ?? null,
      finishedAt: s.finishedAt?.toISOString() ?? null,
      detail: !opts.showPrivate && (s.stage === 'score' || s.stage === 'device') ? withoutPrivate(s.detail) : s.detail,
      error: s.error,
    })),
    score: sub.publicScore,
    privateScore: opts.showPrivate ? sub.privateScore : null,
    eligible: sub.eligible,
    unranked: sub.publicScore !== null && !sub.eligible ? unrankedReason(stages.find((s) => s.stage === 'publish')?.detail) : null,
    rank: entry?.rank ?? null,
    track: entry ? separateTrack(entry.track) : null,
    disqualified: sub.disqualifiedAt ? { at: sub.disqualifiedAt.toISOString(), reason: sub.disqualifyReason } : null,
    evaluatorVersion: sub.evaluatorVersion,
    queue: await queueInfo(db, sub, opts.workers),
    quotaCharged: sub.quotaCharged,
    createdAt: sub.createdAt.toISOString(),
    report: `${opts.publicUrl}/submissions/${sub.id}`,
  };
}

/** "rank 2", or on separate tracks "rank 1 on the firmware track" (a rank 1 on each track is no contradiction). */
export function rankText(s: Pick<StatusView, 'rank' | 'track'>): string {
  return `rank ${s.rank}${s.track ? ` on the ${s.track} track` : ''}`;
}

/** "below the quality gate top1 ≥ 0.8: 0.608", from the publish stage's gate and quality term. */
export function unrankedReason(publishDetail: unknown): string {
  const d = (publishDetail ?? {}) as { gate?: { metric: string; min: number }; terms?: { quality?: number } };
  if (!d.gate || typeof d.terms?.quality !== 'number') return 'below the quality gate';
  return `below the quality gate ${d.gate.metric} ≥ ${d.gate.min}: ${Number(d.terms.quality.toFixed(3))}`;
}

/** The private split's numbers stay hidden until the challenge reveals them. */
function withoutPrivate(detail: unknown): unknown {
  if (!detail || typeof detail !== 'object') return detail;
  const { private: _hidden, ...rest } = detail as Record<string, unknown>;
  // A firmware's device stage carries both splits' scores (it is scored on the board).
  if (rest.scores && typeof rest.scores === 'object') rest.scores = withoutPrivate(rest.scores);
  return rest;
}

/**
 * Whether a submission is finished for anyone watching it: rejected or failed, or done with its
 * publish stage passed (publish marks the submission done a moment before its own row says so, and
 * the rank is known only then), or done because a rejudge failed and the old result stands.
 */
export function isSettled(s: Pick<StatusView, 'state' | 'stages'>): boolean {
  if (s.state === 'rejected' || s.state === 'failed') return true;
  if (s.state !== 'done') return false;
  if (s.stages.some((st) => st.name === 'publish' && st.status === 'passed')) return true;
  return !s.stages.some((st) => st.status === 'running' || st.status === 'pending') && s.stages.some((st) => st.status === 'failed' || st.status === 'error');
}

/**
 * What a submission's report page shows besides its status (which arena/report-access.ts hands out):
 * its challenge, the submitter's previous scored run there, and the note written with the upload.
 */
export interface ReportExtras {
  challenge: { title: string; task: string } | null;
  previous: { id: string; score: number } | null;
  note: string | null;
}

export async function reportExtras(db: Db, status: Pick<StatusView, 'id' | 'challenge'>): Promise<ReportExtras> {
  const [challenge, current] = await Promise.all([
    db.challenge.findUnique({ where: { id: status.challenge }, select: { task: true, title: true } }),
    db.submission.findUnique({ where: { id: status.id }, select: { personId: true, createdAt: true, note: true } }),
  ]);
  const previous = current
    ? await db.submission.findFirst({ where: { challengeId: status.challenge, personId: current.personId, createdAt: { lt: current.createdAt }, publicScore: { not: null } }, orderBy: { createdAt: 'desc' }, select: { id: true, publicScore: true } })
    : null;
  return { challenge, previous: previous ? { id: previous.id, score: previous.publicScore! } : null, note: current?.note ?? null };
}
