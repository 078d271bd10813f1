/**
 * What the forum knows about a new topic beyond its text, gathered at the I/O edge for the pure triage
 * signals: the author's trust level (webhook payload) and post count (Discourse user API, when
 * configured), and how many recent topics repeat its sentences (copy-pasted promotions).
 */
import type { Services } from '../../core/services.js';
import type { DiscourseClient } from './client.js';
import { textFingerprint, type PostMeta } from './triage/signals.js';

/** How many recent topics are compared for repeated text. */
const RECENT_TOPICS = 500;

/** Recent topics (other than this one) that share a long sentence with it. */
export async function repeatedText(services: Services, topic: { id: number; title: string; body: string }): Promise<number> {
  const mine = new Set(textFingerprint(topic.title, topic.body));
  if (!mine.size) return 0;
  const recent = await services.db.forumTopic.findMany({ where: { id: { not: topic.id } }, orderBy: { receivedAt: 'desc' }, take: RECENT_TOPICS, select: { title: true, body: true } });
  return recent.filter((t) => textFingerprint(t.title, t.body).some((s) => mine.has(s))).length;
}

/**
 * The author's trust level and post count. The webhook gives the trust level; the post count comes from
 * `GET /u/<username>.json` once per topic (stored on the topic), and is simply unknown without the API.
 */
export async function authorMeta(services: Services, client: DiscourseClient | null, topic: { id: number; authorUsername: string; authorTrustLevel: number | null; authorPostCount: number | null }): Promise<Pick<PostMeta, 'trustLevel' | 'postCount'>> {
  let { authorTrustLevel: trustLevel, authorPostCount: postCount } = topic;
  if (client && postCount === null && topic.authorUsername) {
    try {
      const u = await client.request<{ user?: { post_count?: unknown; trust_level?: unknown } }>('GET', `/u/${encodeURIComponent(topic.authorUsername)}.json`);
      // The new topic's own first post is already counted.
      if (typeof u.user?.post_count === 'number') postCount = Math.max(0, u.user.post_count - 1);
      if (trustLevel === null && typeof u.user?.trust_level === 'number') trustLevel = u.user.trust_level;
      await services.db.forumTopic.update({ where: { id: topic.id }, data: { authorPostCount: postCount, authorTrustLevel: trustLevel } });
    } catch (err) {
      services.logger.warn({ err: (err as Error).message, topicId: topic.id }, 'could not read the author of a forum topic');
    }
  }
  return { trustLevel, postCount };
}
