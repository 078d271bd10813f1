/**
 * One model on one leased board: upload it, run a fixed list of inputs, compare the raw output bytes
 * with the host engine's, and time it (median of repeated single-inference laps after warm-ups).
 * Pure protocol steps over a {@link BoardSession}; the rack decides which board and retries.
 */
import { BoardFault, BoardReplyError } from './board-client.js';
import { ModelRefusedError, type BoardSession, type RunOptions, type RunResult } from './rack-job.js';
import type { Rack } from './rack.js';
import { virtualLatency, type VirtualLatency } from './virtual/latency.js';

export interface DeviceCase {
  id: string;
  /** Raw model input bytes. */
  input: Uint8Array;
  /** The host engine's raw output bytes for it. */
  expected: Uint8Array;
}

export interface DeviceRunRequest {
  model: Uint8Array;
  cases: DeviceCase[];
  warmups: number;
  /** Timed runs; latency is their median. */
  inferences: number;
  /** Expected µs per inference (latency model), for timeouts. */
  expectedUs: number;
  /**
   * The arithmetic profile the host engine computed `expected` with. A board that can reproduce
   * several (`arith=` in x-info: the virtual board) is switched to it; others compute their own.
   */
  arithmetic?: string;
  /** While every board is busy with other jobs (see {@link RunOptions.onWait}). */
  onWait?: RunOptions['onWait'];
  /** The job was abandoned: stop waiting for a board, or stop between inferences (see {@link RunOptions.signal}). */
  signal?: AbortSignal;
}

export interface Mismatch {
  sample: string;
  /** First differing byte. */
  byteIndex: number;
  device: number[];
  host: number[];
}

export interface DeviceRunReport {
  boardId: string;
  boardKind: string;
  firmwareVersion: string;
  arenaBytes: number;
  latencyMs: number;
  latencyRunsMs: number[];
  samples: number;
  byteEqual: boolean;
  mismatches: Mismatch[];
  attempts: RunResult<unknown>['attempts'];
  /**
   * Boards that count instructions (virtual boards): the instruction count per inference of each
   * timed run (deterministic, so they agree) and the Nano estimate derived from it, which then is
   * `latencyMs` (and `latencyRunsMs`).
   */
  latencyEstimate?: VirtualLatency & { instructionRuns: number[] };
}

export const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

const asInt8 = (b: Uint8Array) => Array.from(new Int8Array(b.buffer, b.byteOffset, b.length));

/** Where two outputs first differ, or null when byte-equal. */
export function firstDifference(device: Uint8Array, host: Uint8Array): number | null {
  if (device.length !== host.length) return Math.min(device.length, host.length);
  for (let i = 0; i < host.length; i++) if (device[i] !== host[i]) return i;
  return null;
}

/**
 * @param confirm on output mismatches, checks the board itself with the reference model (null = the
 *   board is fine, so the mismatch is the model's); a drifting board is a fault and the job moves on.
 */
async function runSession(s: BoardSession, req: DeviceRunRequest, confirm: (s: BoardSession) => Promise<string | null>) {
  const { client } = s;
  const offered = s.board.info.arithmetics;
  if (req.arithmetic && offered) {
    // Not the learner's doing, nor the board's: this board cannot check this challenge's arithmetic.
    if (!offered.includes(req.arithmetic)) throw new Error(`board ${s.board.id} reproduces ${offered.join(', ')}, not the challenge's arithmetic ${req.arithmetic}`);
    await client.setArithmetic(req.arithmetic);
  }
  let commit;
  try {
    commit = await client.uploadModel(req.model, s.board.info.chunk);
  } catch (err) {
    // e-[…] at upload/commit: the firmware refused this model (size, op, arena), on any board.
    if (err instanceof BoardReplyError) throw new ModelRefusedError(err.reply);
    throw err;
  }
  const mismatches: Mismatch[] = [];
  const latencies: number[] = [];
  const instructions: number[] = [];
  for (const [i, c] of req.cases.entries()) {
    s.assertLeased();
    await client.loadInput(c.input);
    if (i === 0) {
      // Timed runs on the first case: one lap with the warm-ups, then single laps.
      for (let k = 0; k < req.inferences; k++) {
        // Between inferences: an abandoned job (its stage timed out) lets the board go.
        if (k > 0) s.assertLeased();
        const warm = k === 0 ? req.warmups : 0;
        latencies.push((await client.infer(1, warm, s.inferTimeoutMs(1, warm))).latencyUs);
        if (s.board.info.icount) instructions.push((await client.instructionCount()).perInference);
      }
    } else {
      await client.infer(1, 0, s.inferTimeoutMs(1, 0));
    }
    const out = await client.output();
    const at = firstDifference(out, c.expected);
    if (at !== null) {
      const lo = Math.max(0, at - 2);
      mismatches.push({ sample: c.id, byteIndex: at, device: asInt8(out.subarray(lo, at + 6)), host: asInt8(c.expected.subarray(lo, at + 6)) });
    }
  }
  if (mismatches.length) {
    const drift = await confirm(s);
    if (drift) throw new BoardFault('drift', `outputs differ from the host engine and the board fails the reference-model check (${drift})`);
  }
  return { commit, mismatches, latencies, instructions };
}

/** Run on the rack (retrying on other boards after board faults). @throws RackUnavailableError | ModelRefusedError */
export async function runOnDevice(rack: Rack, req: DeviceRunRequest, label?: string): Promise<DeviceRunReport> {
  let board: { kind: string; firmware: string } = { kind: '', firmware: '' };
  const r = await rack.run(
    async (s) => {
      board = { kind: s.board.kind, firmware: s.board.info.firmware };
      return runSession(s, req, (session) => rack.driftProbe(session));
    },
    { expectedUs: req.expectedUs, ...(label ? { label } : {}), ...(req.onWait ? { onWait: req.onWait } : {}), ...(req.signal ? { signal: req.signal } : {}) },
  );
  const counts = r.value.instructions;
  // A virtual board's µs clock runs at 1 ns per instruction, not at a Nano's pace: its latency is
  // the estimate from the instruction count (virtual/latency.ts).
  const cpi = rack.config.virtual.cyclesPerInstruction;
  const estimate = counts.length ? { ...virtualLatency(median(counts), cpi), instructionRuns: counts } : undefined;
  const runsMs = estimate ? counts.map((n) => virtualLatency(n, cpi).estimatedMs) : r.value.latencies.map((us) => Math.round(us) / 1000);
  return {
    boardId: r.boardId,
    boardKind: board.kind,
    firmwareVersion: board.firmware,
    arenaBytes: r.value.commit.arenaUsed,
    latencyMs: median(runsMs),
    latencyRunsMs: runsMs,
    samples: req.cases.length,
    byteEqual: r.value.mismatches.length === 0,
    mismatches: r.value.mismatches,
    attempts: r.attempts,
    ...(estimate ? { latencyEstimate: estimate } : {}),
  };
}
