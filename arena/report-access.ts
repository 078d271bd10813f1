/**
 * Who may see which submission, and how much of it — the one rule every surface applies (report page,
 * its live events, the status API, team pages, Discord /status, the links from the leaderboard):
 *
 * - **organizers** see everything, private-split figures included;
 * - **participants** — the submitter and the members of the team it was made for — see the whole
 *   report; private-split figures only once the challenge reveals them (it closes);
 * - **everyone else** sees only what the boards show about it: a submission that is some
 *   participant's row on the public board (which already leaves out what a freeze hides), or on the
 *   private board once it is revealed, shows its rank, score and quality — nothing else;
 * - any other submission does not exist for them (the same answer as an unknown id).
 *
 * Reports never carry the split seed (what decides which samples are private), for anyone.
 */
import type { Services } from '../core/services.js';
import { getChallenge, phaseOf } from './catalog.js';
import { separateTrack } from './ranking.js';
import { submissionStatus, type StatusView } from './status.js';

/** The person asking (null: not signed in). */
export interface Viewer {
  id: string;
  organizer: boolean;
}

export type ReportScope = 'organizer' | 'participant' | 'public';

export interface ReportAccess {
  scope: ReportScope;
  /** Private-split figures may be shown. */
  showPrivate: boolean;
}

/** What a submission's board rows say about it: all the public may know. */
export interface BoardFacts {
  id: string;
  challenge: string;
  /** The team's name, or the person's display name. */
  participant: string;
  teamId: string | null;
  submittedAt: string;
  /** `track`: the track the rank counts on (separate tracks), else null. */
  rows: { split: 'public' | 'private'; rank: number; score: number; track: 'model' | 'firmware' | null }[];
  /** The task metric on the public split (the leaderboard's quality axis), when scored. */
  publicQuality: number | null;
}

export type Report =
  | { access: ReportAccess & { scope: 'organizer' | 'participant' }; status: StatusView }
  | { access: ReportAccess & { scope: 'public' }; board: BoardFacts };

type AccessServices = Pick<Services, 'db' | 'config'>;

/** Whether `viewer` is the submitter or on the submission's team. */
async function isParticipant(services: AccessServices, sub: { personId: string; teamId: string | null }, viewer: Viewer): Promise<boolean> {
  if (sub.personId === viewer.id) return true;
  if (!sub.teamId) return false;
  const mate = await services.db.teamMember.findFirst({ where: { teamId: sub.teamId, personId: viewer.id }, select: { personId: true } });
  return mate !== null;
}

/** The viewer's access to a submission, or null when it must look like it does not exist. */
export async function reportAccess(services: AccessServices, submissionId: string, viewer: Viewer | null | undefined): Promise<ReportAccess | null> {
  const sub = await services.db.submission.findUnique({ where: { id: submissionId }, select: { id: true, personId: true, teamId: true, challengeId: true } });
  if (!sub) return null;
  if (viewer?.organizer) return { scope: 'organizer', showPrivate: true };
  const revealed = phaseOf(await getChallenge(services.db, sub.challengeId, services.config.CHALLENGES_DIR)).privateRevealed;
  if (viewer && (await isParticipant(services, sub, viewer))) return { scope: 'participant', showPrivate: revealed };
  const onBoard = await services.db.leaderboardEntry.findFirst({ where: { submissionId: sub.id, split: { in: revealed ? ['public', 'private'] : ['public'] } }, select: { id: true } });
  return onBoard ? { scope: 'public', showPrivate: revealed } : null;
}

/** The report as this viewer may see it, or null (unknown, or not theirs to know about). */
export async function reportFor(services: AccessServices, submissionId: string, viewer: Viewer | null | undefined): Promise<Report | null> {
  const access = await reportAccess(services, submissionId, viewer);
  if (!access) return null;
  if (access.scope === 'public') {
    const board = await boardFacts(services, submissionId, access.showPrivate);
    return board ? { access: { ...access, scope: 'public' }, board } : null;
  }
  const status = await submissionStatus(services.db, submissionId, { publicUrl: services.config.PUBLIC_URL, workers: services.config.WORKER_CONCURRENCY, showPrivate: access.showPrivate });
  if (!status) return null;
  return { access: { ...access, scope: access.scope }, status: withoutSplitSeed(status) };
}

/** True when the viewer may follow the submission's full report (its live progress, its status). */
export const seesFullReport = (access: ReportAccess | null): access is ReportAccess & { scope: 'organizer' | 'participant' } => access !== null && access.scope !== 'public';

async function boardFacts(services: AccessServices, submissionId: string, privateRevealed: boolean): Promise<BoardFacts | null> {
  const sub = await services.db.submission.findUnique({
    where: { id: submissionId },
    select: { id: true, challengeId: true, teamId: true, createdAt: true, evaluatorVersion: true, person: { select: { displayName: true } }, team: { select: { name: true } } },
  });
  if (!sub) return null;
  const rows = await services.db.leaderboardEntry.findMany({ where: { submissionId, split: { in: privateRevealed ? ['public', 'private'] : ['public'] } }, select: { split: true, rank: true, score: true, track: true } });
  if (!rows.length) return null;
  const quality = sub.evaluatorVersion ? await services.db.score.findFirst({ where: { submissionId, split: 'public', evaluatorVersion: sub.evaluatorVersion }, select: { value: true } }) : null;
  return {
    id: sub.id,
    challenge: sub.challengeId,
    participant: sub.team?.name ?? sub.person.displayName,
    teamId: sub.teamId,
    submittedAt: sub.createdAt.toISOString(),
    rows: rows.map((r) => ({ split: r.split, rank: r.rank, score: r.score, track: separateTrack(r.track) })).sort((a, b) => (a.split < b.split ? 1 : -1)),
    publicQuality: quality?.value ?? null,
  };
}

/** The split seed decides which samples are private: it is nobody's business on a report. */
function withoutSplitSeed(status: StatusView): StatusView {
  return {
    ...status,
    stages: status.stages.map((st) => {
      const d = st.detail as { split?: Record<string, unknown> } | null;
      if (!d || typeof d !== 'object' || !d.split || typeof d.split !== 'object' || !('seed' in d.split)) return st;
      const { seed: _seed, ...split } = d.split;
      return { ...st, detail: { ...d, split } };
    }),
  };
}

export interface TeamSubmissionsView {
  /** The viewer is on the team, or an organizer: every submission is listed. */
  member: boolean;
  /** Empty for everyone else: they see the team's row on the public board, nothing more. */
  submissions: { id: string; fileName: string; person: string; state: string; publicScore: number | null; createdAt: Date }[];
}

/**
 * A team's submissions as this viewer may see them: all of them (with their public scores) for its
 * members and organizers; none for everyone else (the team page shows them the board's row).
 */
export async function teamSubmissionsFor(services: AccessServices, teamId: string, viewer: Viewer | null | undefined): Promise<TeamSubmissionsView> {
  const member = viewer ? viewer.organizer || (await services.db.teamMember.findFirst({ where: { teamId, personId: viewer.id }, select: { personId: true } })) !== null : false;
  if (!member) return { member, submissions: [] };
  const subs = await services.db.submission.findMany({ where: { teamId }, orderBy: { createdAt: 'desc' }, take: 200, select: { id: true, fileName: true, state: true, publicScore: true, createdAt: true, person: { select: { handle: true } } } });
  return { member, submissions: subs.map((s) => ({ id: s.id, fileName: s.fileName, person: s.person.handle, state: s.state, publicScore: s.publicScore, createdAt: s.createdAt })) };
}
