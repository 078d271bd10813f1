/**
 * Firmware submissions end to end on a rack of simulated boards (socat ptys): intake checks the image
 * (vector table, flash budget) and rejects bad ones at once with the address or size at fault; a good
 * image is flashed, driven with the MLPerf Tiny base protocol on a fixed subset of each split, scored
 * from what it prints, ranked, and the harness is back on the board afterwards (a model submission
 * then passes the device stage on the same rack). Firmware faults are the learner's, not the board's.
 */
import { describe, expect, it } from 'vitest';
import type { Services } from '../../core/services.js';
import { toIntelHex } from '../../grader/firmware/write.js';
import { argmax } from '../../grader/metrics/classification.js';
import { Interpreter } from '../../grader/interpreter/interpreter.js';
import { submit } from '../../arena/intake.js';
import { issueToken } from '../../arena/people.js';
import { submissionStatus } from '../../arena/status.js';
import { buildSimFirmwareImage } from '../../grader/rack/sim/firmware-image.js';
import { parseModel } from '../../grader/tflite/parse.js';
import { WorkerPool } from '../../worker/workers.js';
import { kwsModel, person, pipelineServices, waitSettled } from '../helpers/pipeline.js';
import { HAVE_SOCAT, simRack } from '../helpers/rack.js';
import { webUp } from '../helpers/web.js';
import { IntakeError } from '../../arena/errors.js';

const APP = 0x10000;

async function grade(s: Services, ids: string[]): Promise<void> {
  const pool = new WorkerPool(s);
  await pool.start();
  try {
    await waitSettled(s, ids, 90_000);
  } finally {
    await pool.stop();
  }
}

const statusOf = async (s: Services, id: string) => (await submissionStatus(s.db, id, { publicUrl: 'http://x', workers: 2, showPrivate: true }))!;

describe.skipIf(!HAVE_SOCAT)('firmware submissions on the rack (simulated boards on socat ptys)', () => {
  it('rejects a bad vector table and an over-size image at intake with the precise reason, and firmware where a challenge takes models only', async () => {
    const s = await pipelineServices({ challenge: { firmware: { flashBudgetBytes: 64 * 1024 } } });
    const ada = await person(s, 'ada');
    const good = buildSimFirmwareImage({ model: kwsModel(), profile: 'kws01' });

    const badSp = good.slice();
    new DataView(badSp.buffer).setUint32(0, 0x30000000, true);
    const r1 = await submit(s, { challengeId: 'kws-test', personId: ada.id, fileName: 'fw.bin', source: 'cli', body: badSp });
    expect(r1.status).toBe('rejected');
    expect(r1.reason).toMatch(/initial stack pointer 0x30000000 is outside RAM/);

    const badReset = good.slice();
    new DataView(badReset.buffer).setUint32(4, 0x00000200, true);
    const r2 = await submit(s, { challengeId: 'kws-test', personId: ada.id, fileName: 'fw.bin', source: 'cli', body: badReset });
    expect(r2.reason).toMatch(/reset handler 0x00000200 lacks the Thumb bit/);

    const big = buildSimFirmwareImage({ model: kwsModel(), profile: 'kws01', padTo: 80 * 1024 });
    const r3 = await submit(s, { challengeId: 'kws-test', personId: ada.id, fileName: 'big.hex', source: 'cli', body: toIntelHex(big, APP) });
    expect(r3.status).toBe('rejected');
    expect(r3.reason).toMatch(/needs 81920 bytes of flash from 0x00010000, over the budget of 65536 bytes by 16384/);

    // Rejections at intake cost nothing and are recorded with the firmware checks.
    const rows = await s.db.submission.findMany({ where: { id: { in: [r1.id, r2.id, r3.id] } } });
    expect(rows.every((r) => r.kind === 'firmware' && r.state === 'rejected' && !r.quotaCharged)).toBe(true);
    const st = await statusOf(s, r1.id);
    expect(st.kind).toBe('firmware');
    expect(st.stages[0]).toMatchObject({ name: 'validate', status: 'failed' });

    const models = await pipelineServices({ challenge: { id: 'models-only' } });
    const bob = await person(models, 'bob');
    await expect(submit(models, { challengeId: 'models-only', personId: bob.id, fileName: 'fw.bin', source: 'cli', body: good })).rejects.toThrow(IntakeError);
    await expect(submit(models, { challengeId: 'models-only', personId: bob.id, fileName: 'fw.bin', source: 'cli', body: good })).rejects.toThrow(/compiled firmware.*takes int8 \.tflite models only/);
  }, 60_000);

  it('judges the same model alike as a .tflite and as firmware: same samples, same quality, one flash scale', async () => {
    // runtimeBytes: the simulated harness without a model (image bytes − model bytes).
    const model = kwsModel();
    const image = buildSimFirmwareImage({ model, profile: 'kws01' });
    const s = await pipelineServices({ challenge: { firmware: {}, samples: 30, deviceTimeoutMs: 5_000, runtimeBytes: image.length - model.length } });
    await simRack(s, [{ id: 'sim-a' }, { id: 'sim-b' }], { active: true });
    const [ada, bob] = [await person(s, 'ada'), await person(s, 'bob')];
    const asModel = await submit(s, { challengeId: 'kws-test', personId: ada.id, fileName: 'kws.tflite', source: 'cli', body: model });
    const asFirmware = await submit(s, { challengeId: 'kws-test', personId: bob.id, fileName: 'kws.bin', source: 'cli', body: image });
    await grade(s, [asModel.id, asFirmware.id]);
    const m = await statusOf(s, asModel.id);
    const f = await statusOf(s, asFirmware.id);
    expect([m.state, f.state]).toEqual(['done', 'done']);
    const modelScores = m.stages.find((x) => x.name === 'score')!.detail as { public: { value: number; n: number }; private: { value: number; n: number } };
    const firmwareScores = (f.stages.find((x) => x.name === 'device')!.detail as { scores: typeof modelScores }).scores;
    for (const split of ['public', 'private'] as const) {
      expect([split, firmwareScores[split].n, firmwareScores[split].value]).toEqual([split, modelScores[split].n, modelScores[split].value]);
    }
    expect(modelScores.public.n + modelScores.private.n).toBe(30);
    // One flash scale: the model's bytes plus the harness runtime = the image's flash.
    const rows = await s.db.score.findMany({ where: { submissionId: { in: [asModel.id, asFirmware.id] }, split: 'public' } });
    const flashOf = (id: string) => (rows.find((r) => r.submissionId === id)!.detail as { terms: { flash: number; quality: number } }).terms;
    expect(flashOf(asFirmware.id)).toMatchObject({ flash: flashOf(asModel.id).flash, quality: flashOf(asModel.id).quality });
    // The challenge page says how the two kinds are ranked.
    const base = await webUp(s);
    const html = await (await fetch(`${base}/challenges/kws-test`)).text();
    expect(html).toContain('How models and firmware are ranked:');
    expect(html).toMatch(/judged on every held-out sample of each split/);
  });

  it('flashes a firmware, scores it from what it prints on the board, ranks it, and restores the harness', async () => {
    const s = await pipelineServices({ challenge: { firmware: {}, samples: 30, deviceTimeoutMs: 5_000 } });
    const rack = await simRack(s, [{ id: 'sim-a' }, { id: 'sim-b' }], { active: true });
    const ada = await person(s, 'ada');
    const model = kwsModel();
    const image = buildSimFirmwareImage({ model, profile: 'kws01', name: 'ada-kws' });
    const fw = await submit(s, { challengeId: 'kws-test', personId: ada.id, fileName: 'ada.hex', source: 'cli', body: toIntelHex(image, APP) });
    expect(fw.status).toBe('accepted');
    await grade(s, [fw.id]);

    const st = await statusOf(s, fw.id);
    expect(st.state).toBe('done');
    expect(st.stages.map((x) => [x.name, x.status])).toEqual([
      ['validate', 'passed'],
      ['score', 'skipped'],
      ['device', 'passed'],
      ['publish', 'passed'],
    ]);
    const device = st.stages.find((x) => x.name === 'device')!.detail as {
      firmware: boolean;
      dutName: string;
      profile: string;
      samples: number;
      latencyMs: number;
      scores: { public: { metric: string; value: number; n: number }; private: { value: number; n: number } };
    };
    // Every sample of the set (both splits), as a model is scored.
    expect(device).toMatchObject({ firmware: true, dutName: 'ada-kws', profile: 'kws01', samples: 30 });
    expect(device.scores.public.n + device.scores.private.n).toBe(30);
    expect(device.scores.public).toMatchObject({ metric: 'top1' });
    expect(device.latencyMs).toBeGreaterThan(0);
    // Progress was shown while it ran: flashing, booting, samples, the harness going back.
    const events = await s.db.submissionEvent.findMany({ where: { submissionId: fw.id, type: 'stage-progress' }, orderBy: { id: 'asc' } });
    expect([...new Set(events.map((e) => (e.data as { phase: string }).phase))]).toEqual(['flash', 'boot', 'run', 'restore']);

    // The board's top-1 is what the model computes on the raw sample bytes (kws01 firmware copies
    // the stored int8 MFCCs into its input, as MLPerf Tiny firmware does).
    const challenge = await s.db.challenge.findUniqueOrThrow({ where: { id: 'kws-test' } });
    expect(challenge).toBeTruthy();
    const interp = Interpreter.create(parseModel(model), { arithmetic: 'tflm' });
    const { resolveChallengeDataset } = await import('../../grader/datasets/resolve.js');
    const { getChallenge } = await import('../../arena/catalog.js');
    const view = await getChallenge(s.db, 'kws-test', s.config.CHALLENGES_DIR);
    const { dataset, splitSeed, privateFraction } = await resolveChallengeDataset(view.def, view.dir, { dataDir: s.config.DATA_DIR });
    const { isPrivate } = await import('../../grader/metrics/split.js');
    const pub = dataset.samples.filter((x) => !isPrivate(splitSeed, x.id, privateFraction));
    expect(device.scores.public.n).toBe(pub.length);
    const right = pub.filter((x) => {
      interp.setInputBytes(x.data);
      interp.invoke();
      const out = interp.getOutputBytes();
      return argmax(new Int8Array(out.buffer, out.byteOffset, out.length)) === x.label;
    }).length;
    expect(device.scores.public.value).toBeCloseTo(right / pub.length, 10);
    expect(st.rank).toBe(1);
    expect(st.score).not.toBeNull();

    // The report page (to its author) shows the firmware checks, the run on the board and the on-board confusion matrix.
    const base = await webUp(s);
    const html = await (await fetch(`${base}/submissions/${fw.id}`, { headers: { authorization: `Bearer ${(await issueToken(s.db, ada.id, 't')).secret}` } })).text();
    expect(html).toContain('Firmware checks');
    expect(html).toMatch(/Firmware run on board sim-[ab]: DUT “ada-kws”, profile kws01, 30 held-out samples/);
    expect(html).toMatch(/<svg[^>]*>[\s\S]*confusion/i);
    // A learner sees only the public split of an on-board score until the reveal.
    const learnerView = (await submissionStatus(s.db, fw.id, { publicUrl: 'http://x', workers: 2 }))!;
    expect((learnerView.stages.find((x) => x.name === 'device')!.detail as { scores: Record<string, unknown> }).scores).not.toHaveProperty('private');

    // The harness is back on every board: a model submission passes the device stage byte-equal.
    const rows = await s.db.board.findMany({ orderBy: { id: 'asc' } });
    expect(rows.map((r) => [r.id, r.state, r.consecutiveFailures])).toEqual([
      ['sim-a', 'idle', 0],
      ['sim-b', 'idle', 0],
    ]);
    const bob = await person(s, 'bob');
    const m = await submit(s, { challengeId: 'kws-test', personId: bob.id, fileName: 'model.tflite', source: 'cli', body: model });
    await grade(s, [m.id]);
    const ms = await statusOf(s, m.id);
    expect(ms.stages.find((x) => x.name === 'device')).toMatchObject({ status: 'passed', detail: expect.objectContaining({ byteEqual: true }) as unknown });
    // On the board's Pareto plot the firmware counts the flash its image takes, not its .hex text.
    const board = await (await fetch(`${base}/challenges/kws-test/leaderboard`)).text();
    expect(board).toContain(`${image.length.toLocaleString('en-US')} bytes</title>`);
    expect(board).toContain(`${model.length.toLocaleString('en-US')} bytes</title>`);
    expect(rack).toBeTruthy();
  }, 120_000);

  it("a firmware that answers another profile or does not boot is rejected as the learner's, with the board left healthy", async () => {
    const s = await pipelineServices({ challenge: { firmware: { bootTimeoutMs: 1_500 }, deviceTimeoutMs: 5_000 } });
    await simRack(s, [{ id: 'sim-a' }, { id: 'sim-b' }], { active: true });
    const ada = await person(s, 'ada');
    const wrong = await submit(s, { challengeId: 'kws-test', personId: ada.id, fileName: 'vww.bin', source: 'cli', body: buildSimFirmwareImage({ model: kwsModel(), profile: 'vww01' }) });
    const silent = await submit(s, { challengeId: 'kws-test', personId: ada.id, fileName: 'silent.bin', source: 'cli', body: buildSimFirmwareImage({}) });
    expect([wrong.status, silent.status]).toEqual(['accepted', 'accepted']);
    await grade(s, [wrong.id, silent.id]);

    const w = await statusOf(s, wrong.id);
    expect(w.state).toBe('rejected');
    expect(w.reason).toMatch(/m-model-\[vww01\], but this challenge runs kws01/);
    const q = await statusOf(s, silent.id);
    expect(q.state).toBe('rejected');
    expect(q.reason).toMatch(/m-init-done/);
    // Learner faults: quota stays charged, boards are not blamed.
    const subs = await s.db.submission.findMany({ where: { id: { in: [wrong.id, silent.id] } } });
    expect(subs.every((x) => x.quotaCharged)).toBe(true);
    const boards = await s.db.board.findMany();
    expect(boards.map((b) => [b.id, b.state, b.consecutiveFailures, b.lastError])).toEqual(boards.map((b) => [b.id, 'idle', 0, null]));
  }, 120_000);
});
