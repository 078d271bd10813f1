/**
 * The live side of progress events: a Redis subscription to every submission's events (events.ts
 * publishes them). Apart from events.ts so that emitting one (intake, the stages) does not load the
 * Redis connection helpers.
 */
import type { Redis } from 'ioredis';
import { connectRedis, type RedisHandle } from '../core/redis.js';
import { eventsChannel, type ProgressEvent } from './events.js';

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
