/**
 * Every queue TinyArena uses and the payload each carries, in one place.
 *
 * Jobs carry ids only; the database holds everything else (so a job can be re-run at any time and
 * a rejudge is "enqueue the same id again"). Payloads are validated with zod both when enqueued and
 * when processed, so a malformed job fails loudly instead of doing half a stage.
 */
import { Queue, type JobsOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import { z } from 'zod';

const submissionJob = z.object({
  submissionId: z.string().min(1),
  /** The run this job belongs to (a fencing token: jobs of a superseded run do nothing). */
  runId: z.string().min(1),
  /** Evaluator version the run is judged under (results are stored per version). */
  evaluatorVersion: z.string().min(1),
});

/** Queue name → payload schema. Adding a queue means adding a line here. */
export const queuePayloads = {
  /** Preflight: parse the model, check format, ops, size, arena, MACs against the challenge. */
  validate: submissionJob,
  /** Run the held-out set through the bit-exact engine and compute metrics. */
  score: submissionJob,
  /** Run on a board of the rack: outputs must match the host's; measure latency. */
  device: submissionJob,
  /** Rank, update leaderboards, notify. */
  publish: submissionJob,
  /** Triage a new forum topic. */
  triage: z.object({ topicId: z.number().int().positive() }),
  /** Housekeeping jobs. */
  maintenance: z.discriminatedUnion('task', [
    z.object({
      task: z.literal('blob-sweep'),
      /** Only blobs older than this are considered orphans (uploads in flight are younger). */
      minAgeMs: z.number().int().nonnegative().default(60 * 60 * 1000),
    }),
    /** Find submissions whose job is missing, failed for good or stuck, and fix them. */
    z.object({ task: z.literal('reap') }),
    /** Report forum topics nobody answered to the moderators (Discourse). */
    z.object({ task: z.literal('unanswered-report') }),
  ]),
} as const;

export type QueueName = keyof typeof queuePayloads;
export type JobPayload<Q extends QueueName> = z.output<(typeof queuePayloads)[Q]>;
export type JobInput<Q extends QueueName> = z.input<(typeof queuePayloads)[Q]>;

/** Validate a payload for a queue. @throws ZodError naming the bad field. */
export function parsePayload<Q extends QueueName>(queue: Q, data: unknown): JobPayload<Q> {
  return queuePayloads[queue].parse(data) as JobPayload<Q>;
}

/** Priority lanes: BullMQ runs lower numbers first. */
export const PRIORITY = { fresh: 1, rejudge: 10, background: 20 } as const;

/** Typed access to the queues, sharing one Redis connection for producers. */
export class Queues {
  private readonly open = new Map<QueueName, Queue>();

  /** @param onError where the queues' connection errors go (BullMQ prints unheard ones to the console). */
  constructor(
    private readonly connection: Redis,
    readonly prefix: string,
    private readonly onError: (err: Error) => void = () => undefined,
  ) {}

  get<Q extends QueueName>(name: Q): Queue<JobPayload<Q>> {
    let q = this.open.get(name);
    if (!q) {
      q = new Queue(name, { connection: this.connection, prefix: this.prefix });
      q.on('error', this.onError);
      this.open.set(name, q);
    }
    return q as Queue<JobPayload<Q>>;
  }

  /** Validate and enqueue. */
  async add<Q extends QueueName>(name: Q, payload: JobInput<Q>, opts?: JobsOptions) {
    const data = parsePayload(name, payload);
    // BullMQ's job-name generics do not narrow through Q; the payload is validated above.
    const queue = this.get(name) as unknown as Queue;
    return queue.add(name, data, { removeOnComplete: { age: 7 * 24 * 3600, count: 10_000 }, removeOnFail: { age: 30 * 24 * 3600 }, ...opts });
  }

  async close(): Promise<void> {
    await Promise.all([...this.open.values()].map((q) => q.close()));
    this.open.clear();
  }
}
