/**
 * The capstone project track against the database: entries, declared conflicts, judge assignment,
 * marks, and results (public once the challenge closes). Organizer actions are audited.
 */
import type { Services } from '../../core/services.js';
import { audit, type Actor } from '../admin.js';
import { getChallenge, phaseOf } from '../catalog.js';
import { toJson } from '../json.js';
import { isOrganizer, rolesOf } from '../people.js';
import { assignJudges, combineJudges, rubricTotal, type ProjectResult } from './judging.js';
import { AuthError, ProjectError } from '../errors.js';

async function trackOf(services: Services, challengeId: string) {
  const c = await getChallenge(services.db, challengeId, services.config.CHALLENGES_DIR);
  if (!c.def.projects) throw new ProjectError(`${c.def.title} has no project track`);
  return { c, projects: c.def.projects };
}

const HTTP_URL = /^https?:\/\/[^\s]{3,500}$/;

export interface EntryInput {
  title: string;
  description: string;
  repoUrl?: string | undefined;
  videoUrl?: string | undefined;
  submissionId?: string | undefined;
}

/** Create or update a learner's entry (one per person and challenge) while the challenge is open. */
export async function submitEntry(services: Services, personId: string, challengeId: string, input: EntryInput) {
  const { db } = services;
  const { c } = await trackOf(services, challengeId);
  if (!phaseOf(c).accepting) throw new ProjectError('project entries are accepted while the challenge is open');
  const title = input.title.trim();
  const description = input.description.trim();
  if (title.length < 3 || title.length > 120) throw new ProjectError('the title must be 3–120 characters');
  if (description.length < 20 || description.length > 5000) throw new ProjectError('the description must be 20–5000 characters');
  for (const [name, url] of [['repository', input.repoUrl], ['video', input.videoUrl]] as const) {
    if (url && !HTTP_URL.test(url)) throw new ProjectError(`the ${name} link must be an http(s) URL`);
  }
  if (input.submissionId) {
    const sub = await db.submission.findUnique({ where: { id: input.submissionId }, select: { personId: true, challengeId: true } });
    if (!sub || sub.personId !== personId || sub.challengeId !== challengeId) throw new ProjectError('the linked submission must be one of yours in this challenge');
  }
  const team = await db.teamMember.findUnique({ where: { challengeId_personId: { challengeId, personId } }, select: { teamId: true } });
  const data = { title, description, repoUrl: input.repoUrl || null, videoUrl: input.videoUrl || null, submissionId: input.submissionId || null, teamId: team?.teamId ?? null };
  return db.projectEntry.upsert({ where: { challengeId_personId: { challengeId, personId } }, create: { challengeId, personId, ...data }, update: data });
}

/** A judge declares a conflict of interest with a person (they will never judge that person's entry). */
export async function declareConflict(services: Services, judgeId: string, personHandle: string, reason: string): Promise<void> {
  const { db } = services;
  const person = await db.person.findUnique({ where: { handle: personHandle.toLowerCase() } });
  if (!person) throw new ProjectError(`no person ${personHandle}`);
  if (!reason.trim()) throw new ProjectError('say why (it stays with the organizers)');
  await db.judgeConflict.upsert({ where: { judgeId_personId: { judgeId, personId: person.id } }, create: { judgeId, personId: person.id, reason }, update: { reason } });
  // An existing assignment to that person's entry is withdrawn (and its marks, if any).
  const entries = await db.projectEntry.findMany({ where: { personId: person.id }, select: { id: true } });
  await db.judgeAssignment.deleteMany({ where: { judgeId, entryId: { in: entries.map((e) => e.id) } } });
  await db.judgeScore.deleteMany({ where: { judgeId, entryId: { in: entries.map((e) => e.id) } } });
}

/** Give every entry its judges (people with the judge role), avoiding conflicts; organizers only. */
export async function assignProjectJudges(services: Services, actor: Actor, challengeId: string) {
  const { db } = services;
  if (actor.actorId !== null && !(await isOrganizer(db, actor.actorId))) throw new AuthError('only organizers can assign judges');
  const { projects } = await trackOf(services, challengeId);
  const [entries, judges, conflicts, existing] = await Promise.all([
    db.projectEntry.findMany({ where: { challengeId }, select: { id: true, personId: true, teamId: true } }),
    db.personRole.findMany({ where: { role: 'judge' }, select: { personId: true } }),
    db.judgeConflict.findMany({ select: { judgeId: true, personId: true } }),
    db.judgeAssignment.findMany({ where: { entry: { challengeId } }, select: { entryId: true, judgeId: true } }),
  ]);
  const teams = new Map<string, string[]>();
  for (const e of entries.filter((x) => x.teamId)) {
    if (!teams.has(e.teamId!)) teams.set(e.teamId!, (await db.teamMember.findMany({ where: { teamId: e.teamId! }, select: { personId: true } })).map((m) => m.personId));
  }
  const plan = assignJudges(
    entries.map((e) => ({ id: e.id, people: e.teamId ? [...new Set([e.personId, ...teams.get(e.teamId)!])] : [e.personId] })),
    judges.map((j) => j.personId),
    new Set(conflicts.map((c) => `${c.judgeId}|${c.personId}`)),
    projects.judgesPerEntry,
    existing,
  );
  if (plan.add.length) await db.judgeAssignment.createMany({ data: plan.add });
  await audit(db, actor, 'projects.assign', { type: 'challenge', id: challengeId }, { assignments: existing.length }, { added: plan.add.length, short: plan.short });
  return plan;
}

/** A judge marks an assigned entry (again, to revise). */
export async function scoreEntry(services: Services, judgeId: string, entryId: string, marks: Record<string, number>, comment: string) {
  const { db } = services;
  const assigned = await db.judgeAssignment.findUnique({ where: { entryId_judgeId: { entryId, judgeId } }, include: { entry: { select: { challengeId: true } } } });
  if (!assigned) throw new ProjectError('this entry is not assigned to you');
  const { projects } = await trackOf(services, assigned.entry.challengeId);
  let total: number;
  try {
    total = rubricTotal(projects.rubric, marks);
  } catch (err) {
    throw new ProjectError((err as Error).message);
  }
  await db.judgeScore.upsert({ where: { entryId_judgeId: { entryId, judgeId } }, create: { entryId, judgeId, marks: toJson(marks), comment: comment.trim() }, update: { marks: toJson(marks), comment: comment.trim() } });
  return { total };
}

export interface ProjectResultsView {
  challenge: string;
  visible: boolean;
  results: (ProjectResult & { title: string; person: string; displayName: string; repoUrl: string | null; videoUrl: string | null })[];
  /** Entries still missing marks from an assigned judge. */
  pendingMarks: number;
}

/** Combined results: everyone once the challenge closes, organizers and judges any time. */
export async function projectResults(services: Services, challengeId: string, viewerId?: string | null): Promise<ProjectResultsView> {
  const { db } = services;
  const { c, projects } = await trackOf(services, challengeId);
  const roles = viewerId ? await rolesOf(db, viewerId) : new Set<string>();
  const visible = phaseOf(c).privateRevealed || roles.has('organizer') || roles.has('admin') || roles.has('judge');
  const [entries, scores, assignments] = await Promise.all([
    db.projectEntry.findMany({ where: { challengeId }, orderBy: { createdAt: 'asc' }, include: { person: { select: { handle: true, displayName: true } } } }),
    db.judgeScore.findMany({ where: { entry: { challengeId } }, select: { entryId: true, judgeId: true, marks: true } }),
    db.judgeAssignment.count({ where: { entry: { challengeId } } }),
  ]);
  const byId = new Map(entries.map((e) => [e.id, e]));
  const results = visible
    ? combineJudges(
        scores.map((s) => ({ entryId: s.entryId, judgeId: s.judgeId, total: rubricTotal(projects.rubric, s.marks as Record<string, number>) })),
        entries.map((e) => e.id),
      ).map((r) => {
        const e = byId.get(r.entryId)!;
        return { ...r, title: e.title, person: e.person.handle, displayName: e.person.displayName, repoUrl: e.repoUrl, videoUrl: e.videoUrl };
      })
    : [];
  return { challenge: challengeId, visible, results, pendingMarks: Math.max(0, assignments - scores.length) };
}

/** A person's project entry in a challenge, with the judges' comments, or null. */
export async function entryOf(services: Pick<Services, 'db'>, challengeId: string, personId: string) {
  return services.db.projectEntry.findUnique({ where: { challengeId_personId: { challengeId, personId } }, include: { scores: { select: { comment: true } } } });
}

/** The entries assigned to a judge, oldest assignment first, each with that judge's marks so far. */
export async function judgeAssignments(services: Pick<Services, 'db'>, judgeId: string) {
  return services.db.judgeAssignment.findMany({ where: { judgeId }, include: { entry: { include: { scores: { where: { judgeId } } } } }, orderBy: { assignedAt: 'asc' } });
}
