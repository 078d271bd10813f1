/**
 * Learner firmware on virtual boards: the template of firmware/template/, built with a model as its
 * README says, passes the intake checks for the virtual board and scores through a full submission
 * (flashed onto a virtual board, driven with the MLPerf Tiny base protocol, harness restored after);
 * the challenge YAML decides which board kinds take firmware; a firmware that hangs or crashes is the
 * learner's fault and the board comes back with its harness.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromRoot } from '../../core/paths.js';
import { challengeSchema, crossFieldProblems } from '../../grader/challenges/schema.js';
import { checkFirmware, MPS2_AN386, NANO33BLE } from '../../grader/firmware/check.js';
import { submit } from '../../arena/intake.js';
import { submissionStatus } from '../../arena/status.js';
import { FirmwareRunOverrunError, runFirmwareOnDevice } from '../../grader/rack/firmware-run.js';
import { FirmwareRunError } from '../../grader/rack/rack-job.js';
import { rackStatus } from '../../grader/rack/status.js';
import { makeFirmware } from '../../grader/rack/virtual/firmware-build.js';
import { WorkerPool } from '../../worker/workers.js';
import { person, pipelineServices, waitSettled } from '../helpers/pipeline.js';
import { testServices } from '../helpers/services.js';
import { HAVE_SHARED_MODELS, sharedPath } from '../helpers/shared.js';
import { tempDir } from '../helpers/tmp.js';
import { webUp } from '../helpers/web.js';
import { HAVE_VIRTUAL, VIRTUAL_SKIP_REASON, virtualRack } from '../helpers/virtual-rack.js';

if (!HAVE_VIRTUAL) console.warn(VIRTUAL_SKIP_REASON);

/** A tiny bare-metal image on the virtual board's own start-up code: `body` runs after the boot lines. */
function tinyImage(dir: string, name: string, body: string): string {
  const src = join(dir, `${name}.c`);
  writeFileSync(src, `#include "board.h"\nint main(void) {\n  board_init();\n  board_puts("m-timestamp-mode-performance\\r\\nm-lap-us-0\\r\\nm-init-done\\r\\nm-ready\\r\\n");\n  ${body}\n}\n`);
  const elf = join(dir, `${name}.elf`);
  const mps2 = fromRoot('firmware', 'mps2');
  execFileSync(
    'arm-none-eabi-gcc',
    ['-mcpu=cortex-m4', '-mthumb', '-mfloat-abi=hard', '-mfpu=fpv4-sp-d16', '-O2', '-ffunction-sections', '-fdata-sections', `-I${mps2}`, '-T', join(mps2, 'mps2-an386.ld'), '-nostartfiles', '-Wl,--gc-sections', '--specs=nano.specs', src, join(mps2, 'startup.c'), join(mps2, 'board.c'), join(mps2, 'syscalls.c'), '-o', elf],
    { stdio: 'pipe' },
  );
  return elf;
}

describe('which board kinds take firmware (challenge YAML firmware.boards)', () => {
  const base = {
    id: 'fw',
    title: 'fw',
    task: 'kws',
    scoring: { gate: { metric: 'top1', min: 0 }, weights: { quality: 1, latency: 1, flash: 1 }, latency: { bestMs: 1, worstMs: 2 }, flash: { bestBytes: 1, worstBytes: 2 } },
    timeline: { opens: '2020-01-01T00:00:00Z', closes: '2099-01-01T00:00:00Z' },
    quotas: { perDay: 1 },
    budgets: { maxModelBytes: 1000, maxArenaBytes: 1000 },
  };
  it('defaults to the Nano kinds, takes virtual alone, and refuses mixing the two targets', () => {
    expect(challengeSchema.parse({ ...base, firmware: {} }).firmware!.boards).toEqual(['nano33ble', 'sim']);
    expect(crossFieldProblems(challengeSchema.parse({ ...base, firmware: { boards: ['virtual'] } }))).toEqual([]);
    expect(crossFieldProblems(challengeSchema.parse({ ...base, firmware: { boards: ['virtual', 'sim'] } }))).toEqual([
      'firmware.boards: images for the virtual board (mps2-an386) do not run on nano33ble or sim boards: list virtual alone, or the Nano kinds',
    ]);
    expect(challengeSchema.safeParse({ ...base, firmware: { boards: ['esp32'] } }).success).toBe(false);
  });
});

describe.skipIf(!HAVE_VIRTUAL || !HAVE_SHARED_MODELS)('learner firmware on virtual boards', () => {
  // The template built with the KWS reference model, as the README says (shared: builds cost seconds).
  let build: string;
  beforeAll(async () => {
    build = mkdtempSync(join(tmpdir(), 'tinyarena-template-'));
    await makeFirmware('template', build, { MODEL: sharedPath('models/kws_ref_model.tflite')!, PROFILE: 'kws01', NAME: 'kws-template' });
  }, 120_000);
  afterAll(() => rmSync(build, { recursive: true, force: true }));

  it('the template, built with a model as its README says, passes the virtual board’s checks and scores through a full submission', async () => {
    const elf = join(build, 'template', 'firmware.elf');
    const image = new Uint8Array(readFileSync(elf));
    // Checked for the virtual board's target; the Nano's memory map refuses it (linked at 0, not after the bootloader).
    const checked = checkFirmware(image, { board: MPS2_AN386, fileName: 'firmware.elf' });
    expect(checked.ok).toBe(true);
    // No bootloader on the virtual board: the image starts at 0.
    expect(checked.checks.find((c) => c.id === 'flash-range')!.message).toMatch(/^0x00000000–0x[0-9a-f]{8}, within flash$/);
    expect(checkFirmware(image, { board: NANO33BLE, fileName: 'firmware.elf' }).checks.find((c) => c.id === 'flash-range')!.status).toBe('fail');
    // The CLI check a learner runs first.
    const cli = spawnSync(process.execPath, [fromRoot('bin', 'tinyarena.js'), 'rack', 'check-firmware', elf, '--board', 'virtual', '--json'], { encoding: 'utf8' });
    expect(cli.status, cli.stderr).toBe(0);
    expect(JSON.parse(cli.stdout)).toMatchObject({ ok: true, board: MPS2_AN386.name });

    const s = await pipelineServices({ challenge: { firmware: { boards: ['virtual'] } } });
    // A simulated board too: the challenge's YAML keeps the job off it.
    await virtualRack(s, ['virtual-1'], { active: true, sims: ['sim-1'] });
    const ada = await person(s, 'ada');
    const res = await submit(s, { challengeId: 'kws-test', personId: ada.id, fileName: 'firmware.elf', source: 'cli', body: image });
    expect(res.state).toBe('queued');
    const pool = new WorkerPool(s);
    await pool.start();
    try {
      await waitSettled(s, [res.id], 150_000);
    } finally {
      await pool.stop();
    }
    const status = (await submissionStatus(s.db, res.id, { publicUrl: 'http://x', workers: 2, showPrivate: true }))!;
    expect(status.stages.map((x) => [x.name, x.status])).toEqual([
      ['validate', 'passed'],
      // A firmware has no model for the host to score: the board does both.
      ['score', 'skipped'],
      ['device', 'passed'],
      ['publish', 'passed'],
    ]);
    const detail = status.stages.find((x) => x.name === 'device')!.detail as { boardId: string; boardKind: string; dutName: string; profile: string; samples: number; latencyMs: number; latencyBasis: string; scores: { public: { metric: string; n: number } } };
    expect(detail).toMatchObject({ boardId: 'virtual-1', boardKind: 'virtual', dutName: 'kws-template', profile: 'kws01' });
    // Judged on every sample of both splits, as a model is.
    const splits = detail as unknown as { scores: { public: { n: number }; private: { n: number } } };
    expect(detail.samples).toBe(splits.scores.public.n + splits.scores.private.n);
    expect(detail.scores.public).toMatchObject({ metric: 'top1' });
    expect(detail.latencyBasis).toMatch(/^estimated on a virtual board: [\d,]+ Cortex-M4 instructions per inference \(from the firmware's µs timestamps/);
    // About the harness's KWS figure (same runtime, plus the template's input copy and laps).
    expect(detail.latencyMs).toBeGreaterThan(300);
    expect(detail.latencyMs).toBeLessThan(450);
    expect(status.score).not.toBeNull();
    // The challenge page tells learners what to build for it: the virtual board's image, not a Nano's.
    const html = await (await fetch(`${await webUp(s)}/challenges/kws-test`)).text();
    expect(html).toContain("Or compiled firmware for TinyArena's virtual board, no kit needed");
    expect(html).toContain('<code>firmware/template/</code>');
    expect(html).not.toContain('linked at 0x10000');
    // The board took its harness back.
    expect(await rackStatus(s.db)).toEqual(expect.arrayContaining([expect.objectContaining({ id: 'virtual-1', state: 'idle', firmwareVersion: '0.2.0-mps2' })]));
  }, 180_000);

  it('building the template again with another model, profile and name (the README\'s loop) rebuilds what they change', async () => {
    const build = tempDir('tinyarena-template-again-');
    const models = tempDir('tinyarena-template-models-');
    const kws = join(models, 'kws.tflite');
    const ad = join(models, 'ad.tflite');
    copyFileSync(sharedPath('models/kws_ref_model.tflite')!, kws);
    copyFileSync(sharedPath('models/ad01_int8.tflite')!, ad);
    // The second model is older than the first build: make's timestamps alone would keep the old one.
    utimesSync(ad, new Date('2020-01-01T00:00:00Z'), new Date('2020-01-01T00:00:00Z'));
    const bin = () => readFileSync(join(build, 'template', 'firmware.bin'));
    await makeFirmware('template', build, { MODEL: kws, PROFILE: 'kws01', NAME: 'first-kws' });
    expect(bin().includes(readFileSync(kws))).toBe(true);
    await makeFirmware('template', build, { MODEL: ad, PROFILE: 'ad01', NAME: 'second-ad' });
    const image = bin();
    expect(image.includes(readFileSync(ad))).toBe(true);
    expect(image.includes(readFileSync(kws))).toBe(false);
    expect(image.includes(Buffer.from('second-ad\0'))).toBe(true);
    expect(image.includes(Buffer.from('first-kws\0'))).toBe(false);
    expect(image.includes(Buffer.from('ad01\0'))).toBe(true);
    // Nothing changed: nothing rebuilt.
    const before = readFileSync(join(build, 'template', 'firmware.elf'));
    await makeFirmware('template', build, { MODEL: ad, PROFILE: 'ad01', NAME: 'second-ad' });
    expect(readFileSync(join(build, 'template', 'firmware.elf')).equals(before)).toBe(true);
  }, 120_000);

  it('a run that would outlast the device stage stops at its deadline and hands the board back with its harness', async () => {
    // An AD demo set is ~15,700 windows of 2,560 bytes, 83 `db` round trips each: far more than a
    // stage's 15 minutes on any board. The stage job gives up then; the board must not stay leased.
    const image = new Uint8Array(readFileSync(join(build, 'template', 'firmware.bin')));
    const s = await testServices();
    const rack = await virtualRack(s, ['virtual-1']);
    const samples = Array.from({ length: 300 }, (_, i) => ({ id: `s${i}`, label: 0, split: 'public' as const, inputs: [new Uint8Array(490)] }));
    const t0 = Date.now();
    const run = runFirmwareOnDevice(rack, { image: { bytes: image, address: 0 }, modelId: 'kws01', samples, warmups: 0, inferences: 1, expectedUs: 2_000_000, bootTimeoutMs: 10_000, boardKinds: ['virtual'], deadlineAt: t0 + 3_000 });
    const err = await run.then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(FirmwareRunOverrunError);
    expect((err as FirmwareRunOverrunError).done).toBeLessThan(300);
    expect((err as FirmwareRunOverrunError).message).toMatch(/^the board answered \d+ of 300 inputs in \d+ s, the time the device stage has$/);
    expect(Date.now() - t0).toBeLessThan(60_000);
    const row = (await s.db.board.findUnique({ where: { id: 'virtual-1' } }))!;
    expect(row).toMatchObject({ state: 'idle', consecutiveFailures: 0, firmwareVersion: '0.2.0-mps2', leasedBy: null });
    const name = await rack.run(async (session) => session.client.hello(), { expectedUs: 1000 });
    expect(name.value).toBe('tinyarena-virtual-mps2-an386');
  }, 120_000);

  it('a firmware that hangs, one that crashes the emulated core at reset, one that faults mid-run and one that locks up are the learner’s; the board comes back with its harness', async () => {
    const s = await testServices();
    const rack = await virtualRack(s, ['virtual-1'], { commandTimeoutMs: 2_000, firmware: { bootTimeoutMs: 3_000 } });
    const dir = tempDir('tinyarena-badfw-');
    // Boots, then never reads a byte again.
    const hangs = new Uint8Array(readFileSync(tinyImage(dir, 'hangs', 'for (;;) {}')));
    // A vector table whose reset handler is address 0 without the Thumb bit: the core locks up at once.
    const crashes = new Uint8Array(64);
    new DataView(crashes.buffer).setUint32(0, 0x20400000, true);
    const req = (bytes: Uint8Array) => ({ image: { bytes, address: 0 }, modelId: 'kws01', samples: [{ id: 's', label: 0, split: 'public' as const, inputs: [new Uint8Array(490)] }], warmups: 0, inferences: 1, expectedUs: 100_000, bootTimeoutMs: 3_000, boardKinds: ['virtual'] });
    // Boots, then faults on the first command: the fault handler prints and resets, over and over.
    const faults = new Uint8Array(readFileSync(tinyImage(dir, 'faults', 'board_wait_for_input();\n  __asm volatile("udf #0");\n  for (;;) {}')));
    // Boots, then faults with faults masked: the core locks up (no handler can run).
    const locks = new Uint8Array(readFileSync(tinyImage(dir, 'locks', 'board_wait_for_input();\n  __asm volatile("cpsid f\\n udf #0");\n  for (;;) {}')));
    await expect(runFirmwareOnDevice(rack, req(hangs))).rejects.toThrow(FirmwareRunError);
    await expect(runFirmwareOnDevice(rack, req(crashes))).rejects.toThrow(/did not print m-init-done within 3000 ms after flashing/);
    // The learner reads what their firmware printed instead of answering.
    await expect(runFirmwareOnDevice(rack, req(faults))).rejects.toThrow(/^no m-ready within 2000 ms after "name%" \(it printed instead: ("[^"]*", )*"fault: hard fault; resetting", "m-timestamp-mode-performance"/);
    await expect(runFirmwareOnDevice(rack, req(locks))).rejects.toThrow(FirmwareRunError);
    // Not counted against the board: idle, no failures, the harness answering again.
    const row = (await s.db.board.findUnique({ where: { id: 'virtual-1' } }))!;
    expect(row).toMatchObject({ state: 'idle', consecutiveFailures: 0, firmwareVersion: '0.2.0-mps2' });
    const name = await rack.run(async (session) => session.client.hello(), { expectedUs: 1000 });
    expect(name.value).toBe('tinyarena-virtual-mps2-an386');
  }, 120_000);
});
