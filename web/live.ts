/**
 * Live progress for browsers: one Redis subscription per web process (arena/events.ts),
 * fanned out to Server-Sent-Events streams per submission, and per challenge for leaderboard pages
 * (only that something changed the board: a result published, a disqualification, a final pick).
 * Started on first use, closed with the server.
 */
import type { Response } from 'express';
import { subscribeEvents, type EventSubscription } from '../arena/event-feed.js';
import type { ProgressEvent } from '../arena/events.js';
import type { Services } from '../core/services.js';

/** Events after which a challenge's leaderboard is recomputed. */
const BOARD_EVENTS = new Set<ProgressEvent['type']>(['done', 'disqualified', 'requalified', 'final-selected']);

export class LiveEvents {
  private readonly watchers = new Map<string, Set<(ev: ProgressEvent) => void>>();
  private sub: Promise<EventSubscription> | null = null;

  constructor(private readonly services: Services) {}

  private ensure(): Promise<EventSubscription> {
    this.sub ??= subscribeEvents(this.services.redisHandle, this.services.config.QUEUE_PREFIX, (ev) => {
      for (const fn of this.watchers.get(ev.submissionId) ?? []) fn(ev);
      if (BOARD_EVENTS.has(ev.type)) for (const fn of this.watchers.get(`challenge:${ev.challengeId}`) ?? []) fn(ev);
    });
    return this.sub;
  }

  /** Stream a submission's events to an SSE response until the client goes away. */
  async stream(submissionId: string, res: Response): Promise<void> {
    await this.open(submissionId, res, (ev) => `event: progress\ndata: ${JSON.stringify({ type: ev.type, data: ev.data ?? {}, at: ev.at })}\n\n`);
  }

  /** Tell a leaderboard page that its board may have changed (no details: the page re-reads it). */
  async streamChallenge(challengeId: string, res: Response): Promise<void> {
    await this.open(`challenge:${challengeId}`, res, (ev) => `event: board\ndata: ${JSON.stringify({ type: ev.type, at: ev.at })}\n\n`);
  }

  private async open(key: string, res: Response, format: (ev: ProgressEvent) => string): Promise<void> {
    await this.ensure();
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    res.write('retry: 3000\n\n');
    const send = (ev: ProgressEvent) => res.write(format(ev));
    let set = this.watchers.get(key);
    if (!set) this.watchers.set(key, (set = new Set()));
    set.add(send);
    // Proxies drop silent connections; a comment line every 25 s keeps it open.
    const keepAlive = setInterval(() => res.write(': keep-alive\n\n'), 25_000);
    res.on('close', () => {
      clearInterval(keepAlive);
      set.delete(send);
      if (set.size === 0) this.watchers.delete(key);
    });
  }

  async close(): Promise<void> {
    const sub = this.sub;
    this.sub = null;
    this.watchers.clear();
    if (sub) await (await sub).close();
  }
}
