import type { Job } from 'bullmq';
import type { JobPayload, QueueName } from '../core/queues.js';
import type { Config } from '../core/config.js';
import type { Services } from '../core/services.js';

/**
 * A queue processor: thin glue from a job to a service call. The payload is already validated
 * against the queue's schema when `process` runs.
 */
export interface Processor<Q extends QueueName = QueueName> {
  queue: Q;
  /** Jobs of this queue run at once per process (default: WORKER_CONCURRENCY). */
  concurrency?: number;
  /**
   * A job running longer than this is failed (and retried if attempts remain); its `signal` fires
   * then, so the abandoned work stops instead of going on in the background.
   */
  timeoutMs?: number;
  /** Recurring jobs this processor wants (BullMQ job schedulers, upserted at start). */
  schedules?: (config: Config) => { id: string; everyMs: number; payload: JobPayload<Q> }[];
  /** `signal` fires when the job is abandoned (its {@link timeoutMs} passed): long work should stop. */
  process(payload: JobPayload<Q>, job: Job<JobPayload<Q>>, services: Services, signal: AbortSignal): Promise<unknown>;
  /**
   * Called when a job fails. `final`: no attempt is left (or the error is unrecoverable), so the
   * processor must leave its records in a final state (e.g. fail the submission, refund quota).
   */
  onFailed?(payload: JobPayload<Q>, err: Error, final: boolean, services: Services): Promise<void>;
  /** Runs when the worker pool starts; the returned function runs when it stops. */
  onStart?(services: Services): Promise<(() => Promise<void>) | void>;
}

/** Helper that keeps the queue/payload link typed at the definition site. */
export function defineProcessor<Q extends QueueName>(p: Processor<Q>): Processor<Q> {
  return p;
}
