/**
 * Progress events: stored in the database (the history a report shows) and published on Redis for
 * live consumers (the bot edits its reply, the web page updates). Publishing is best-effort: the
 * database row is the record, and a consumer that missed a message can read it there.
 */
import type { Redis } from 'ioredis';
import type { Services } from '../core/services.js';
import { toJson } from './json.js';
import { connectRedis, type RedisHandle } from '../core/redis.js';

export type EventType =
  | 'queued'
  | 'rejected'
  | 'stage-started'
  | 'stage-progress'
  | 'stage-finished'
  | 'retrying'
  | 'done'
  | 'failed'
  | 'requeued'
  | 'rejudge'
  | 'disqualified'
  | 'requalified'
  | 'final-selected';

export interface ProgressEvent {
  submissionId: string;
  challengeId: string;
  personId: string;
  type: EventType;
  data?: Record<string, unknown>;
  at: string;
}

export const eventsChannel = (prefix: string) => `${prefix}:events`;

type EmitServices = Pick<Services, 'db' | 'redis' | 'config' | 'logger'>;

export async function emitEvent(s: EmitServices, ev: Omit<ProgressEvent, 'at'>): Promise<ProgressEvent> {
  const full: ProgressEvent = { ...ev, at: new Date().toISOString() };
  await s.db.submissionEvent.create({ data: { submissionId: ev.submissionId, type: ev.type, data: toJson(ev.data ?? {}) } });
  try {
    await s.redis.publish(eventsChannel(s.config.QUEUE_PREFIX), JSON.stringify(full));
  } catch (err) {
    s.logger.warn({ err: (err as Error).message, type: ev.type }, 'could not publish a progress event (stored in the database)');
  }
  return full;
}

export interface EventSubscription {
  close(): Promise<void>;
}

/** Subscribe to every submission's events (filter by id in the callback). */
export async function subscribeEvents(handle: RedisHandle, prefix: string, onEvent: (ev: ProgressEvent) => void): Promise<EventSubscription> {
  const sub: Redis = connectRedis(handle, 'tinyarena:events');
  sub.on('error', () => undefined);
  sub.on('message', (_channel: string, message: string) => {
    try {
      onEvent(JSON.parse(message) as ProgressEvent);
    } catch {
      // A malformed message from elsewhere on the channel is ignored.
    }
  });
  await sub.subscribe(eventsChannel(prefix));
  return { close: async () => void (await sub.quit().catch(() => sub.disconnect())) };
}
