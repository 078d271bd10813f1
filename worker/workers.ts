/**
 * Runs BullMQ workers for the registered processors: validates payloads, enforces timeouts, reports
 * health, and on stop finishes in-flight jobs within the grace period (what is still running after it
 * is handed back: its lock lapses and BullMQ's stalled-job check gives it to another worker).
 *
 * A job that fails because the database is unreachable (a PostgreSQL restart) does not spend an
 * attempt: it goes back to the delayed set and tries again with backoff (1 s growing to 15 s) until
 * the database is back, for up to {@link DB_OUTAGE_WAIT_MS} of outage; only then do failures count.
 * The outage is logged once, when it begins, and once when a job gets through again.
 */
import { DelayedError, UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { ZodError } from 'zod';
import type { Component, ComponentHealth } from '../core/component.js';
import { parsePayload, type QueueName } from '../core/queues.js';
import { connectRedis } from '../core/redis.js';
import { closeRedis, isConnectionError, redisOutageLog } from '../core/redis-outage.js';
import { jobGraceMs } from '../core/shutdown.js';
import type { Services } from '../core/services.js';
import { isDatabaseUnavailable } from '../core/db/unavailable.js';
import type { Processor } from './processor.js';
import { processors as defaultProcessors } from './registry.js';

/** How long jobs wait out an unreachable database before its errors count as failed attempts. */
export const DB_OUTAGE_WAIT_MS = 15 * 60_000;

export class WorkerPool implements Component {
  readonly name = 'workers';
  private readonly workers = new Map<QueueName, Worker>();
  private connection: Redis | undefined;
  private state: 'idle' | 'running' | 'stopping' | 'stopped' = 'idle';
  private completed = 0;
  private failed = 0;
  private lastError: string | undefined;
  private readonly stopHooks: (() => Promise<void>)[] = [];
  /** When this process first saw the database unreachable in the current outage. */
  private dbDownSince: number | null = null;

  constructor(private readonly services: Services, private readonly processors: readonly Processor[] = defaultProcessors) {}

  async start(): Promise<void> {
    const { config, logger } = this.services;
    // Workers block on Redis; they get their own connection, not the producers' one.
    const outage = redisOutageLog(logger);
    this.connection = outage.watch(connectRedis(this.services.redisHandle, 'tinyarena:workers'), 'workers');
    for (const p of this.processors) {
      const worker = new Worker(p.queue, (job: Job, token?: string) => this.run(p, job, token), {
        connection: this.connection,
        prefix: config.QUEUE_PREFIX,
        concurrency: p.concurrency ?? config.WORKER_CONCURRENCY,
        lockDuration: config.JOB_LOCK_MS,
        stalledInterval: config.JOB_LOCK_MS,
        // A stall (the worker died, or its event loop starved past the lock) is one lost attempt: a
        // job fails for stalling only after as many tries as a failing stage gets.
        maxStalledCount: Math.max(1, config.STAGE_ATTEMPTS - 1),
        autorun: true,
      });
      worker.on('completed', () => this.completed++);
      worker.on('failed', (job, err) => {
        this.failed++;
        this.lastError = `${p.queue}: ${err.message}`;
        logger.warn({ queue: p.queue, jobId: job?.id, err: err.message }, 'job failed');
      });
      // A Redis outage is logged once (core/redis-outage.ts), not by every worker at every retry.
      worker.on('error', (err) => (outage.down || isConnectionError(err) ? outage.error(`worker:${p.queue}`, err) : logger.error({ queue: p.queue, err: err.message }, 'worker error')));
      this.workers.set(p.queue, worker);
    }
    for (const p of this.processors) {
      const stop = await p.onStart?.(this.services);
      if (stop) this.stopHooks.push(stop);
    }
    await this.upsertSchedules();
    // After a Redis restart that lost its data, recurring jobs (the reaper among them) must come back.
    this.connection.on('ready', () => {
      if (this.state === 'running') this.upsertSchedules().catch((err: unknown) => logger.warn({ err: (err as Error).message }, 'could not restore job schedules'));
    });
    await Promise.all([...this.workers.values()].map((w) => w.waitUntilReady()));
    this.state = 'running';
    logger.info({ queues: [...this.workers.keys()] }, 'workers started');
  }

  private async upsertSchedules(): Promise<void> {
    for (const p of this.processors) {
      for (const s of p.schedules?.(this.services.config) ?? []) {
        await this.services.queues.get(p.queue).upsertJobScheduler(s.id, { every: s.everyMs }, { name: s.id, data: s.payload as never });
      }
    }
  }

  private async run(p: Processor, job: Job, token?: string): Promise<unknown> {
    let payload;
    try {
      payload = parsePayload(p.queue, job.data);
    } catch (err) {
      // A malformed job never becomes valid by retrying.
      throw new UnrecoverableError(`invalid ${p.queue} payload: ${err instanceof ZodError ? err.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') : String(err)}`);
    }
    try {
      const result = await this.withTimeout(p, (signal) => p.process(payload, job as never, this.services, signal));
      this.databaseBack();
      return result;
    } catch (err) {
      // "Not now" (the job was moved back to the delayed set): not a failure.
      if (err instanceof DelayedError) throw err;
      if (token && isDatabaseUnavailable(err) && (await this.waitForDatabase(p, job, token, err))) throw new DelayedError();
      if (p.onFailed) {
        const e = err instanceof Error ? err : new Error(String(err));
        const final = e instanceof UnrecoverableError || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
        try {
          await p.onFailed(payload, e, final, this.services);
        } catch (hookErr) {
          // The reaper finishes the submission later; the job's own error is what matters here.
          this.services.logger.error({ queue: p.queue, jobId: job.id, err: (hookErr as Error).message }, 'failure hook failed');
        }
      }
      throw err;
    }
  }

  /**
   * The database is unreachable: put the job back (delayed, no attempt spent) unless the outage has
   * lasted past {@link DB_OUTAGE_WAIT_MS}. False when the job should fail as usual.
   */
  private async waitForDatabase(p: Processor, job: Job, token: string, err: unknown): Promise<boolean> {
    const now = Date.now();
    if (this.dbDownSince === null) {
      this.dbDownSince = now;
      this.services.logger.warn({ queue: p.queue, err: (err as Error).message.split('\n').filter(Boolean).pop() }, 'the database is unreachable; jobs wait for it without spending their attempts');
    }
    const downMs = now - this.dbDownSince;
    if (downMs > DB_OUTAGE_WAIT_MS) return false;
    const delay = Math.min(15_000, Math.max(1_000, Math.round(downMs / 2)));
    try {
      await job.moveToDelayed(now + delay, token);
      return true;
    } catch {
      // Redis is away too (or the lock was lost): the ordinary failure path (and the reaper) take over.
      return false;
    }
  }

  private databaseBack(): void {
    if (this.dbDownSince === null) return;
    this.services.logger.info({ downForMs: Date.now() - this.dbDownSince }, 'the database is reachable again; jobs carry on');
    this.dbDownSince = null;
  }

  /**
   * Run the work with the processor's time limit. At the limit the job fails and the work's signal
   * fires (with the same error), so the work stops too rather than going on unobserved: holding a
   * board, or scoring for nobody.
   */
  private async withTimeout<T>(p: Processor, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const abort = new AbortController();
    if (!p.timeoutMs) return work(abort.signal);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const err = new Error(`${p.queue} job timed out after ${p.timeoutMs} ms`);
        // Settle first: the job fails with the timeout, not with whatever the stopped work throws.
        reject(err);
        abort.abort(err);
      }, p.timeoutMs);
    });
    try {
      const running = work(abort.signal);
      // The abandoned work's own rejection (it saw the signal) is expected; nobody awaits it.
      running.catch(() => undefined);
      return await Promise.race([running, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  async stop(): Promise<void> {
    if (this.state === 'stopped' || this.state === 'idle') {
      this.state = 'stopped';
      return;
    }
    this.state = 'stopping';
    const grace = jobGraceMs(this.services.config.SHUTDOWN_GRACE_MS);
    const all = [...this.workers.values()];
    const graceful = Promise.all(all.map((w) => w.close()));
    const timedOut = await Promise.race([graceful.then(() => false), new Promise<boolean>((r) => setTimeout(() => r(true), grace).unref())]);
    if (timedOut) {
      this.services.logger.warn({ graceMs: grace }, 'jobs still running after the grace period: handing them back');
      // Forced close still talks to Redis; it must not hold the shutdown when Redis is gone.
      await Promise.race([Promise.all(all.map((w) => w.close(true))), new Promise((r) => setTimeout(r, 2000).unref())]);
    }
    this.workers.clear();
    for (const stop of this.stopHooks.splice(0)) await stop().catch(() => undefined);
    if (this.connection) await closeRedis(this.connection);
    this.state = 'stopped';
  }

  health(): ComponentHealth {
    const queues = Object.fromEntries(
      [...this.workers.entries()].map(([q, w]) => [q, { running: w.isRunning(), paused: w.isPaused(), concurrency: w.concurrency }]),
    );
    return {
      ok: this.state === 'running' && [...this.workers.values()].every((w) => w.isRunning()),
      state: this.state,
      queues,
      completed: this.completed,
      failed: this.failed,
      ...(this.lastError ? { lastError: this.lastError } : {}),
    };
  }
}
