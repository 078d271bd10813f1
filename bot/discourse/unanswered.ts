/**
 * Unanswered topics report: topics older than a given age that still have only their first post are
 * sent to the moderators in one private message (once per topic). Meant to run on a schedule; the age
 * is a parameter so the caller's configuration decides it.
 */
import type { Services } from '../../core/services.js';
import { audit } from '../../arena/admin.js';
import { discourseClient } from './client.js';

export const UNANSWERED_ACTION = 'discourse.unanswered-report';

export interface UnansweredReport {
  reported: number[];
  messagePostId: number | null;
}

/**
 * Report topics posted more than `olderThanMs` ago that nobody answered and that were not reported
 * before. `group` is the Discourse group the message goes to (default `moderators`).
 */
export async function reportUnansweredTopics(services: Services, opts: { olderThanMs: number; now?: Date; group?: string; limit?: number }): Promise<UnansweredReport> {
  const client = discourseClient(services);
  if (!client) return { reported: [], messagePostId: null };
  const { db } = services;
  const cutoff = new Date((opts.now ?? new Date()).getTime() - opts.olderThanMs);
  const done = new Set((await db.auditLog.findMany({ where: { action: UNANSWERED_ACTION }, select: { targetId: true } })).map((a) => a.targetId));
  // Already-reported topics are excluded in the query, so old reported ones never crowd out new ones.
  const candidates = await db.forumTopic.findMany({ where: { postedAt: { lt: cutoff }, id: { notIn: [...done].map(Number) } }, orderBy: { postedAt: 'asc' }, take: opts.limit ?? 100 });
  const stale = [];
  for (const t of candidates) {
    const live = await client.getTopic(t.id);
    if ((live.posts_count ?? 1) <= 1) stale.push(t);
  }
  if (!stale.length) return { reported: [], messagePostId: null };
  const hours = Math.round(opts.olderThanMs / 3_600_000);
  const raw = [`These topics have had no answer for more than ${hours} h:`, '', ...stale.map((t) => `- [${t.title}](${t.url}) by @${t.authorUsername}, posted ${t.postedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC`)].join('\n');
  const post = await client.request<{ id: number }>('POST', '/posts.json', { title: `Unanswered forum topics (${stale.length})`, raw, archetype: 'private_message', target_recipients: opts.group ?? 'moderators' });
  for (const t of stale) await audit(db, { actorId: null, reason: 'unanswered topic report' }, UNANSWERED_ACTION, { type: 'forum-topic', id: String(t.id) }, null, { postId: post.id });
  return { reported: stale.map((t) => t.id), messagePostId: post.id };
}
