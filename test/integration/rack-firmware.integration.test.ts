/**
 * Firmware jobs on the rack (socat ptys, simulated boards): a submitted image is flashed, driven over
 * the MLPerf Tiny base protocol, and the harness is always flashed back and checked before the board
 * serves anyone else. Blame: a firmware that does not boot is the learner's (board idle, not counted);
 * an unplugged board or a harness that does not come back is the board's (the job moves on, and the
 * board never goes back to idle running learner firmware).
 */
import { describe, expect, it } from 'vitest';
import { runOnDevice, type DeviceCase } from '../../grader/rack/device-run.js';
import type { BoardFlasher } from '../../grader/rack/flash/flasher.js';
import type { Rack } from '../../grader/rack/rack.js';
import { FirmwareRunError, type FirmwarePhase, type FirmwareSession } from '../../grader/rack/rack-job.js';
import { buildSimFirmwareImage } from '../../grader/rack/sim/firmware-image.js';
import { estimateLatency } from '../../grader/validate/latency-model.js';
import { Interpreter } from '../../grader/interpreter/interpreter.js';
import { parseModel } from '../../grader/tflite/parse.js';
import { kwsModel } from '../helpers/pipeline.js';
import { HAVE_SOCAT, simRack } from '../helpers/rack.js';
import { mulberry32 } from '../../lib/rng.js';
import { testServices } from '../helpers/services.js';
import { HAVE_SHARED_MODELS } from '../helpers/shared.js';

const APP_START = 0x10000;
const KWS_INPUT_BYTES = 490;

const bootable = () => ({ bytes: buildSimFirmwareImage({ model: kwsModel(), profile: 'kws01', name: 'learner-kws' }), address: APP_START });
/** No model and no model id inside: the simulated board prints nothing after flashing it. */
const silent = () => ({ bytes: buildSimFirmwareImage({}), address: APP_START });

/** What a firmware job does: the base protocol only (the learner firmware knows no x- commands). */
async function baseProtocolJob(s: FirmwareSession) {
  const rnd = mulberry32(5);
  const name = await s.client.hello();
  const profile = await s.client.profile();
  await s.client.loadInput(Uint8Array.from({ length: KWS_INPUT_BYTES }, () => rnd() & 0xff));
  const run = await s.client.infer(1, 1, s.inferTimeoutMs(1, 1));
  return { name, profile, results: run.results, latencyUs: run.latencyUs };
}

function kwsCase(): { model: Uint8Array; cases: DeviceCase[]; expectedUs: number } {
  const model = kwsModel();
  const graph = parseModel(model);
  const interp = Interpreter.create(graph, { arithmetic: 'tflm' });
  const input = Uint8Array.from({ length: interp.inputBytes }, (_, i) => (i * 7) & 0xff);
  interp.setInputBytes(input);
  interp.invoke();
  return { model, cases: [{ id: 'c0', input, expected: interp.getOutputBytes() }], expectedUs: estimateLatency(graph).us };
}

/** The harness answers again: a normal model job on that very board (the only one left idle and healthy). */
async function harnessServes(rack: Rack, boardId: string) {
  const r = await rack.run(async (s) => ({ board: s.board.id, firmware: (await s.client.info()).firmware }), { expectedUs: 1000 });
  return r.boardId === boardId ? r.value : null;
}

/** Modelled µs per inference of the KWS model (for infer timeouts); read lazily: the model is shared test material. */
let kwsUs: number | undefined;
const expectedUsOf = () => (kwsUs ??= estimateLatency(parseModel(kwsModel())).us);

describe.skipIf(!HAVE_SOCAT || !HAVE_SHARED_MODELS)('firmware jobs on the rack (socat ptys, simulated boards)', () => {
  it('flashes a bootable image, drives name/profile/db/infer on it, then the harness serves x-info and a model job again', async () => {
    const s = await testServices();
    const rack = await simRack(s, [{ id: 'sim-a' }, { id: 'sim-b' }]);
    const phases: FirmwarePhase[] = [];
    let stateWhileRunning = '';
    const r = await rack.runFirmware(
      bootable(),
      async (session) => {
        stateWhileRunning = (await s.db.board.findUnique({ where: { id: session.board.id } }))!.state;
        return { ...(await baseProtocolJob(session)), boot: session.boot };
      },
      { expectedUs: expectedUsOf(), onProgress: (e) => void (phases.at(-1) !== e.phase && phases.push(e.phase)) },
    );
    expect(r.attempts).toEqual([]);
    expect(r.value).toMatchObject({ name: 'learner-kws', profile: 'kws01' });
    expect(r.value.results).toHaveLength(12);
    expect(r.value.latencyUs).toBeGreaterThan(300_000);
    expect(r.value.boot.lines).toContain('m-init-done');
    expect(r.value.boot.lines[0]).toBe('m-timestamp-mode-performance');
    expect(stateWhileRunning).toBe('leased');
    expect(phases).toEqual(['flash', 'boot', 'run', 'restore']);
    const row = (await s.db.board.findUnique({ where: { id: r.boardId } }))!;
    expect(row).toMatchObject({ state: 'idle', consecutiveFailures: 0, firmwareVersion: '0.1.0-sim', leasedBy: null });

    // The harness is back: x-info on that board, and a normal model job with byte-equal outputs.
    expect(await harnessServes(rack, r.boardId)).toEqual({ board: r.boardId, firmware: '0.1.0-sim' });
    const device = await runOnDevice(rack, { ...kwsCase(), warmups: 0, inferences: 1 });
    expect(device).toMatchObject({ boardId: r.boardId, byteEqual: true, firmwareVersion: '0.1.0-sim' });
    expect(await s.redis.keys(`${s.config.QUEUE_PREFIX}:rack:lease:*`)).toEqual([]);
  }, 60_000);

  it("a firmware that does not boot is the learner's problem: FirmwareRunError, the board idle and not blamed; the job's own errors are rethrown", async () => {
    const s = await testServices();
    const rack = await simRack(s, [{ id: 'sim-a' }, { id: 'sim-b' }], { firmware: { bootTimeoutMs: 1500 } });
    let ran = false;
    const err = await rack
      .runFirmware(
        silent(),
        async () => {
          ran = true;
        },
        { expectedUs: expectedUsOf() },
      )
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FirmwareRunError);
    expect((err as Error).message).toBe('the firmware did not print m-init-done within 1500 ms after flashing (got: nothing)');
    expect(ran).toBe(false);
    // Tried on one board only (no retry), which is idle with the harness back and nothing counted.
    const rows = await s.db.board.findMany({ orderBy: { id: 'asc' } });
    expect(rows.map((b) => [b.id, b.state, b.consecutiveFailures, b.health])).toEqual([
      ['sim-a', 'idle', 0, 1],
      ['sim-b', 'idle', 0, 1],
    ]);
    expect(await harnessServes(rack, 'sim-a')).toEqual({ board: 'sim-a', firmware: '0.1.0-sim' });

    // A job that rejects the firmware itself (wrong model id): the harness is restored, the error rethrown.
    const wrong = rack.runFirmware(
      bootable(),
      async (session) => {
        const profile = await session.client.profile();
        if (profile !== 'vww01') throw new FirmwareRunError(`the firmware answers m-model-[${profile}], but this challenge runs vww01`);
      },
      { expectedUs: expectedUsOf() },
    );
    await expect(wrong).rejects.toThrow('the firmware answers m-model-[kws01], but this challenge runs vww01');
    expect((await s.db.board.findMany()).every((b) => b.state === 'idle' && b.consecutiveFailures === 0)).toBe(true);
    expect(await harnessServes(rack, 'sim-a')).toEqual({ board: 'sim-a', firmware: '0.1.0-sim' });
  }, 60_000);

  it('a board unplugged mid firmware run loses nothing: the job completes on another board, the unplugged one stays out of service', async () => {
    const s = await testServices();
    const rack = await simRack(s, [{ id: 'unplugged' }, { id: 'spare' }], { quarantineAfter: 3 });
    const boards: string[] = [];
    const r = await rack.runFirmware(
      bootable(),
      async (session) => {
        boards.push(session.board.id);
        if (session.board.id === 'unplugged') {
          const sim = rack.simHandle('unplugged')!;
          sim.unplug();
          await sim.gone;
        }
        return baseProtocolJob(session);
      },
      { expectedUs: expectedUsOf() },
    );
    expect(boards).toEqual(['unplugged', 'spare']);
    expect(r.boardId).toBe('spare');
    expect(r.value).toMatchObject({ name: 'learner-kws', profile: 'kws01' });
    expect(r.value.results).toHaveLength(12);
    expect(r.attempts).toHaveLength(1);
    expect(r.attempts[0]!.error).toMatch(/^restoring the TinyArena harness failed: .*\(after: .*\)/);
    const row = (await s.db.board.findUnique({ where: { id: 'unplugged' } }))!;
    expect(row).toMatchObject({ state: 'offline', consecutiveFailures: 1 });
    expect(row.lastError).toMatch(/^harness: restoring the TinyArena harness failed/);
    expect(await s.db.board.findUnique({ where: { id: 'spare' } })).toMatchObject({ state: 'idle', consecutiveFailures: 0 });
  }, 60_000);

  it('a harness that does not come back (x-info fails) quarantines the board with the reason; it never returns to idle until the harness is flashed back', async () => {
    const s = await testServices();
    // "Flashing" the harness reports success but leaves the learner firmware running (once).
    let broken = true;
    const brokenRestore = (id: string, f: BoardFlasher): BoardFlasher =>
      id === 'bad' ? { takesPort: f.takesPort, flash: (img, p) => f.flash(img, p), flashHarness: async (p) => (broken ? undefined : f.flashHarness(p)) } : f;
    const rack = await simRack(s, [{ id: 'bad' }, { id: 'good' }], { wrapFlasher: brokenRestore });
    const r = await rack.runFirmware(bootable(), baseProtocolJob, { expectedUs: expectedUsOf() });
    // The job ran to the end on 'bad', so its result stands; the board leaves service.
    expect(r).toMatchObject({ boardId: 'bad', attempts: [] });
    expect(r.value.profile).toBe('kws01');
    const bad = (await s.db.board.findUnique({ where: { id: 'bad' } }))!;
    expect(bad.state).toBe('quarantined');
    expect(bad.lastError).toMatch(/^quarantined after 1 consecutive failed job\(s\); last: harness: restoring the TinyArena harness failed: the board refused "x-info%": unknown command/);
    // The next firmware job goes to the healthy board.
    const next = await rack.runFirmware(bootable(), baseProtocolJob, { expectedUs: expectedUsOf() });
    expect(next.boardId).toBe('good');
    expect(await s.db.board.findUnique({ where: { id: 'good' } })).toMatchObject({ state: 'idle', consecutiveFailures: 0 });
    // An organizer clears the quarantine: the rack flashes the harness back before the board serves again.
    broken = false;
    expect(await rack.unquarantine('bad')).toBe(true);
    expect(await s.db.board.findUnique({ where: { id: 'bad' } })).toMatchObject({ state: 'idle', firmwareVersion: '0.1.0-sim', lastError: null });
  }, 60_000);
});
