/**
 * Learner firmware on virtual boards: the template of firmware/template/, built with a model as its
 * README says, passes the intake checks for the virtual board and scores through a full submission
 * (flashed onto a virtual board, driven with the MLPerf Tiny base protocol, harness restored after);
 * the challenge YAML decides which board kinds take firmware; a firmware that hangs or crashes is the
 * learner's fault and the board comes back with its harness.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fromRoot } from '../../core/paths.js';
import { challengeSchema, crossFieldProblems } from '../../grader/challenges/schema.js';
import { checkFirmware, MPS2_AN386, NANO33BLE } from '../../grader/firmware/check.js';
import { submit } from '../../arena/intake.js';
import { submissionStatus } from '../../arena/status.js';
import { runFirmwareOnDevice } from '../../grader/rack/firmware-run.js';
import { FirmwareRunError } from '../../grader/rack/rack-job.js';
import { rackStatus } from '../../grader/rack/status.js';
import { makeFirmware } from '../../grader/rack/virtual/firmware-build.js';
import { WorkerPool } from '../../worker/workers.js';
import { person, pipelineServices, waitSettled } from '../helpers/pipeline.js';
import { testServices } from '../helpers/services.js';
import { HAVE_SHARED_MODELS, sharedPath } from '../helpers/shared.js';
import { tempDir } from '../helpers/tmp.js';
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
  it('the template, built with a model as its README says, passes the virtual board’s checks and scores through a full submission', async () => {
    const build = tempDir('tinyarena-template-');
    await makeFirmware('template', build, { MODEL: sharedPath('models/kws_ref_model.tflite')!, PROFILE: 'kws01', NAME: 'kws-template' });
    const elf = join(build, 'template', 'firmware.elf');
    const image = new Uint8Array(readFileSync(elf));
    // Checked for the virtual board's target; the Nano's memory map refuses it (linked at 0, not after the bootloader).
    expect(checkFirmware(image, { board: MPS2_AN386, fileName: 'firmware.elf' }).ok).toBe(true);
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
    // The board took its harness back.
    expect(await rackStatus(s.db)).toEqual(expect.arrayContaining([expect.objectContaining({ id: 'virtual-1', state: 'idle', firmwareVersion: '0.2.0-mps2' })]));
  }, 180_000);

  it('a firmware that hangs, and one that crashes the emulated core, are the learner’s; the board comes back with its harness', async () => {
    const s = await testServices();
    const rack = await virtualRack(s, ['virtual-1'], { commandTimeoutMs: 2_000, firmware: { bootTimeoutMs: 3_000 } });
    const dir = tempDir('tinyarena-badfw-');
    // Boots, then never reads a byte again.
    const hangs = new Uint8Array(readFileSync(tinyImage(dir, 'hangs', 'for (;;) {}')));
    // A vector table whose reset handler is address 0 without the Thumb bit: the core locks up at once.
    const crashes = new Uint8Array(64);
    new DataView(crashes.buffer).setUint32(0, 0x20400000, true);
    const req = (bytes: Uint8Array) => ({ image: { bytes, address: 0 }, modelId: 'kws01', samples: [{ id: 's', label: 0, split: 'public' as const, inputs: [new Uint8Array(490)] }], warmups: 0, inferences: 1, expectedUs: 100_000, bootTimeoutMs: 3_000, boardKinds: ['virtual'] });
    await expect(runFirmwareOnDevice(rack, req(hangs))).rejects.toThrow(FirmwareRunError);
    await expect(runFirmwareOnDevice(rack, req(crashes))).rejects.toThrow(/did not print m-init-done within 3000 ms after flashing/);
    // Not counted against the board: idle, no failures, the harness answering again.
    const row = (await s.db.board.findUnique({ where: { id: 'virtual-1' } }))!;
    expect(row).toMatchObject({ state: 'idle', consecutiveFailures: 0, firmwareVersion: '0.2.0-mps2' });
    const name = await rack.run(async (session) => session.client.hello(), { expectedUs: 1000 });
    expect(name.value).toBe('tinyarena-virtual-mps2-an386');
  }, 120_000);
});
