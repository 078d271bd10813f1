/**
 * The board rack on real serial ptys (socat) with simulated boards running the project's engine:
 * byte-equal outputs, modelled latency, leases, quarantine of hanging/garbling boards with the job
 * finishing elsewhere, an unplugged board losing nothing, and the device stage in the pipeline.
 */
import { describe, expect, it, onTestFinished } from 'vitest';
import { submit } from '../../arena/intake.js';
import { submissionStatus } from '../../arena/status.js';
import { runOnDevice, type DeviceCase } from '../../grader/rack/device-run.js';
import { RackUnavailableError } from '../../grader/rack/rack-job.js';
import { rackComponent } from '../../grader/rack/start.js';
import { rackStatus } from '../../grader/rack/status.js';
import { estimateLatency } from '../../grader/validate/latency-model.js';
import { Interpreter } from '../../grader/interpreter/interpreter.js';
import { parseModel } from '../../grader/tflite/parse.js';
import { WorkerPool } from '../../worker/workers.js';
import { kwsModel, person, pipelineServices, waitSettled } from '../helpers/pipeline.js';
import { HAVE_SOCAT, simRack } from '../helpers/rack.js';
import { mulberry32 } from '../../lib/rng.js';
import { testServices } from '../helpers/services.js';
import { runCli } from '../helpers/cli.js';
import { waitFor } from '../helpers/process.js';
import { TEST_REDIS_URL } from '../helpers/env.js';
import { HAVE_SHARED_MODELS, sharedPath } from '../helpers/shared.js';

function kwsCases(n: number): { model: Uint8Array; cases: DeviceCase[]; expectedUs: number } {
  const model = kwsModel();
  const graph = parseModel(model);
  const interp = Interpreter.create(graph, { arithmetic: 'tflm' });
  const rnd = mulberry32(11);
  const cases = Array.from({ length: n }, (_, i) => {
    const input = Uint8Array.from({ length: interp.inputBytes }, () => rnd() & 0xff);
    interp.setInputBytes(input);
    interp.invoke();
    return { id: `c${i}`, input, expected: interp.getOutputBytes() };
  });
  return { model, cases, expectedUs: estimateLatency(graph).us };
}

const boardRow = async (s: Awaited<ReturnType<typeof testServices>>, id: string) => (await s.db.board.findUnique({ where: { id } }))!;

describe.skipIf(!HAVE_SOCAT || !HAVE_SHARED_MODELS)('board rack (socat ptys, simulated boards)', () => {
  it('runs a model on 3 boards with byte-equal outputs, modelled latency and exclusive leases', async () => {
    const s = await testServices();
    const rack = await simRack(s, [{ id: 'sim-a' }, { id: 'sim-b' }, { id: 'sim-c' }]);
    const rows = await s.db.board.findMany({ orderBy: { id: 'asc' } });
    expect(rows.map((r) => [r.id, r.state, r.firmwareVersion])).toEqual([
      ['sim-a', 'idle', '0.1.0-sim'],
      ['sim-b', 'idle', '0.1.0-sim'],
      ['sim-c', 'idle', '0.1.0-sim'],
    ]);
    const req = { ...kwsCases(3), warmups: 1, inferences: 3 };
    // Two jobs at once take two different boards.
    const [a, b] = await Promise.all([runOnDevice(rack, req), runOnDevice(rack, req)]);
    expect(a.boardId).not.toBe(b.boardId);
    for (const r of [a, b]) {
      expect(r).toMatchObject({ byteEqual: true, samples: 3, mismatches: [], attempts: [] });
      expect(r.latencyRunsMs).toHaveLength(3);
      // The Cortex-M4 model's estimate for the KWS reference (≈377 ms), on a virtual clock.
      expect(r.latencyMs).toBeGreaterThan(300);
      expect(r.latencyMs).toBeLessThan(450);
      expect(r.arenaBytes).toBeGreaterThan(10_000);
    }
    expect((await s.db.board.findMany()).every((r) => r.state === 'idle' && r.leasedBy === null)).toBe(true);
    // Leases live in Redis under the test's prefix and are gone after the jobs.
    expect(await s.redis.keys(`${s.config.QUEUE_PREFIX}:rack:lease:*`)).toEqual([]);
  });

  it('quarantines a board that hangs and one that garbles mid-run; the job completes on another board', async () => {
    const s = await testServices();
    const rack = await simRack(
      s,
      [
        { id: 'hangs', faults: [{ kind: 'hang', afterCommands: 40 }] },
        { id: 'garbles', faults: [{ kind: 'garble', afterCommands: 40, rate: 0.3 }] },
        { id: 'good' },
      ],
      { commandTimeoutMs: 2_500 },
    );
    const r = await runOnDevice(rack, { ...kwsCases(2), warmups: 0, inferences: 2 });
    expect(r.boardId).toBe('good');
    expect(r.byteEqual).toBe(true);
    expect(r.attempts.map((x) => [x.board, x.quarantined])).toEqual([
      ['hangs', true],
      ['garbles', true],
    ]);
    expect(r.attempts[0]!.error).toMatch(/^no m-ready within 2500 ms after "/);
    expect(r.attempts[1]!.error).toMatch(/garbled line from the board/);
    const hangs = await boardRow(s, 'hangs');
    expect(hangs).toMatchObject({ state: 'quarantined', consecutiveFailures: 1 });
    expect(hangs.lastError).toMatch(/^quarantined after 1 consecutive failed job\(s\); last: timeout: /);
    expect((await boardRow(s, 'garbles')).lastError).toMatch(/last: garbled: /);
    expect(await boardRow(s, 'good')).toMatchObject({ state: 'idle', consecutiveFailures: 0 });
    // Quarantined boards get no more work.
    expect((await runOnDevice(rack, { ...kwsCases(1), warmups: 0, inferences: 1 })).boardId).toBe('good');

    // Organizers see it through the CLI contract (ARCHITECTURE.md §5).
    const cli = runCli(['rack', 'status', '--json'], { DATA_DIR: s.config.DATA_DIR, REDIS_URL: TEST_REDIS_URL, QUEUE_PREFIX: s.config.QUEUE_PREFIX });
    expect((await cli.exited).code, cli.output.stderr).toBe(0);
    const status = JSON.parse(cli.output.stdout) as { boards: { id: string; kind: string; state: string; health: number; lastError: string | null }[] };
    expect(status.boards.map((b) => [b.id, b.kind, b.state])).toEqual([
      ['garbles', 'sim', 'quarantined'],
      ['good', 'sim', 'idle'],
      ['hangs', 'sim', 'quarantined'],
    ]);
    expect(status.boards[2]!.lastError).toMatch(/quarantined after 1 consecutive failed job/);
    expect(status.boards[2]!.health).toBeLessThan(1);
  }, 60_000);

  it('a board that drifts (wrong numbers, valid protocol) is caught by the reference model and quarantined; the job reruns elsewhere', async () => {
    const s = await testServices();
    const rack = await simRack(s, [{ id: 'drifts', faults: [{ kind: 'drift', afterCommands: 0 }] }, { id: 'good' }], {
      driftCheck: { every: 1, model: sharedPath('models/kws_ref_model.tflite')! },
    });
    const r = await runOnDevice(rack, { ...kwsCases(2), warmups: 0, inferences: 1 });
    expect(r).toMatchObject({ boardId: 'good', byteEqual: true });
    expect(r.attempts.map((a) => a.board)).toEqual(['drifts']);
    expect(r.attempts[0]!.error).toMatch(/fails the reference-model check \(output byte 0: board /);
    expect(await boardRow(s, 'drifts')).toMatchObject({ state: 'quarantined' });
    // The periodic check (every job here) passed on the good board.
    expect(await boardRow(s, 'good')).toMatchObject({ state: 'idle', consecutiveFailures: 0 });
  }, 60_000);

  it('a board unplugged mid-run (pty closed) loses nothing: it goes offline and the job finishes elsewhere', async () => {
    const s = await testServices();
    const rack = await simRack(s, [{ id: 'unplugged', faults: [{ kind: 'disconnect', afterCommands: 60 }] }, { id: 'spare' }], { quarantineAfter: 3 });
    const r = await runOnDevice(rack, { ...kwsCases(2), warmups: 0, inferences: 2 });
    expect(r).toMatchObject({ boardId: 'spare', byteEqual: true, samples: 2 });
    expect(r.attempts, JSON.stringify({ attempts: r.attempts, boards: await s.db.board.findMany() })).toHaveLength(1);
    expect(r.attempts[0]!.error).toMatch(/closed|write .* failed|not connected/);
    const row = await boardRow(s, 'unplugged');
    expect(row).toMatchObject({ state: 'offline', consecutiveFailures: 1 });
    expect(row.lastError).toMatch(/recovery failed/);
    // With no board left, a job fails as "no board", which the device stage treats as transient.
    rack.simHandle('spare')!.unplug();
    await rack.simHandle('spare')?.gone;
    // Unplugged while idle: offline at once, not at the next health probe.
    await waitFor(async () => (await boardRow(s, 'spare')).state === 'offline', 10_000, 'the idle unplugged board to show offline');
    expect((await boardRow(s, 'spare')).lastError).toMatch(/^disconnected from /);
    await expect(runOnDevice(rack, { ...kwsCases(1), warmups: 0, inferences: 1 })).rejects.toBeInstanceOf(RackUnavailableError);
  }, 60_000);

  it('more jobs than boards: a job queues for the one board (reporting the wait) instead of failing, within a bounded wait', async () => {
    const s = await testServices();
    const rack = await simRack(s, [{ id: 'only' }]);
    const req = { ...kwsCases(2), warmups: 1, inferences: 2 };
    const waits: { busy: number; waitedMs: number }[][] = [[], []];
    const [a, b] = await Promise.all([0, 1].map((i) => runOnDevice(rack, { ...req, onWait: (e) => waits[i]!.push(e) })));
    for (const r of [a!, b!]) expect(r).toMatchObject({ boardId: 'only', byteEqual: true, attempts: [] });
    // Exactly one of them waited, for the one busy board, and heard about it at once.
    const waited = waits.filter((w) => w.length > 0);
    expect(waited).toHaveLength(1);
    expect(waited[0]![0]).toEqual({ busy: 1, waitedMs: 0 });
    expect((await boardRow(s, 'only')).state).toBe('idle');
    // The wait is bounded: a board held longer than leaseWaitMs ends the waiting job with a clear error.
    let release!: () => void;
    const holding = rack.run(() => new Promise<void>((r) => (release = r)), { expectedUs: 1000 });
    await waitFor(async () => (await boardRow(s, 'only')).state === 'leased', 10_000, 'the board to be leased');
    const t0 = Date.now();
    await expect(rack.run(() => Promise.resolve(), { expectedUs: 1000, leaseWaitMs: 1500 })).rejects.toThrow(/every board that can run the job stayed busy for \d+ s \(1 busy\)/);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(1400);
    release();
    await holding;
  });

  it('an abandoned job (its stage timed out) stops: a wait for a busy board ends at once, a run stops between inferences and lets the board go', async () => {
    const s = await testServices();
    const rack = await simRack(s, [{ id: 'solo' }]);
    // The wait for a busy board: aborted long before its leaseWaitMs.
    let release!: () => void;
    const holding = rack.run(() => new Promise<void>((r) => (release = r)), { expectedUs: 1000 });
    await waitFor(async () => (await boardRow(s, 'solo')).state === 'leased', 10_000, 'the board to be leased');
    const waiting = new AbortController();
    const t0 = Date.now();
    const waited = rack.run(() => Promise.resolve(), { expectedUs: 1000, leaseWaitMs: 60_000, signal: waiting.signal, onWait: () => setTimeout(() => waiting.abort(new Error('device job timed out')), 200) });
    await expect(waited).rejects.toThrow(/device job timed out/);
    expect(Date.now() - t0).toBeLessThan(3000);
    release();
    await holding;

    // A run on the board (200 samples): abandoned once it holds the board, it stops at its next step.
    const running = new AbortController();
    const t1 = Date.now();
    const run = runOnDevice(rack, { ...kwsCases(200), warmups: 0, inferences: 1, signal: running.signal });
    await waitFor(async () => (await boardRow(s, 'solo')).state === 'leased', 10_000, 'the board to be leased');
    running.abort(new Error('device job timed out'));
    await expect(run).rejects.toThrow(/device job timed out/);
    const ranMs = Date.now() - t1;
    // The board is released at once, in service and not blamed.
    expect(ranMs).toBeLessThan(3000);
    const row = await boardRow(s, 'solo');
    expect(row).toMatchObject({ state: 'idle', leasedBy: null, lastError: null });
    expect(await s.redis.keys(`${s.config.QUEUE_PREFIX}:rack:lease:*`)).toEqual([]);
    expect(await runOnDevice(rack, { ...kwsCases(2), warmups: 0, inferences: 1 })).toMatchObject({ boardId: 'solo', byteEqual: true });
  });

  it('the embedded rack restarted with fewer boards retires the ones it no longer has (offline rows only; other racks\' boards untouched)', async () => {
    const s = await testServices({ RACK_SIM_BOARDS: '1', RACK_VIRTUAL_BOARDS: '0' });
    // What an earlier run with RACK_SIM_BOARDS=3 and RACK_VIRTUAL_BOARDS=1 left, next to a kit of a
    // RACK_CONFIG rack agent and a board an organizer must still see quarantined.
    for (const [id, kind, state] of [['sim-2', 'sim', 'offline'], ['sim-3', 'sim', 'offline'], ['virtual-1', 'virtual', 'offline'], ['sim-4', 'sim', 'quarantined'], ['kit-7', 'nano33ble', 'offline']] as const) {
      await s.db.board.create({ data: { id, kind, location: 'sim://pty', state } });
    }
    const component = rackComponent(s)!;
    onTestFinished(() => component.stop());
    await component.start();
    await component.rack.ready;
    expect((await rackStatus(s.db)).map((b) => [b.id, b.state])).toEqual([
      ['kit-7', 'offline'],
      ['sim-1', 'idle'],
      ['sim-4', 'quarantined'],
    ]);
  });

  it('the device stage with two workers and one busy board: both submissions wait, say "waiting for a board", and pass on the first attempt', async () => {
    const s = await pipelineServices({ env: { WORKER_CONCURRENCY: '2' } });
    const rack = await simRack(s, [{ id: 'only' }], { active: true });
    // Another job holds the only board while both submissions reach the device stage.
    let release!: () => void;
    const holding = rack.run(() => new Promise<void>((r) => (release = r)), { expectedUs: 1000 });
    const ada = await person(s, 'ada');
    const ids: string[] = [];
    for (const pad of [0, 8]) ids.push((await submit(s, { challengeId: 'kws-test', personId: ada.id, fileName: 'model.tflite', source: 'cli', body: kwsModel(pad) })).id);
    const waitingOf = async () =>
      new Set((await s.db.submissionEvent.findMany({ where: { submissionId: { in: ids }, type: 'stage-progress' } })).filter((e) => JSON.stringify(e.data).includes('"phase":"waiting for a board"')).map((e) => e.submissionId));
    const pool = new WorkerPool(s);
    await pool.start();
    try {
      await waitFor(async () => (await waitingOf()).size === 2, 90_000, 'both submissions to wait for the board');
      release();
      await holding;
      await waitSettled(s, ids, 120_000);
    } finally {
      release();
      await pool.stop();
    }
    for (const id of ids) {
      const status = (await submissionStatus(s.db, id, { publicUrl: 'http://x', workers: 2, showPrivate: true }))!;
      expect(status.state, JSON.stringify(status.stages)).toBe('done');
      expect(status.stages.find((x) => x.name === 'device')).toMatchObject({ status: 'passed', detail: { boardId: 'only', byteEqual: true } });
      // No retry was spent on the wait.
      expect((await s.db.stageResult.findFirst({ where: { submissionId: id, stage: 'device' } }))!.attempts).toBe(1);
      expect(await s.db.submissionEvent.count({ where: { submissionId: id, type: 'retrying' } })).toBe(0);
    }
  });

  it('the device stage passes a submission with byte-equal outputs and latency past a hanging and an unplugged board', async () => {
    const s = await pipelineServices();
    await simRack(
      s,
      [{ id: 'hangs', faults: [{ kind: 'hang', afterCommands: 30 }] }, { id: 'unplugs', faults: [{ kind: 'disconnect', afterCommands: 50 }] }, { id: 'sim-3' }],
      { active: true, commandTimeoutMs: 2_500 },
    );
    const ada = await person(s, 'ada');
    const res = await submit(s, { challengeId: 'kws-test', personId: ada.id, fileName: 'model.tflite', source: 'cli', body: kwsModel() });
    const pool = new WorkerPool(s);
    await pool.start();
    try {
      await waitSettled(s, [res.id]);
    } finally {
      await pool.stop();
    }
    const status = (await submissionStatus(s.db, res.id, { publicUrl: 'http://x', workers: 2, showPrivate: true }))!;
    expect(status.state).toBe('done');
    const device = status.stages.find((x) => x.name === 'device')!;
    expect(device.status).toBe('passed');
    const detail = device.detail as { latencyMs: number; byteEqual: boolean; samples: number; boardId: string; attempts: { board: string }[]; arenaBytes: number };
    expect(detail).toMatchObject({ byteEqual: true, samples: 8, boardId: 'sim-3' });
    expect(detail.attempts.map((a) => a.board)).toEqual(['hangs', 'unplugs']);
    expect(detail.latencyMs).toBeGreaterThan(300);
    expect((await s.db.board.findUnique({ where: { id: 'hangs' } }))!.state).toBe('quarantined');
    expect((await s.db.board.findUnique({ where: { id: 'unplugs' } }))!.state).toBe('quarantined');
    // Nothing was lost: one run of each stage, and the submission is on the board.
    expect(status.stages.map((x) => [x.name, x.status])).toEqual([
      ['validate', 'passed'],
      ['score', 'passed'],
      ['device', 'passed'],
      ['publish', 'passed'],
    ]);
    expect(status.rank).toBe(1);
    // The latency term now counts: the score is above the quality+flash-only score of a skipped device stage.
    expect(status.score).toBeGreaterThan(0);
  }, 60_000);
});
