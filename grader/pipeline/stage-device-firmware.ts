/**
 * Device stage of a firmware submission (`.bin`, `.hex`, `.elf`): there is no model to score on the
 * host, so the board does both. The rack flashes the image onto a leased board, this drives the
 * MLPerf Tiny base protocol on every sample of each split — exactly the samples a model is scored on,
 * as the MLPerf Tiny runner's accuracy mode sends the whole set (AD: every window of every file) — and
 * the printed results give the task metric per split; the latency is the median of timed runs. The harness is flashed back afterwards (grader/rack/rack.ts).
 *
 * Blame: a firmware that does not boot, answers the wrong `profile`, hangs or prints nonsense on a
 * board that then proves healthy is the learner's (rejected, quota kept); no usable board is ours
 * (retried, then refunded).
 */
import { spreadWindows, type Sample } from '../datasets/dataset.js';
import { firmwareBoardProfile } from '../firmware/check.js';
import { FirmwareFormatError, readFirmware } from '../firmware/image.js';
import { toFlatBinary } from '../firmware/write.js';
import { taskPlugin } from '../tasks/index.js';
import { activeRack } from '../rack/active.js';
import { FirmwareRunOverrunError, runFirmwareOnDevice, scoreFirmwareOutputs, type FirmwareSample } from '../rack/firmware-run.js';
import { FirmwareRunError } from '../rack/rack-job.js';
import { heldOutSet, splitHeldOut } from './held-out.js';
import { boardWaitProgress } from './board-wait.js';
import { STAGE_TIMEOUT_MS, StageStop, type StageContext, type StageOutcome } from '../../arena/stage-contract.js';

/** Kept from the device stage's time limit for restoring the harness (bossac on a kit) and the bookkeeping after. */
export const FIRMWARE_RESTORE_MARGIN_MS = 2 * 60_000;

export async function firmwareDeviceStage(ctx: StageContext, stageTimeoutMs = STAGE_TIMEOUT_MS.device): Promise<StageOutcome> {
  // The stage job is abandoned at its time limit, but the board run would go on holding the board:
  // it stops in time to hand the board back (the harness restored) first.
  const deadlineAt = Date.now() + stageTimeoutMs - FIRMWARE_RESTORE_MARGIN_MS;
  const { services, submission, challenge, progress } = ctx;
  const fw = challenge.def.firmware;
  if (!fw) throw new StageStop('rejected', `${challenge.def.title} does not accept firmware submissions`);
  const rack = activeRack();
  if (!rack) throw new StageStop('failed', 'no board rack is attached to this grader, and firmware submissions can only be graded on a board');
  const resolved = await heldOutSet(ctx);
  const { dataset, privateFraction } = resolved;
  const plugin = taskPlugin(dataset.task);

  // The image's target decides where it starts (challenge YAML firmware.boards).
  const target = firmwareBoardProfile(fw.boards);
  const appStart = target.flashStart + target.bootloaderBytes;
  let image;
  try {
    image = { bytes: toFlatBinary(readFirmware(await services.blobs.readBytes(submission.blobSha256), submission.fileName, appStart), appStart), address: appStart };
  } catch (err) {
    if (err instanceof FirmwareFormatError) return { status: 'failed', detail: { error: err.message }, reason: err.message };
    throw err;
  }

  // Same split as the score stage (a split that cannot stand alone borrows the whole set).
  const splits = splitHeldOut(resolved);
  const samples: FirmwareSample[] = [];
  const chosen = { public: [] as Sample[], private: [] as Sample[] };
  for (const split of ['public', 'private'] as const) {
    // The score stage's samples for this split, every window of an AD file: exactly what a model is judged on.
    chosen[split] = splits[split].samples;
    for (const s of chosen[split]) samples.push({ id: s.id, label: s.label, split, inputs: dataset.window ? spreadWindows(s.data, dataset.window, Number.POSITIVE_INFINITY) : [s.data] });
  }

  const device = challenge.def.device;
  const modelId = plugin.modelId;
  const t0 = performance.now();
  let report;
  try {
    // The firmware is unknown: time out at the challenge's per-inference limit.
    let phase = '';
    const onProgress = (e: { phase: string; boardId?: string; fraction?: number }) => {
      void progress?.({ phase: e.phase, ...(e.boardId ? { board: e.boardId } : {}), ...(e.fraction !== undefined ? { fraction: Math.round(e.fraction * 100) / 100 } : {}) }, e.phase !== phase);
      phase = e.phase;
    };
    report = await runFirmwareOnDevice(rack, { image, modelId, samples, warmups: device.warmups, inferences: device.inferences, expectedUs: (device.timeoutMs * 1000) / 4, bootTimeoutMs: fw.bootTimeoutMs, boardKinds: fw.boards, onProgress, onWait: boardWaitProgress(progress), deadlineAt, signal: ctx.signal }, submission.id);
  } catch (err) {
    // Too many inputs for the board protocol in the stage's time: the set's size, not the learner's
    // firmware (refunded, not retried: a retry would take as long).
    if (err instanceof FirmwareRunOverrunError) throw new StageStop('failed', `the device stage ran out of time: ${err.message}`);
    if (err instanceof FirmwareRunError) {
      const reason = `the firmware failed on the board: ${err.message}`;
      return { status: 'failed', detail: { error: reason }, reason };
    }
    throw err;
  }
  const durationMs = Math.round(performance.now() - t0);
  const scoreOf = (split: 'public' | 'private') => {
    const idx = samples.flatMap((s, i) => (s.split === split ? [i] : []));
    return scoreFirmwareOutputs(
      dataset.task,
      idx.map((i) => samples[i]!),
      idx.map((i) => report.results[i]!),
      { durationMs, arithmetic: device.arithmetic },
    );
  };
  let scores;
  try {
    scores = { public: scoreOf('public'), private: scoreOf('private') };
  } catch (err) {
    if (err instanceof FirmwareRunError) {
      const reason = `the firmware's output cannot be scored: ${err.message}`;
      return { status: 'failed', detail: { error: reason }, reason };
    }
    throw err;
  }
  const { results: _results, ...run } = report;
  const detail = {
    firmware: true,
    ...run,
    ...(report.latencyEstimate ? { latencyBasis: report.latencyEstimate.basis } : {}),
    imageBytes: image.bytes.length,
    modelId,
    samples: samples.length,
    scores,
    split: { privateFraction, publicN: chosen.public.length, privateN: chosen.private.length, publicUsesWholeSet: splits.public.usesWholeSet, privateUsesWholeSet: splits.private.usesWholeSet },
  };
  if (report.latencyMs > device.timeoutMs) {
    return { status: 'failed', detail, reason: `one inference takes ${report.latencyMs} ms on the board${report.latencyEstimate ? ' (estimated on a virtual board)' : ''}, over the challenge's limit of ${device.timeoutMs} ms` };
  }
  return { status: 'passed', detail };
}
