/**
 * Progress events: stored in the database (the history a report shows) and published on Redis for
 * live consumers (the bot edits its reply, the web page updates; they subscribe through
 * event-feed.ts). Publishing is best-effort: the database row is the record, and a consumer that
 * missed a message can read it there.
 */
import type { Services } from '../core/services.js';
import { toJson } from './json.js';

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
