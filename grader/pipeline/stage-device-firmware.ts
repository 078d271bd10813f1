/**
 * Device stage of a firmware submission (`.bin`, `.hex`, `.elf`): there is no model to score on the
 * host, so the board does both. The rack flashes the image onto a leased board, this drives the
 * MLPerf Tiny base protocol on a fixed subset of each split (`firmware.samples`, chosen by the split
 * seed, the same for every submission), and the printed results give the task metric per split; the
 * latency is the median of timed runs. The harness is flashed back afterwards (grader/rack/rack.ts).
 *
 * Blame: a firmware that does not boot, answers the wrong `profile`, hangs or prints nonsense on a
 * board that then proves healthy is the learner's (rejected, quota kept); no usable board is ours
 * (retried, then refunded).
 */
import { createHash } from 'node:crypto';
import { firmwareModelId } from '../challenges/schema.js';
import { DatasetError, type Dataset, type Sample } from '../datasets/dataset.js';
import { resolveChallengeDataset } from '../datasets/resolve.js';
import { firmwareBoardProfile } from '../firmware/check.js';
import { FirmwareFormatError, readFirmware } from '../firmware/image.js';
import { toFlatBinary } from '../firmware/write.js';
import { isPrivate } from '../metrics/split.js';
import { activeRack } from '../rack/active.js';
import { runFirmwareOnDevice, scoreFirmwareOutputs, type FirmwareSample } from '../rack/firmware-run.js';
import { FirmwareRunError } from '../rack/rack.js';
import { StageStop } from './errors.js';
import type { StageContext, StageOutcome } from './stages.js';

const hashKey = (seed: string, id: string) => createHash('sha256').update(`firmware\0${seed}\0${id}`).digest('hex');

/**
 * The fixed subset of one split: the `n` samples with the smallest seeded hash; for AD half from each
 * class, so the AUC of the subset is defined.
 */
export function firmwareSubset(samples: Sample[], task: Dataset['task'], seed: string, n: number): Sample[] {
  const order = (xs: Sample[]) => [...xs].sort((a, b) => (hashKey(seed, a.id) < hashKey(seed, b.id) ? -1 : 1));
  if (task !== 'ad') return order(samples).slice(0, n);
  const normal = order(samples.filter((s) => s.label === 0));
  const anomalous = order(samples.filter((s) => s.label === 1));
  // Half each, the other class filling in when one is short.
  const takeAnomalous = Math.min(anomalous.length, n - Math.min(normal.length, Math.ceil(n / 2)));
  const takeNormal = Math.min(normal.length, n - takeAnomalous);
  return [...normal.slice(0, takeNormal), ...anomalous.slice(0, takeAnomalous)];
}

/** `count` evenly spaced windows of an AD file (first and last included). */
export function adWindows(data: Uint8Array, window: { bytes: number; stride: number }, count: number): Uint8Array[] {
  const n = Math.floor((data.length - window.bytes) / window.stride) + 1;
  if (n < 1) throw new DatasetError(`an AD file of ${data.length} bytes is shorter than one ${window.bytes}-byte window`);
  const k = Math.min(count, n);
  const idx = k === 1 ? [0] : Array.from({ length: k }, (_, i) => Math.round((i * (n - 1)) / (k - 1)));
  return idx.map((w) => data.subarray(w * window.stride, w * window.stride + window.bytes));
}

export async function firmwareDeviceStage({ services, submission, challenge, progress }: StageContext): Promise<StageOutcome> {
  const fw = challenge.def.firmware;
  if (!fw) throw new StageStop('rejected', `${challenge.def.title} does not accept firmware submissions`);
  const rack = activeRack();
  if (!rack) throw new StageStop('failed', 'no board rack is attached to this grader, and firmware submissions can only be graded on a board');
  if (!challenge.def.dataset) throw new StageStop('failed', `challenge ${challenge.def.id} names no held-out set (dataset.path in its challenge.yaml)`);
  let resolved;
  try {
    resolved = await resolveChallengeDataset(challenge.def, challenge.dir, { dataDir: services.config.DATA_DIR });
  } catch (err) {
    if (err instanceof DatasetError) throw new StageStop('failed', `the held-out set of ${challenge.def.id} cannot be read: ${err.message}`);
    throw err;
  }
  const { dataset, privateFraction, splitSeed } = resolved;

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

  // Same split as the score stage; a split that cannot stand alone borrows the whole set.
  const splits = { public: dataset.samples.filter((s) => !isPrivate(splitSeed, s.id, privateFraction)), private: dataset.samples.filter((s) => isPrivate(splitSeed, s.id, privateFraction)) };
  const usable = (xs: Sample[]) => xs.length > 0 && (dataset.task !== 'ad' || new Set(xs.map((x) => x.label)).size === 2);
  const samples: FirmwareSample[] = [];
  const chosen = { public: [] as Sample[], private: [] as Sample[] };
  for (const split of ['public', 'private'] as const) {
    chosen[split] = firmwareSubset(usable(splits[split]) ? splits[split] : dataset.samples, dataset.task, `${splitSeed}\0${split}`, fw.samples);
    for (const s of chosen[split]) samples.push({ id: s.id, label: s.label, split, inputs: dataset.task === 'ad' ? adWindows(s.data, dataset.window!, fw.windowsPerFile) : [s.data] });
  }

  const device = challenge.def.device;
  const modelId = firmwareModelId(challenge.def.task);
  const t0 = performance.now();
  let report;
  try {
    // The firmware is unknown: time out at the challenge's per-inference limit.
    let phase = '';
    const onProgress = (e: { phase: string; boardId?: string; fraction?: number }) => {
      void progress?.({ phase: e.phase, ...(e.boardId ? { board: e.boardId } : {}), ...(e.fraction !== undefined ? { fraction: Math.round(e.fraction * 100) / 100 } : {}) }, e.phase !== phase);
      phase = e.phase;
    };
    report = await runFirmwareOnDevice(rack, { image, modelId, samples, warmups: device.warmups, inferences: device.inferences, expectedUs: (device.timeoutMs * 1000) / 4, bootTimeoutMs: fw.bootTimeoutMs, boardKinds: fw.boards, onProgress }, submission.id);
  } catch (err) {
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
    split: { seed: splitSeed, privateFraction, publicN: chosen.public.length, privateN: chosen.private.length, publicUsesWholeSet: !usable(splits.public), privateUsesWholeSet: !usable(splits.private), windowsPerFile: dataset.task === 'ad' ? fw.windowsPerFile : undefined },
  };
  if (report.latencyMs > device.timeoutMs) {
    return { status: 'failed', detail, reason: `one inference takes ${report.latencyMs} ms on the board${report.latencyEstimate ? ' (estimated on a virtual board)' : ''}, over the challenge's limit of ${device.timeoutMs} ms` };
  }
  return { status: 'passed', detail };
}
