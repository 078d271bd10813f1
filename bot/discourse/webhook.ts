/**
 * POST /webhooks/discourse: verify the signature over the raw body, drop replays and redeliveries, store
 * new topics and queue their triage, and answer at once (Discourse retries slow or failed deliveries).
 *
 * Discourse signs only the body: the headers are anyone's to change. So the event kind is taken from
 * what the signed body proves (discourse-solved's accepted post carries `accepted_answer: true`, a ping
 * is `{"ping": …}`); a body that does not fit the claimed X-Discourse-Event is refused. Every delivery
 * must carry X-Discourse-Event-Id: an event id seen before is a replayed request (409); a body seen
 * before (its SHA-256) under a new event id is a redelivery, acknowledged and processed once — so a
 * captured body re-sent under another id or another claimed kind does nothing. The same post id +
 * version is one topic however its body varies. Accepted solutions are learned at once (one database
 * write).
 */
import { createHash } from 'node:crypto';
import express, { Router, type Request, type Response } from 'express';
import type { Services } from '../../core/services.js';
import { learnSolution } from './learn.js';
import { recordSolution } from './learning.js';
import { verifySignature } from './signature.js';

/** How long delivery ids are remembered (Discourse stops retrying long before). */
const SEEN_TTL_S = 30 * 24 * 3600;

interface PostPayload {
  id: number;
  topic_id: number;
  post_number: number;
  version?: number;
  raw?: string;
  cooked?: string;
  username?: string;
  topic_title?: string;
  topic_slug?: string;
  category_slug?: string;
  created_at?: string;
  /** discourse-solved: this post is the topic's accepted answer. */
  accepted_answer?: boolean;
  /** The author's Discourse trust level (0 = new user). */
  trust_level?: number;
}

function isPost(v: unknown): v is PostPayload {
  const p = v as Partial<PostPayload> | null;
  return !!p && typeof p === 'object' && Number.isInteger(p.id) && Number.isInteger(p.topic_id) && Number.isInteger(p.post_number);
}

type ProvenKind = 'ping' | 'accepted_solution' | 'post' | 'other';

/** What kind of event the signed body itself shows. */
function provenKind(payload: Record<string, unknown>): ProvenKind {
  if ('ping' in payload) return 'ping';
  if (isPost(payload.solved) || (isPost(payload.post) && payload.post.accepted_answer === true)) return 'accepted_solution';
  if (isPost(payload.post)) return 'post';
  return 'other';
}

/** The kind a claimed X-Discourse-Event needs its body to prove (null: an event this endpoint ignores). */
function neededKind(event: string): ProvenKind | null {
  if (event === 'ping') return 'ping';
  if (event === 'accepted_solution' || event === 'solved_accepted_solution') return 'accepted_solution';
  if (event === 'post_created') return 'post';
  return null;
}

/** Markdown source when Discourse sends it, else the cooked HTML stripped of tags. */
const bodyOf = (p: PostPayload) => p.raw ?? (p.cooked ?? '').replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim();

export function discourseWebhookRoutes(services: Services): Router {
  const router = Router();
  const { config, redis, db, queues, logger } = services;
  const key = (...parts: (string | number)[]) => [config.QUEUE_PREFIX, 'discourse', ...parts].join(':');

  router.post('/webhooks/discourse', express.raw({ type: () => true, limit: '2mb' }), async (req: Request, res: Response) => {
    const secret = config.DISCOURSE_WEBHOOK_SECRET;
    if (!secret) {
      res.status(404).json({ error: 'Discourse is not configured' });
      return;
    }
    const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    if (!verifySignature(secret, raw, req.get('x-discourse-event-signature'))) {
      res.status(401).json({ error: 'bad or missing X-Discourse-Event-Signature' });
      return;
    }
    let payload: Record<string, unknown>;
    try {
      payload = JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
    } catch {
      res.status(400).json({ error: 'body is not JSON' });
      return;
    }
    // Signed does not mean well-formed: every Discourse event body is a JSON object.
    if (!payload || typeof payload !== 'object' || Array.isArray(payload)) {
      res.status(400).json({ error: 'body must be a JSON object' });
      return;
    }
    const event = req.get('x-discourse-event') ?? '';
    const eventId = req.get('x-discourse-event-id') ?? '';
    if (!/^[\w.:-]{1,100}$/.test(eventId)) {
      res.status(400).json({ error: 'X-Discourse-Event-Id is required (the delivery id Discourse sends)' });
      return;
    }
    const needed = neededKind(event);
    if (needed && provenKind(payload) !== needed) {
      res.status(400).json({ error: `the signed body does not fit X-Discourse-Event: ${event}` });
      return;
    }
    if ((await redis.set(key('event', eventId), '1', 'EX', SEEN_TTL_S, 'NX')) === null) {
      res.status(409).json({ error: `event ${eventId} was already delivered` });
      return;
    }
    // Discourse pings the endpoint when a webhook is saved.
    if (needed === 'ping') {
      res.status(200).json({ status: 'pong' });
      return;
    }
    const bodyKey = key('body', createHash('sha256').update(raw).digest('hex'));
    if ((await redis.set(bodyKey, '1', 'EX', SEEN_TTL_S, 'NX')) === null) {
      res.status(200).json({ status: 'duplicate' });
      return;
    }
    if (needed === 'accepted_solution') {
      // discourse-solved sends the accepted post; it becomes a citable forum entry.
      const solution = (isPost(payload.solved) ? payload.solved : payload.post) as PostPayload;
      try {
        const id = await learnSolution(services, { topicId: solution.topic_id, topicTitle: solution.topic_title, topicSlug: solution.topic_slug, answer: bodyOf(solution) });
        // The solved topic is also a labelled example for the triage classifier.
        await recordSolution(services, solution.topic_id);
        res.status(200).json({ status: 'learned', id });
      } catch (err) {
        // Let Discourse's retry try again: forget this delivery.
        await redis.del(bodyKey);
        throw err;
      }
      return;
    }
    const post = payload.post;
    if (event !== 'post_created' || !isPost(post) || post.post_number !== 1) {
      res.status(200).json({ status: 'ignored', event });
      return;
    }
    const seen = key('post', post.id, post.version ?? 1);
    if ((await redis.set(seen, '1', 'EX', SEEN_TTL_S, 'NX')) === null) {
      res.status(200).json({ status: 'duplicate' });
      return;
    }
    try {
      const base = (config.DISCOURSE_URL ?? '').replace(/\/+$/, '');
      const topic = {
        title: post.topic_title ?? '',
        body: bodyOf(post),
        authorUsername: post.username ?? '',
        url: `${base}/t/${post.topic_slug ?? 'topic'}/${post.topic_id}`,
        categorySlug: post.category_slug ?? null,
        postedAt: post.created_at ? new Date(post.created_at) : new Date(),
        authorTrustLevel: typeof post.trust_level === 'number' ? post.trust_level : null,
      };
      await db.forumTopic.upsert({ where: { id: post.topic_id }, create: { id: post.topic_id, ...topic }, update: topic });
      await queues.add('triage', { topicId: post.topic_id }, { jobId: `triage-${post.topic_id}-${post.version ?? 1}`, attempts: 3, backoff: { type: 'exponential', delay: 5000 } });
      res.status(202).json({ status: 'queued', topicId: post.topic_id });
    } catch (err) {
      // Let Discourse's retry try again: forget this delivery.
      await redis.del(seen, bodyKey);
      logger.error({ err, topicId: post.topic_id }, 'could not queue a forum topic for triage');
      res.status(500).json({ error: 'could not queue the topic' });
    }
  });
  return router;
}
