/**
 * The moderators' review queue: list the bot's proposals, approve (optionally edited) or dismiss them.
 * Approval applies the proposal to the forum (tags merged with the topic's current ones, because the
 * API replaces the list; the drafted answer posted as a reply) and, for courseware bugs, opens the
 * GitHub issue. Every applied action goes to the audit log. Data and functions for the web UI.
 */
import type { Services } from '../../core/services.js';
import { audit } from '../../arena/admin.js';
import { openCoursewareIssue } from './github.js';
import { discourseClient } from './client.js';
import { recordDecision } from './learning.js';
import { KINDS } from './triage/types.js';

/** Refused review (unknown decision, already reviewed, not a moderator, bad edit). */
export class ReviewError extends Error {
  override name = 'ReviewError';
}

/** Who reviews: a person with the moderator or admin role, or the server console (null). */
export interface Reviewer {
  personId: string | null;
  reason?: string;
}

/** What a moderator may change before approving. */
export interface ReviewEdits {
  kind?: string;
  courseSection?: string | null;
  tags?: string[];
  answerDraft?: string | null;
}

/** Proposals waiting for review, oldest first, with their topics. */
export async function listProposals(services: Services, opts: { status?: 'proposed' | 'approved' | 'edited' | 'dismissed' | 'published'; limit?: number } = {}) {
  return services.db.triageDecision.findMany({ where: { status: opts.status ?? 'proposed' }, orderBy: { createdAt: 'asc' }, take: opts.limit ?? 50, include: { topic: true } });
}

/** One proposal, or null. */
export async function getProposal(services: Services, id: string) {
  return services.db.triageDecision.findUnique({ where: { id } });
}

async function requireModerator(services: Services, r: Reviewer): Promise<void> {
  if (r.personId === null) return;
  const roles = await services.db.personRole.findMany({ where: { personId: r.personId } });
  if (!roles.some((x) => x.role === 'moderator' || x.role === 'admin')) throw new ReviewError('only moderators can review triage proposals');
}

/**
 * Dismiss a proposal: nothing is applied. The classifier learns that the post is not of the proposed
 * kind, or, when the moderator names the right kind, that it is of that kind.
 */
export async function dismissProposal(services: Services, decisionId: string, reviewer: Reviewer, opts: { kind?: string } = {}): Promise<void> {
  if (opts.kind !== undefined && !(KINDS as readonly string[]).includes(opts.kind)) throw new ReviewError(`unknown kind ${opts.kind}`);
  await requireModerator(services, reviewer);
  const d = await services.db.triageDecision.findUnique({ where: { id: decisionId } });
  if (!d) throw new ReviewError(`no triage proposal ${decisionId}`);
  if (d.status !== 'proposed') throw new ReviewError(`proposal ${decisionId} is already ${d.status}`);
  await services.db.triageDecision.update({ where: { id: decisionId }, data: { status: 'dismissed', reviewerId: reviewer.personId, reviewedAt: new Date() } });
  await audit(services.db, { actorId: reviewer.personId, reason: reviewer.reason ?? 'dismissed' }, 'triage.dismiss', { type: 'triage-decision', id: decisionId }, { status: d.status }, { status: 'dismissed', ...(opts.kind ? { kind: opts.kind } : {}) });
  const named = opts.kind && opts.kind !== d.kind ? opts.kind : undefined;
  await recordDecision(services, d, { source: 'dismissed', kind: named ?? d.kind, courseSection: null, negative: !named });
}

/** What approving did. */
export interface ApplyResult {
  status: 'approved' | 'edited' | 'published';
  tags?: string[];
  replyPostId?: number;
  githubIssue?: { number: number; url: string };
  /** A spam topic was unlisted. */
  hidden?: boolean;
}

/** Approve a proposal (with edits) and apply it. */
export async function approveProposal(services: Services, decisionId: string, reviewer: Reviewer, edits: ReviewEdits = {}): Promise<ApplyResult> {
  await requireModerator(services, reviewer);
  const { db } = services;
  const d = await db.triageDecision.findUnique({ where: { id: decisionId }, include: { topic: true } });
  if (!d) throw new ReviewError(`no triage proposal ${decisionId}`);
  if (d.status !== 'proposed') throw new ReviewError(`proposal ${decisionId} is already ${d.status}`);
  if (edits.kind !== undefined && !(KINDS as readonly string[]).includes(edits.kind)) throw new ReviewError(`unknown kind ${edits.kind}`);
  const edited = Object.values(edits).some((v) => v !== undefined);
  const final = {
    kind: edits.kind ?? d.kind,
    courseSection: edits.courseSection !== undefined ? edits.courseSection : d.courseSection,
    tags: edits.tags ?? (Array.isArray(d.tags) ? d.tags.filter((t): t is string => typeof t === 'string') : []),
    answerDraft: edits.answerDraft !== undefined ? edits.answerDraft : d.answerDraft,
  };
  // Claim the proposal first, so two moderators approving at once apply it once.
  const claimed = await db.triageDecision.updateMany({ where: { id: decisionId, status: 'proposed' }, data: { ...final, status: edited ? 'edited' : 'approved', reviewerId: reviewer.personId, reviewedAt: new Date() } });
  if (claimed.count === 0) throw new ReviewError(`proposal ${decisionId} was reviewed meanwhile`);
  const actor = { actorId: reviewer.personId, reason: reviewer.reason ?? 'triage proposal approved' };
  await audit(db, actor, edited ? 'triage.approve-edited' : 'triage.approve', { type: 'triage-decision', id: decisionId }, { kind: d.kind, courseSection: d.courseSection, tags: d.tags, answerDraft: d.answerDraft }, final);
  // Auto-applied proposals are the bot's own decision, not a moderator's: nothing to learn from them.
  if (reviewer.personId !== null || !reviewer.reason?.startsWith('auto-applied')) await recordDecision(services, d, { source: edits.kind !== undefined && edits.kind !== d.kind ? 'edited' : 'approved', kind: final.kind, courseSection: final.courseSection, negative: false });

  const result: ApplyResult = { status: edited ? 'edited' : 'approved' };
  const client = discourseClient(services);
  if (client) {
    const current = (await client.getTopic(d.topicId)).tags;
    const merged = [...new Set([...current, ...final.tags])];
    if (merged.length !== current.length) {
      await client.request('PUT', `/t/-/${d.topicId}.json`, { tags: merged });
      await audit(db, actor, 'discourse.tags', { type: 'forum-topic', id: String(d.topicId) }, current, merged);
    }
    result.tags = merged;
    if (final.kind === 'spam') {
      // Spam is unlisted at once (moderators can still see it, and delete or restore it).
      await client.request('PUT', `/t/${d.topicId}/status.json`, { status: 'visible', enabled: 'false' });
      await audit(db, actor, 'discourse.hide', { type: 'forum-topic', id: String(d.topicId) }, { visible: true }, { visible: false });
      result.hidden = true;
    }
    if (final.answerDraft && !d.abstained && final.kind !== 'courseware-bug') {
      const post = await client.request<{ id: number }>('POST', '/posts.json', { topic_id: d.topicId, raw: `${final.answerDraft}\n\n<small>Drafted from the course material by TinyArena and checked by a moderator.</small>` });
      result.replyPostId = post.id;
      await audit(db, actor, 'discourse.reply', { type: 'forum-topic', id: String(d.topicId) }, null, { postId: post.id });
    }
  }
  if (final.kind === 'courseware-bug') {
    const issue = await openCoursewareIssue(services, reviewer.personId, d.topic, final.courseSection);
    if (issue) result.githubIssue = { number: issue.number, url: issue.url };
  }
  if (client || result.githubIssue) {
    await db.triageDecision.update({ where: { id: decisionId }, data: { status: 'published' } });
    result.status = 'published';
  }
  return result;
}
