/**
 * A firmware submission on one leased board: the rack flashes it (and restores the harness after),
 * this drives the MLPerf Tiny base protocol on it — `name`, `profile` (must be the challenge's model
 * id), `db load`/`db` with each sample as the dataset stores it (the firmware converts, as MLPerf Tiny
 * firmware does), `infer 1 0` and the printed `m-results-[…]` — and times it (median of single-lap
 * runs after warm-ups). {@link scoreFirmwareOutputs} turns the printed results into the task metric.
 */
import type { ScoreResult } from '../scoring/score.js';
import { arithmeticLabel, type ArithmeticProfileName } from '../interpreter/arithmetic.js';
import { scoreOutputs, taskPlugin, type Task } from '../tasks/index.js';
import { median } from './device-run.js';
import type { FlashImage } from './flash/flasher.js';
import { FirmwareRunError, type FirmwareSession, type RunOptions, type RunResult } from './rack-job.js';
import type { Rack } from './rack.js';
import { instructionsFromVirtualMicros, virtualLatency, type VirtualLatency } from './virtual/latency.js';

export interface FirmwareSample {
  id: string;
  label: number;
  split: 'public' | 'private';
  /** Inputs sent for this sample: one for KWS/VWW, some windows of the file for AD. */
  inputs: Uint8Array[];
}

export interface FirmwareRunRequest {
  image: FlashImage;
  /** What `profile` must answer (kws01, vww01, ad01). */
  modelId: string;
  samples: FirmwareSample[];
  warmups: number;
  /** Timed runs; latency is their median. */
  inferences: number;
  /** Generous expected µs per inference (the firmware is unknown), for timeouts. */
  expectedUs: number;
  bootTimeoutMs: number;
  /** Board kinds that run this image (its target); default any. */
  boardKinds?: readonly string[];
  /**
   * Wall-clock time (`Date.now()`) by which the run must have sent its last input: past it the run
   * stops with {@link FirmwareRunOverrunError} and the rack restores the harness, so the board is not
   * held by a run whose stage job has already given up.
   */
  deadlineAt?: number;
  onProgress?: (e: { phase: 'flash' | 'boot' | 'run' | 'restore'; boardId?: string; fraction?: number }) => void;
  /** While every board that could run it is busy (see {@link RunOptions.onWait}). */
  onWait?: RunOptions['onWait'];
  /** The stage job was abandoned: stop waiting for a board, or stop before the next input (the harness is restored). */
  signal?: AbortSignal;
}

export interface FirmwareRunReport {
  boardId: string;
  boardKind: string;
  dutName: string;
  profile: string;
  bootMs: number;
  latencyMs: number;
  latencyRunsMs: number[];
  /** Per sample (request order), per input: the numbers of `m-results-[…]`. */
  results: number[][][];
  attempts: RunResult<unknown>['attempts'];
  /** On a virtual board: the Nano estimate from the firmware's laps (then `latencyMs`). */
  latencyEstimate?: VirtualLatency;
}

/** The run was stopped at its deadline ({@link FirmwareRunRequest.deadlineAt}); the board was restored. */
export class FirmwareRunOverrunError extends Error {
  override name = 'FirmwareRunOverrunError';
  constructor(
    readonly done: number,
    readonly total: number,
    readonly elapsedMs: number,
  ) {
    super(`the board answered ${done} of ${total} inputs in ${Math.round(elapsedMs / 1000)} s, the time the device stage has`);
  }
}

/** `m-results-[…]` items as numbers; anything else is the firmware's fault. */
export function parseResults(values: string[], where: string): number[] {
  return values.map((v) => {
    const x = Number(v);
    if (v.trim() === '' || !Number.isFinite(x)) throw new FirmwareRunError(`m-results item "${v.slice(0, 40)}" is not a number (${where})`);
    return x;
  });
}

async function session(s: FirmwareSession, req: FirmwareRunRequest) {
  const { client } = s;
  const dutName = await client.hello();
  const profile = await client.profile();
  if (profile !== req.modelId) throw new FirmwareRunError(`the firmware answers "profile%" with m-model-[${profile}], but this challenge runs ${req.modelId}: build it for ${req.modelId}`);
  const latencies: number[] = [];
  const results: number[][][] = [];
  const total = req.samples.reduce((a, x) => a + x.inputs.length, 0);
  let done = 0;
  const t0 = Date.now();
  for (const [i, sample] of req.samples.entries()) {
    const perInput: number[][] = [];
    for (const [k, input] of sample.inputs.entries()) {
      s.assertLeased();
      if (req.deadlineAt !== undefined && Date.now() > req.deadlineAt) throw new FirmwareRunOverrunError(done, total, Date.now() - t0);
      await client.loadInput(input);
      if (i === 0 && k === 0) {
        // Timed runs on the first input: one lap with the warm-ups, then single laps.
        for (let r = 0; r < req.inferences; r++) {
          const warm = r === 0 ? req.warmups : 0;
          latencies.push((await client.infer(1, warm, s.inferTimeoutMs(1, warm))).latencyUs);
        }
      }
      const out = await client.infer(1, 0, s.inferTimeoutMs(1, 0));
      perInput.push(parseResults(out.results, `sample ${sample.id}`));
      done++;
      if (done % 16 === 0 || done === total) req.onProgress?.({ phase: 'run', fraction: done / total });
    }
    results.push(perInput);
  }
  return { dutName, profile, latencies, results };
}

/** Flash, run, restore. @throws FirmwareRunError (the firmware's fault) | RackUnavailableError */
export async function runFirmwareOnDevice(rack: Rack, req: FirmwareRunRequest, label?: string): Promise<FirmwareRunReport> {
  let board = { kind: '', bootMs: 0 };
  const r = await rack.runFirmware(
    req.image,
    async (s) => {
      board = { kind: s.board.kind, bootMs: s.boot.ms };
      return session(s, req);
    },
    {
      expectedUs: req.expectedUs,
      bootTimeoutMs: req.bootTimeoutMs,
      ...(label ? { label } : {}),
      ...(req.boardKinds ? { boardKinds: req.boardKinds } : {}),
      ...(req.onWait ? { onWait: req.onWait } : {}),
      ...(req.signal ? { signal: req.signal } : {}),
      ...(req.onProgress ? { onProgress: (e) => req.onProgress!({ phase: e.phase, boardId: e.boardId, ...(e.fraction !== undefined ? { fraction: e.fraction } : {}) }) } : {}),
    },
  );
  // A virtual board's µs clock runs at 1 ns per instruction: its laps count instructions, and the
  // latency is the Nano estimate from them (virtual/latency.ts).
  const cpi = rack.config.virtual.cyclesPerInstruction;
  const virtual = board.kind === 'virtual';
  const runsMs = r.value.latencies.map((us) => (virtual ? virtualLatency(instructionsFromVirtualMicros(us), cpi, 'timestamps').estimatedMs : Math.round(us) / 1000));
  const estimate = virtual && r.value.latencies.length ? virtualLatency(instructionsFromVirtualMicros(median(r.value.latencies)), cpi, 'timestamps') : undefined;
  return {
    boardId: r.boardId,
    boardKind: board.kind,
    dutName: r.value.dutName,
    profile: r.value.profile,
    bootMs: board.bootMs,
    latencyMs: median(runsMs),
    latencyRunsMs: runsMs,
    results: r.value.results,
    attempts: r.attempts,
    ...(estimate ? { latencyEstimate: estimate } : {}),
  };
}

/**
 * The task metric from what the firmware printed (class scores, or one anomaly score per window as
 * the MLPerf Tiny AD firmware prints), through the same function as the host's outputs
 * (grader/tasks/index.ts scoreOutputs). @throws FirmwareRunError when the output has the wrong shape.
 */
export function scoreFirmwareOutputs(task: Task, samples: Pick<FirmwareSample, 'id' | 'label'>[], results: number[][][], meta: { durationMs: number; arithmetic: ArithmeticProfileName }): ScoreResult {
  const plugin = taskPlugin(task);
  for (const [i, perInput] of results.entries()) {
    for (const values of perInput) {
      if (values.length !== plugin.results.perInput) {
        throw new FirmwareRunError(`the firmware printed ${values.length} value(s) in m-results-[…] for sample ${samples[i]!.id}; a ${task} firmware prints ${plugin.results.description}`);
      }
    }
  }
  const base = {
    task,
    n: samples.length,
    durationMs: meta.durationMs,
    arithmetic: meta.arithmetic,
    arithmeticLabel: arithmeticLabel(meta.arithmetic),
    inputConversion: { method: 'identity' as const, description: 'samples sent as the dataset stores them (as the MLPerf Tiny runner does); the firmware converts them to its model input' },
  };
  return { ...base, ...scoreOutputs(task, samples.map((s) => s.label), results) };
}
