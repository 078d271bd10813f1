import { rmSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { changeChallenge, disqualify, grantQuota, rejudge } from '../../arena/admin.js';
import { subscribeEvents } from '../../arena/event-feed.js';
import type { ProgressEvent } from '../../arena/events.js';
import { submit } from '../../arena/intake.js';
import { readLeaderboard } from '../../arena/leaderboard.js';
import { submissionStatus } from '../../arena/status.js';
import { syncChallenges } from '../../arena/catalog.js';
import { WorkerPool } from '../../worker/workers.js';
import { announceRack } from '../../grader/rack/presence.js';
import { stageJobId } from '../../arena/stage-contract.js';
import { runStage } from '../../grader/pipeline/stages.js';
import { waitFor } from '../helpers/process.js';
import { kwsModel, person, pipelineServices, waitSettled, writeChallenge } from '../helpers/pipeline.js';
import { HAVE_SHARED_MODELS } from '../helpers/shared.js';
import { cliOn } from '../helpers/cli.js';
import type { Services } from '../../core/services.js';
import { dirname } from 'node:path';
import { IntakeError } from '../../arena/errors.js';

const console = { actorId: null, reason: 'test' };

async function withWorkers<T>(s: Services, fn: () => Promise<T>): Promise<T> {
  const pool = new WorkerPool(s);
  await pool.start();
  try {
    return await fn();
  } finally {
    await pool.stop();
  }
}

const send = (s: Services, personId: string, body: Uint8Array, fileName = 'model.tflite') => submit(s, { challengeId: 'kws-test', personId, fileName, source: 'cli', body });

describe.skipIf(!HAVE_SHARED_MODELS)('grading pipeline (real Redis, SQLite)', () => {
  it('takes a model through validate → score → device (skipped) → publish, with events and a leaderboard row', async () => {
    const s = await pipelineServices();
    const ada = await person(s, 'ada');
    const seen: ProgressEvent[] = [];
    const sub = await subscribeEvents(s.redisHandle, s.config.QUEUE_PREFIX, (e) => seen.push(e));
    try {
      const res = await send(s, ada.id, kwsModel());
      expect(res).toMatchObject({ status: 'accepted', state: 'queued', queuePosition: 0 });
      expect(res.quota.remaining).toBe(99);
      await withWorkers(s, () => waitSettled(s, [res.id]));
      const status = (await submissionStatus(s.db, res.id, { publicUrl: 'http://x', workers: 2, showPrivate: true }))!;
      expect(status.state).toBe('done');
      expect(status.stages.map((st) => [st.name, st.status])).toEqual([
        ['validate', 'passed'],
        ['score', 'passed'],
        ['device', 'skipped'],
        ['publish', 'passed'],
      ]);
      expect(JSON.stringify(status.stages[2]!.detail)).toMatch(/no board rack/);
      expect(status.rank).toBe(1);
      expect(status.score).toBeGreaterThan(0);
      const scores = await s.db.score.findMany({ where: { submissionId: res.id } });
      expect(scores.map((x) => x.split).sort()).toEqual(['private', 'public']);
      const board = await readLeaderboard(s, 'kws-test', 'public');
      expect(board.entries).toEqual([expect.objectContaining({ rank: 1, person: 'ada', submissionId: res.id, score: status.score })]);
      const types = (await s.db.submissionEvent.findMany({ where: { submissionId: res.id }, orderBy: { id: 'asc' } })).map((e) => e.type);
      expect(types[0]).toBe('queued');
      expect(types).toContain('done');
      expect(types.filter((t) => t === 'stage-finished')).toHaveLength(4);
      expect(seen.filter((e) => e.submissionId === res.id).map((e) => e.type)).toEqual(types);
    } finally {
      await sub.close();
    }
  });

  it('announces done once per run: a repeated publish job finishes what a crash left undone and says done only if it was not said', async () => {
    const s = await pipelineServices();
    const ada = await person(s, 'ada');
    const res = await send(s, ada.id, kwsModel());
    await withWorkers(s, () => waitSettled(s, [res.id]));
    const sub = await s.db.submission.findUniqueOrThrow({ where: { id: res.id } });
    const job = { submissionId: sub.id, runId: sub.runId!, evaluatorVersion: sub.runVersion! };
    const doneEvents = () => s.db.submissionEvent.count({ where: { submissionId: sub.id, type: 'done' } });
    expect(await doneEvents()).toBe(1);
    // Delivered again after it completed: nothing new is said.
    expect(await runStage(s, 'publish', job)).toEqual({ skipped: 'finished' });
    expect(await doneEvents()).toBe(1);
    // A crash after "mark done" but before the publish row and the announcement: both are made, once.
    await s.db.submissionEvent.deleteMany({ where: { submissionId: sub.id, type: 'done' } });
    await s.db.stageResult.updateMany({ where: { submissionId: sub.id, stage: 'publish' }, data: { status: 'running' } });
    await runStage(s, 'publish', job);
    await runStage(s, 'publish', job);
    expect(await doneEvents()).toBe(1);
    const row = await s.db.stageResult.findFirstOrThrow({ where: { submissionId: sub.id, stage: 'publish' } });
    expect(row.status).toBe('passed');
    expect(row.detail).toMatchObject({ rank: 1, eligible: sub.eligible });
  });

  it('a stage abandoned at its time limit stops: the signal reaches the stage work (scoring), nothing is scored or moved on', async () => {
    const s = await pipelineServices();
    const ada = await person(s, 'ada');
    const res = await send(s, ada.id, kwsModel());
    const sub = await s.db.submission.findUniqueOrThrow({ where: { id: res.id } });
    const job = { submissionId: sub.id, runId: sub.runId!, evaluatorVersion: sub.runVersion! };
    expect(await runStage(s, 'validate', job)).toEqual({ ran: 'validate', status: 'passed' });
    const abandoned = new AbortController();
    abandoned.abort(new Error('score job timed out after 900000 ms'));
    await expect(runStage(s, 'score', job, abandoned.signal)).rejects.toThrow(/score job timed out/);
    const row = await s.db.stageResult.findFirstOrThrow({ where: { submissionId: sub.id, stage: 'score' } });
    expect(row).toMatchObject({ status: 'error', error: 'score job timed out after 900000 ms' });
    expect(await s.db.submission.findUniqueOrThrow({ where: { id: sub.id } })).toMatchObject({ stage: 'score', publicScore: null });
    // The retry (a fresh job, a fresh signal) scores as usual.
    expect(await runStage(s, 'score', job)).toEqual({ ran: 'score', status: 'passed' });
  });

  it('rejects broken files at once without charging quota, dedupes identical bytes, and enforces the quota', async () => {
    const s = await pipelineServices({ challenge: { perDay: 2 } });
    const ada = await person(s, 'ada');
    const broken = kwsModel().slice(0, 3000);
    const rejected = await send(s, ada.id, broken);
    expect(rejected).toMatchObject({ status: 'rejected', state: 'rejected', quota: { usedToday: 0, remaining: 2 } });
    expect(rejected.reason).toMatch(/truncated|cannot be read/);
    expect(await s.queues.get('validate').count()).toBe(0);

    const first = await send(s, ada.id, kwsModel());
    expect(first.status).toBe('accepted');
    const again = await send(s, ada.id, kwsModel());
    expect(again).toMatchObject({ status: 'duplicate', id: first.id });
    expect(again.quota.usedToday).toBe(1);
    expect((await send(s, ada.id, kwsModel(16))).status).toBe('accepted');
    const over = send(s, ada.id, kwsModel(32));
    await expect(over).rejects.toThrow(IntakeError);
    await expect(over).rejects.toThrow(/quota exhausted: today's 2 submissions are used; the quota resets at 20\d\d-\d\d-\d\d 00:00 UTC \(daily at 00:00 UTC\)/);
    // An organizer grant lets one more in.
    await grantQuota(s, { actorId: null, reason: 'lost a submission to a bug' }, 'kws-test', ada.id, 1);
    expect((await send(s, ada.id, kwsModel(32))).status).toBe('accepted');
    expect(await s.db.auditLog.count({ where: { action: 'quota.grant' } })).toBe(1);
    // Nothing was enqueued twice.
    expect(await s.queues.get('validate').count()).toBe(3);
  });

  it('refuses submissions while closed, and refunds quota when our side fails', async () => {
    const s = await pipelineServices({ env: { STAGE_ATTEMPTS: '2' } });
    const ada = await person(s, 'ada');
    await changeChallenge(s, console, 'kws-test', 'close');
    await expect(send(s, ada.id, kwsModel())).rejects.toMatchObject({ code: 'closed' });
    await changeChallenge(s, console, 'kws-test', 'schedule');

    const res = await send(s, ada.id, kwsModel());
    // The stored upload disappears: every attempt of the validate stage fails (a transient error to the queue).
    rmSync(s.blobs.path((await s.db.submission.findUniqueOrThrow({ where: { id: res.id } })).blobSha256));
    await withWorkers(s, () => waitSettled(s, [res.id], 30_000));
    const row = await s.db.submission.findUniqueOrThrow({ where: { id: res.id } });
    expect(row).toMatchObject({ state: 'failed', quotaCharged: false });
    expect(row.stateReason).toMatch(/quota was refunded/);
    const events = (await s.db.submissionEvent.findMany({ where: { submissionId: res.id } })).map((e) => e.type);
    expect(events).toContain('retrying');
    expect(events.at(-1)).toBe('failed');
  });

  it('leaves device jobs to a rack alive on another machine, and runs them itself once none is', async () => {
    const s = await pipelineServices();
    const ada = await person(s, 'ada');
    // A rack agent elsewhere announces itself on the shared Redis.
    const stopRemote = announceRack(s.redis, s.config.QUEUE_PREFIX, 'rack-host:1234');
    const res = await send(s, ada.id, kwsModel());
    await withWorkers(s, async () => {
      await waitFor(async () => (await s.db.submission.findUniqueOrThrow({ where: { id: res.id } })).stage === 'device', 30_000, 'the device stage');
      await new Promise((r) => setTimeout(r, 2500));
      // Handed back, not run, and no attempt used.
      expect(await s.db.stageResult.count({ where: { submissionId: res.id, stage: 'device' } })).toBe(0);
      const sub = await s.db.submission.findUniqueOrThrow({ where: { id: res.id } });
      const job = (await s.queues.get('device').getJob(stageJobId('device', res.id, sub.runId!)))!;
      expect(job.attemptsMade).toBe(0);
      // The agent goes away: this worker runs the stage (skipped: no rack anywhere) and the run completes.
      await stopRemote();
      await waitSettled(s, [res.id], 30_000);
    });
    const status = (await submissionStatus(s.db, res.id, { publicUrl: 'http://x', workers: 2 }))!;
    expect(status.state).toBe('done');
    expect(status.stages.find((x) => x.name === 'device')!.status).toBe('skipped');
  });

  it('ranks ties by the earlier submission, freezes, reveals the private split at close, disqualifies and rejudges with versions', async () => {
    const s = await pipelineServices();
    const [ada, bob, cy] = [await person(s, 'ada'), await person(s, 'bob'), await person(s, 'cy')];
    await withWorkers(s, async () => {
      const a = await send(s, ada.id, kwsModel());
      await waitSettled(s, [a.id]);
      const b = await send(s, bob.id, kwsModel());
      await waitSettled(s, [b.id]);
      let board = await readLeaderboard(s, 'kws-test', 'public');
      expect(board.entries.map((e) => [e.rank, e.person])).toEqual([
        [1, 'ada'],
        [2, 'bob'],
      ]);
      expect(board.entries[0]!.score).toBe(board.entries[1]!.score);

      // Freeze: cy's later (and equally good) submission is scored but not shown publicly.
      await changeChallenge(s, console, 'kws-test', 'freeze');
      const c = await send(s, cy.id, kwsModel());
      await waitSettled(s, [c.id]);
      expect((await s.db.submission.findUniqueOrThrow({ where: { id: c.id } })).state).toBe('done');
      board = await readLeaderboard(s, 'kws-test', 'public');
      expect(board.frozen).toBe(true);
      expect(board.entries.map((e) => e.person)).toEqual(['ada', 'bob']);

      // Private split: hidden while open (except to organizers), revealed at close.
      expect((await readLeaderboard(s, 'kws-test', 'private')).visible).toBe(false);
      expect((await readLeaderboard(s, 'kws-test', 'private', { privileged: true })).entries.map((e) => e.person)).toEqual(['ada', 'bob', 'cy']);
      await changeChallenge(s, console, 'kws-test', 'close');
      expect((await readLeaderboard(s, 'kws-test', 'private')).entries.map((e) => e.person)).toEqual(['ada', 'bob', 'cy']);

      // Disqualify: off both boards, with the reason kept.
      await disqualify(s, { actorId: null, reason: 'shared weights with another team' }, a.id);
      expect((await readLeaderboard(s, 'kws-test', 'public')).entries.map((e) => e.person)).toEqual(['bob']);
      const audit = await s.db.auditLog.findMany({ orderBy: { id: 'asc' } });
      expect(audit.map((x) => x.action)).toEqual(['challenge.freeze', 'challenge.close', 'submission.disqualify']);
      expect(audit[2]).toMatchObject({ reason: 'shared weights with another team', targetId: a.id });

      // Change the rules (flash weight 20 → 0): a new evaluator version; rejudging keeps the old scores.
      const before = await s.db.submission.findUniqueOrThrow({ where: { id: b.id } });
      writeChallenge(dirname(s.config.CHALLENGES_DIR), { flashWeight: 0 });
      await syncChallenges(s.db, s.config.CHALLENGES_DIR);
      const r = await rejudge(s, { actorId: null, reason: 'flash term dropped' }, { challengeId: 'kws-test', submissionIds: [b.id] });
      expect(r.count).toBe(1);
      expect(r.evaluatorVersion).not.toBe(before.evaluatorVersion);
      await waitSettled(s, [b.id]);
      const after = await s.db.submission.findUniqueOrThrow({ where: { id: b.id } });
      expect(after).toMatchObject({ state: 'done', evaluatorVersion: r.evaluatorVersion, lane: 'rejudge' });
      expect(after.publicScore!).toBeLessThan(before.publicScore!);
      const versions = await s.db.score.findMany({ where: { submissionId: b.id, split: 'public' }, orderBy: { createdAt: 'asc' } });
      expect(versions.map((v) => v.evaluatorVersion)).toEqual([before.evaluatorVersion, r.evaluatorVersion]);
      expect((await readLeaderboard(s, 'kws-test', 'public')).entries[0]).toMatchObject({ person: 'bob', score: after.publicScore });
    });
  });

  it('rejudges under an unchanged evaluator: every stage runs again and the run reaches done, and the CLI says so', async () => {
    const s = await pipelineServices();
    const ada = await person(s, 'ada');
    await withWorkers(s, async () => {
      const a = await send(s, ada.id, kwsModel());
      await waitSettled(s, [a.id]);
      const judged = await s.db.submission.findUniqueOrThrow({ where: { id: a.id } });
      const before = new Map((await s.db.stageResult.findMany({ where: { submissionId: a.id } })).map((r) => [r.stage, r]));

      const r = await cliOn(s)(['rejudge', 'kws-test', '--submission', a.id, '--reason', 'metric fix']);
      expect(r.err).toBe('');
      expect(r.code).toBe(0);
      expect(r.out.trim()).toBe(`1 submission queued for rejudging under evaluator ${judged.evaluatorVersion}; it was already judged under this evaluator: every stage runs again and replaces that result.`);
      const started = Date.now();
      await waitSettled(s, [a.id], 60_000);
      expect(Date.now() - started).toBeLessThan(60_000);

      const after = await s.db.submission.findUniqueOrThrow({ where: { id: a.id } });
      expect(after).toMatchObject({ state: 'done', lane: 'rejudge', evaluatorVersion: judged.evaluatorVersion, publicScore: judged.publicScore });
      const rows = await s.db.stageResult.findMany({ where: { submissionId: a.id } });
      expect(rows).toHaveLength(4);
      for (const row of rows) {
        // Run again (not skipped as already done), under the same evaluator, replacing the old row.
        expect(row.finishedAt!.getTime()).toBeGreaterThan(before.get(row.stage)!.finishedAt!.getTime());
        expect(row.status).toBe(before.get(row.stage)!.status);
      }
      const types = (await s.db.submissionEvent.findMany({ where: { submissionId: a.id }, orderBy: { id: 'asc' } })).map((e) => e.type);
      expect(types.slice(types.lastIndexOf('rejudge'))).toEqual(expect.arrayContaining(['rejudge', 'stage-started', 'stage-finished', 'done']));
      expect((await readLeaderboard(s, 'kws-test', 'public')).entries).toEqual([expect.objectContaining({ person: 'ada', submissionId: a.id })]);
    });
  });
});
