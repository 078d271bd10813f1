/**
 * POST /webhooks/discourse: verify the signature over the raw body, drop replays and redeliveries, store
 * new topics and queue their triage, and answer at once (Discourse retries slow or failed deliveries).
 *
 * Replay vs redelivery: Discourse gives every delivery attempt a new X-Discourse-Event-Id, so an event id
 * seen before is a replayed request (rejected, 409); the same post id + version under a new event id is
 * a redelivery (acknowledged, processed once). Accepted solutions (discourse-solved) are learned at once:
 * one database write, and a redelivery overwrites the same entry.
 */
import express, { Router, type Request, type Response } from 'express';
import type { WebContext } from '../../web/context.js';
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
  /** The author's Discourse trust level (0 = new user). */
  trust_level?: number;
}

function isPost(v: unknown): v is PostPayload {
  const p = v as Partial<PostPayload> | null;
  return !!p && typeof p === 'object' && Number.isInteger(p.id) && Number.isInteger(p.topic_id) && Number.isInteger(p.post_number);
}

/** Markdown source when Discourse sends it, else the cooked HTML stripped of tags. */
const bodyOf = (p: PostPayload) => p.raw ?? (p.cooked ?? '').replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim();

export function discourseWebhookRoutes(ctx: WebContext): Router {
  const router = Router();
  const { config, redis, db, queues, logger } = ctx.services;
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
    const event = req.get('x-discourse-event') ?? '';
    const eventId = req.get('x-discourse-event-id');
    if (eventId && (await redis.set(key('event', eventId), '1', 'EX', SEEN_TTL_S, 'NX')) === null) {
      res.status(409).json({ error: `event ${eventId} was already delivered` });
      return;
    }
    // Discourse pings the endpoint when a webhook is saved.
    if (event === 'ping') {
      res.status(200).json({ status: 'pong' });
      return;
    }
    if (event === 'accepted_solution' || event === 'solved_accepted_solution') {
      // discourse-solved sends the accepted post; it becomes a citable forum entry.
      const solution = payload.solved ?? payload.post;
      if (!isPost(solution)) {
        res.status(400).json({ error: 'accepted_solution without a post' });
        return;
      }
      const id = await learnSolution(ctx.services, { topicId: solution.topic_id, topicTitle: solution.topic_title, topicSlug: solution.topic_slug, answer: bodyOf(solution) });
      // The solved topic is also a labelled example for the triage classifier.
      await recordSolution(ctx.services, solution.topic_id);
      res.status(200).json({ status: 'learned', id });
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
      await redis.del(seen);
      logger.error({ err, topicId: post.topic_id }, 'could not queue a forum topic for triage');
      res.status(500).json({ error: 'could not queue the topic' });
    }
  });
  return router;
}
