import { utimesSync } from 'node:fs';
import { QueueEvents } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { sweepBlobs } from '../../core/blob-sweep.js';
import { connectRedis } from '../../core/redis.js';
import type { Services } from '../../core/services.js';
import { defineProcessor } from '../../worker/processor.js';
import { WorkerPool } from '../../worker/workers.js';
import { waitFor } from '../helpers/process.js';
import { testServices } from '../helpers/services.js';

async function seedBlobs(s: Services) {
  const old = new Date(Date.now() - 2 * 3600 * 1000);
  const age = (sha: string) => utimesSync(s.blobs.path(sha), old, old);
  const orphanFile = await s.blobs.putBytes(Buffer.from('orphan file'), { maxBytes: 100 });
  const fresh = await s.blobs.putBytes(Buffer.from('upload in flight'), { maxBytes: 100 });
  const unused = await s.blobs.putBytes(Buffer.from('unused row'), { maxBytes: 100 });
  const used = await s.blobs.putBytes(Buffer.from('used by a submission'), { maxBytes: 100 });
  for (const b of [orphanFile, unused, used]) age(b.sha256);
  await s.db.blob.create({ data: { sha256: unused.sha256, sizeBytes: unused.sizeBytes, kind: 'unknown', createdAt: old } });
  await s.db.blob.create({ data: { sha256: used.sha256, sizeBytes: used.sizeBytes, kind: 'unknown', createdAt: old } });
  const person = await s.db.person.create({ data: { handle: 'lee', displayName: 'Lee' } });
  await s.db.challenge.create({ data: { id: 'c1', title: 'C1', task: 'kws', definition: '', definitionHash: '' } });
  await s.db.submission.create({ data: { challengeId: 'c1', personId: person.id, blobSha256: used.sha256, kind: 'model', fileName: 'm.tflite', source: 'cli' } });
  return { orphanFile, fresh, unused, used };
}

describe('worker pool on real Redis', () => {
  it('runs the scheduled blob sweep through the queue', async () => {
    const s = await testServices();
    const pool = new WorkerPool(s);
    await pool.start();
    try {
      // The schedule's first run starts at once; let it pass before seeding.
      await waitFor(async () => (await s.queues.get('maintenance').getCompletedCount()) >= 1, 10_000, 'the first scheduled sweep');
      const b = await seedBlobs(s);
      const events = new QueueEvents('maintenance', { connection: connectRedis(s.redisHandle, 'events'), prefix: s.config.QUEUE_PREFIX });
      await events.waitUntilReady();
      const job = await s.queues.add('maintenance', { task: 'blob-sweep' });
      const result: unknown = await job.waitUntilFinished(events, 20_000);
      expect(result).toEqual({ deletedFiles: 1, deletedRows: 1 });
      expect(await s.blobs.has(b.orphanFile.sha256)).toBe(false);
      expect(await s.blobs.has(b.unused.sha256)).toBe(false);
      expect(await s.blobs.has(b.fresh.sha256)).toBe(true);
      expect(await s.blobs.has(b.used.sha256)).toBe(true);
      expect(await s.db.blob.count()).toBe(1);
      // The recurring schedule is registered.
      const schedulers = await s.queues.get('maintenance').getJobSchedulers();
      expect(schedulers.map((j) => j.key)).toContain('blob-sweep');
      // The first sweep, this one, and the reaper's first runs.
      expect(pool.health()).toMatchObject({ ok: true, state: 'running', failed: 0 });
      expect((pool.health() as unknown as { completed: number }).completed).toBeGreaterThanOrEqual(2);
      await events.close();
    } finally {
      await pool.stop();
    }
    expect(pool.health()).toMatchObject({ ok: false, state: 'stopped' });
  });

  it('fails a malformed job once, without retries', async () => {
    const s = await testServices();
    const pool = new WorkerPool(s);
    await pool.start();
    try {
      // Listen before adding: the job can fail before a late listener subscribes.
      const events = new QueueEvents('maintenance', { connection: connectRedis(s.redisHandle, 'events'), prefix: s.config.QUEUE_PREFIX });
      await events.waitUntilReady();
      // Bypass the typed producer to simulate a job written by something else.
      const job = await s.queues.get('maintenance').add('bad', { task: 'rm -rf' } as never, { attempts: 3 });
      await expect(job.waitUntilFinished(events, 20_000)).rejects.toThrow(/invalid maintenance payload: task/);
      const after = await s.queues.get('maintenance').getJob(job.id!);
      expect(after?.attemptsMade).toBe(1);
      await events.close();
    } finally {
      await pool.stop();
    }
  });

  it('a job past its time limit fails and its work is told to stop (the signal fires with the timeout)', async () => {
    const s = await testServices();
    let seen: AbortSignal | undefined;
    let stoppedWith: unknown;
    const stuck = defineProcessor({
      queue: 'triage',
      timeoutMs: 300,
      process(_payload, _job, _services, signal) {
        seen = signal;
        // Long work that honours the signal: it stops when abandoned, rather than going on unobserved.
        return new Promise((_, reject) =>
          signal.addEventListener('abort', () => {
            stoppedWith = signal.reason;
            reject(new Error('stopped'));
          }, { once: true }),
        );
      },
    });
    const pool = new WorkerPool(s, [stuck]);
    await pool.start();
    try {
      await s.queues.add('triage', { topicId: 8 }, { attempts: 1 });
      await waitFor(async () => (await s.queues.get('triage').getFailedCount()) === 1, 10_000, 'the job to fail');
      expect(seen?.aborted).toBe(true);
      expect((stoppedWith as Error).message).toMatch(/triage job timed out after 300 ms/);
      const [failed] = await s.queues.get('triage').getFailed();
      expect(failed!.failedReason).toMatch(/timed out after 300 ms/);
    } finally {
      await pool.stop();
    }
  });

  it('lets a running job finish before stopping', async () => {
    const s = await testServices();
    let finished = false;
    let started!: () => void;
    const running = new Promise<void>((r) => (started = r));
    const slow = defineProcessor({
      queue: 'triage',
      async process() {
        started();
        await new Promise((r) => setTimeout(r, 500));
        finished = true;
        return 'done';
      },
    });
    const pool = new WorkerPool(s, [slow]);
    await pool.start();
    await s.queues.add('triage', { topicId: 7 });
    await running;
    await pool.stop();
    expect(finished).toBe(true);
    expect(await s.queues.get('triage').getCompletedCount()).toBe(1);
  });

  it('sweepBlobs leaves everything young alone', async () => {
    const s = await testServices();
    await seedBlobs(s);
    expect(await sweepBlobs(s.db, s.blobs, { minAgeMs: 24 * 3600 * 1000, now: new Date() })).toEqual({ deletedFiles: 0, deletedRows: 0 });
  });
});
