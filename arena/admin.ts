/**
 * Organizer actions. Each checks the actor's role (callers check too; this is the last line), does
 * its change, and writes the audit log: who, when, why, before and after. `actorId: null` is the
 * server console (someone with shell access to the grader machine).
 */
import { randomUUID } from 'node:crypto';
import { formatTimeIn } from '../lib/format.js';
import type { Db } from '../core/db/client.js';
import type { Services } from '../core/services.js';
import { getChallenge, phaseOf } from './catalog.js';
import { evaluatorVersion } from './evaluator.js';
import { emitEvent } from './events.js';
import { toJson } from './json.js';
import { recomputeLeaderboard } from './leaderboard.js';
import { grantRole, isOrganizer, rolesOf } from './people.js';
import { enqueueStage } from './stage-contract.js';
import { AuthError, AdminError } from './errors.js';

export interface Actor {
  /** null: the server console. */
  actorId: string | null;
  reason: string;
}

async function requireOrganizer(db: Db, actor: Actor): Promise<void> {
  if (actor.actorId !== null && !(await isOrganizer(db, actor.actorId))) throw new AuthError('only organizers can do this');
  if (!actor.reason.trim()) throw new AdminError('a reason is required (it goes to the audit log)');
}

export async function audit(db: Db, actor: Actor, action: string, target: { type: string; id: string }, before: unknown, after: unknown): Promise<void> {
  await db.auditLog.create({
    data: { actorId: actor.actorId, action, targetType: target.type, targetId: target.id, reason: actor.reason, data: toJson({ before, after, via: actor.actorId ? 'person' : 'console' }) },
  });
}

export type ChallengeAction = 'open' | 'close' | 'finalize' | 'schedule' | 'freeze' | 'unfreeze';

/**
 * open/close force the state regardless of the timeline; schedule returns to following it;
 * finalize marks results final (private board revealed); freeze/unfreeze the public board.
 */
export async function changeChallenge(services: Services, actor: Actor, challengeId: string, action: ChallengeAction) {
  const { db } = services;
  await requireOrganizer(db, actor);
  const c = await getChallenge(db, challengeId, services.config.CHALLENGES_DIR);
  const before = { state: c.row.state, frozen: c.row.frozen, frozenAt: c.row.frozenAt, phase: phaseOf(c).phase };
  const data =
    action === 'freeze'
      ? { frozen: true, frozenAt: c.row.frozenAt ?? new Date() }
      : action === 'unfreeze'
        ? { frozen: false, frozenAt: null }
        : { state: ({ open: 'open', close: 'closed', finalize: 'finalized', schedule: 'draft' } as const)[action] };
  if (action === 'unfreeze' && c.row.freezesAt && c.row.freezesAt <= new Date()) {
    throw new AdminError(`the public board is frozen by the timeline since ${formatTimeIn(c.row.freezesAt, c.def.timeline.displayTimeZone)}; change timeline.freezes in challenge.yaml to lift it`);
  }
  const row = await db.challenge.update({ where: { id: challengeId }, data });
  const after = { state: row.state, frozen: row.frozen, frozenAt: row.frozenAt, phase: phaseOf({ row }).phase };
  await audit(db, actor, `challenge.${action}`, { type: 'challenge', id: challengeId }, before, after);
  await recomputeLeaderboard(services, challengeId);
  return after;
}

export async function disqualify(services: Services, actor: Actor, submissionId: string, disqualified = true) {
  const { db } = services;
  await requireOrganizer(db, actor);
  const sub = await db.submission.findUnique({ where: { id: submissionId } });
  if (!sub) throw new AdminError(`no submission ${submissionId}`);
  const before = { disqualifiedAt: sub.disqualifiedAt, reason: sub.disqualifyReason };
  const row = await db.submission.update({ where: { id: submissionId }, data: disqualified ? { disqualifiedAt: new Date(), disqualifyReason: actor.reason } : { disqualifiedAt: null, disqualifyReason: null } });
  await audit(db, actor, disqualified ? 'submission.disqualify' : 'submission.requalify', { type: 'submission', id: submissionId }, before, { disqualifiedAt: row.disqualifiedAt, reason: row.disqualifyReason });
  await emitEvent(services, { submissionId, challengeId: sub.challengeId, personId: sub.personId, type: disqualified ? 'disqualified' : 'requalified', data: { reason: actor.reason } });
  await recomputeLeaderboard(services, sub.challengeId);
}

export interface RejudgeScope {
  challengeId: string;
  /** Absent: every submission of the challenge that has been judged. */
  submissionIds?: string[];
}

/** What a rejudge did, for the organizer's CLI, dashboard and Discord reply. */
export interface RejudgeResult {
  count: number;
  evaluatorVersion: string;
  /** Of `count`: already judged under this very evaluator; every stage runs again and replaces that result. */
  rerun: number;
  /** Of `count`: judged under an older evaluator; those scores stay next to the new ones. */
  upgraded: number;
  /** Of `count`: not judged yet (still in their first run, or it failed): they start over. */
  restarted: number;
}

/**
 * Judge again under the current evaluator version, in the rejudge lane (fresh submissions go first).
 * Old scores stay in the database under their evaluator version; until the new run publishes, the
 * board keeps showing the old result.
 *
 * Under an unchanged evaluator (same engine, same challenge definition) a rejudge still runs every
 * stage again: the organizer asked for it, and what changed may be outside the version (a data file
 * replaced, a board recalibrated, a fix deployed without an ENGINE_VERSION bump). That version's stage
 * rows go back to `pending`, so no stage of the new run counts as already done; the new results
 * replace them.
 */
export async function rejudge(services: Services, actor: Actor, scope: RejudgeScope): Promise<RejudgeResult> {
  const { db } = services;
  await requireOrganizer(db, actor);
  const c = await getChallenge(db, scope.challengeId, services.config.CHALLENGES_DIR);
  const version = evaluatorVersion(c.definitionHash);
  const subs = await db.submission.findMany({
    where: { challengeId: scope.challengeId, runVersion: { not: null }, ...(scope.submissionIds ? { id: { in: scope.submissionIds } } : {}) },
    select: { id: true, personId: true, challengeId: true, evaluatorVersion: true },
    orderBy: { createdAt: 'asc' },
  });
  if (scope.submissionIds) {
    const found = new Set(subs.map((s) => s.id));
    const missing = scope.submissionIds.filter((id) => !found.has(id));
    if (missing.length) throw new AdminError(`not judged submissions of ${scope.challengeId}: ${missing.join(', ')}`);
  }
  await audit(db, actor, 'submission.rejudge', { type: 'challenge', id: scope.challengeId }, null, { evaluatorVersion: version, submissions: subs.map((s) => s.id) });
  const out: RejudgeResult = { count: subs.length, evaluatorVersion: version, rerun: 0, upgraded: 0, restarted: 0 };
  for (const s of subs) {
    const run = { runId: randomUUID(), runVersion: version, lane: 'rejudge', state: 'queued' as const, stage: 'validate' as const, stateReason: null, startedAt: null, finishedAt: null };
    await db.$transaction([
      db.submission.update({ where: { id: s.id }, data: run }),
      db.stageResult.updateMany({ where: { submissionId: s.id, evaluatorVersion: version }, data: { status: 'pending', attempts: 0, startedAt: null, finishedAt: null, detail: {}, error: null } }),
    ]);
    const kind = s.evaluatorVersion === version ? 'rerun' : s.evaluatorVersion ? 'upgraded' : 'restarted';
    out[kind]++;
    await emitEvent(services, { submissionId: s.id, challengeId: s.challengeId, personId: s.personId, type: 'rejudge', data: { evaluatorVersion: version, reason: actor.reason, kind } });
    await enqueueStage(services, { id: s.id, runId: run.runId, runVersion: version, lane: run.lane }, 'validate');
  }
  return out;
}

/** One line saying what a rejudge did (CLI, dashboard, Discord; `code` marks up the version, e.g. in backticks). */
export function describeRejudge(r: RejudgeResult, code: (s: string) => string = (s) => s): string {
  const n = (k: number) => `${k} submission${k === 1 ? '' : 's'}`;
  if (r.count === 0) return `nothing to rejudge: no judged submissions (evaluator ${code(r.evaluatorVersion)})`;
  const one = r.count === 1;
  const parts = [`${n(r.count)} queued for rejudging under evaluator ${code(r.evaluatorVersion)}`];
  if (r.rerun) parts.push(one ? 'it was already judged under this evaluator: every stage runs again and replaces that result' : `${r.rerun} already judged under this evaluator: every stage runs again and replaces that result`);
  if (r.upgraded) parts.push(one ? 'its scores under the older evaluator are kept next to the new ones' : `${r.upgraded} judged under an older evaluator keep those scores next to the new ones`);
  if (r.restarted) parts.push(one ? 'it was not judged yet: its run starts over' : `${r.restarted} not judged yet start over`);
  return `${parts.join('; ')}.`;
}

export async function grantQuota(services: Services, actor: Actor, challengeId: string, personId: string, extra: number) {
  const { db } = services;
  await requireOrganizer(db, actor);
  if (!Number.isInteger(extra) || extra === 0 || Math.abs(extra) > 1000) throw new AdminError('extra must be a non-zero whole number of submissions (at most 1000)');
  await getChallenge(db, challengeId, services.config.CHALLENGES_DIR);
  const grant = await db.quotaGrant.create({ data: { challengeId, personId, extra, reason: actor.reason, grantedById: actor.actorId } });
  await audit(db, actor, 'quota.grant', { type: 'person', id: personId }, null, { challengeId, extra, grantId: grant.id });
  return grant;
}

/**
 * A learner marks (or unmarks) a submission as one of their final picks for the private board.
 * Only while the challenge accepts submissions, only their own judged submissions, at most the
 * challenge's limit.
 */
export async function selectFinal(services: Services, personId: string, submissionId: string, final: boolean): Promise<void> {
  const { db } = services;
  const sub = await db.submission.findUnique({ where: { id: submissionId } });
  if (!sub || sub.personId !== personId) throw new AdminError(`no submission ${submissionId} of yours`);
  const c = await getChallenge(db, sub.challengeId, services.config.CHALLENGES_DIR);
  const max = c.def.leaderboard.maxFinalSubmissions;
  if (!max) throw new AdminError(`${c.def.title} does not use final-submission selection: your best submission counts`);
  if (!phaseOf(c).accepting) throw new AdminError('final submissions can only be chosen while the challenge is open');
  if (final) {
    if (sub.state !== 'done') throw new AdminError('only a scored submission can be a final pick');
    const who = sub.teamId ? { teamId: sub.teamId } : { personId, teamId: null };
    const chosen = await db.submission.count({ where: { challengeId: sub.challengeId, isFinal: true, ...who, id: { not: submissionId } } });
    if (chosen >= max) throw new AdminError(`you already chose ${max} final submission${max === 1 ? '' : 's'}; unselect one first`);
  }
  await db.submission.update({ where: { id: submissionId }, data: { isFinal: final } });
  await emitEvent(services, { submissionId, challengeId: sub.challengeId, personId, type: 'final-selected', data: { final } });
  await recomputeLeaderboard(services, sub.challengeId);
}

/**
 * Make a person's role follow an outside source of truth (organizer rights from a Discord guild role,
 * checked at every sign-in): grant or withdraw it, audited as the server's doing.
 */
export async function syncRole(db: Db, personId: string, role: 'organizer', holds: boolean, via: string): Promise<void> {
  const had = (await rolesOf(db, personId)).has(role);
  if (holds && !had) {
    await grantRole(db, personId, role);
    await audit(db, { actorId: null, reason: `holds an ${role} role on ${via}` }, 'person.role-grant', { type: 'person', id: personId }, null, { role, via: via.toLowerCase() });
  } else if (!holds && had) {
    await db.personRole.delete({ where: { personId_role: { personId, role } } });
    await audit(db, { actorId: null, reason: `no longer holds an ${role} role on ${via}` }, 'person.role-revoke', { type: 'person', id: personId }, { role }, null);
  }
}
