/**
 * What a job run on the rack gets and gets back: the session on one leased board (a harness board,
 * or one running submitted firmware), the options, the result with every attempt, and the errors
 * that say whose fault a failure was. The rack itself is rack.ts.
 */
import type { BoardClient } from './board-client.js';
import type { BoardInfo } from './protocol.js';

/** The firmware refused the model (too big, unsupported op, arena): the learner's problem, not the board's. */
export class ModelRefusedError extends Error {
  override name = 'ModelRefusedError';
}

/**
 * The submitted firmware misbehaved (did not boot, hung, garbled) on a board that then proved healthy
 * with the harness restored: the learner's problem; not counted against the board.
 */
export class FirmwareRunError extends Error {
  override name = 'FirmwareRunError';
}

/** No board could run the job; `attempts` says what happened on each. */
export class RackUnavailableError extends Error {
  override name = 'RackUnavailableError';
  constructor(
    message: string,
    readonly attempts: AttemptRecord[],
  ) {
    super(message);
  }
}

export interface AttemptRecord {
  board: string;
  error: string;
  quarantined?: boolean;
}

/** What a job gets: one leased, connected board. */
export interface BoardSession {
  board: { id: string; kind: string; location: string; info: BoardInfo };
  client: BoardClient;
  /** Timeout for `infer count warmups` from the expected latency (generous: ×4 plus a command timeout). */
  inferTimeoutMs(count: number, warmups: number): number;
  /** Throws when the lease was lost (the job must stop touching the board). */
  assertLeased(): void;
}

/** What a firmware job gets: one leased board running the submitted firmware (base protocol only). */
export interface FirmwareSession {
  board: { id: string; kind: string; location: string };
  client: BoardClient;
  /** The firmware's boot lines (up to `m-init-done`) and the time from the end of flashing to `m-ready`. */
  boot: { lines: string[]; ms: number };
  /** Timeout for `infer count warmups` from the expected latency (generous: ×4 plus a command timeout). */
  inferTimeoutMs(count: number, warmups: number): number;
  /** Throws when the lease was lost (the job must stop touching the board). */
  assertLeased(): void;
}

export type FirmwarePhase = 'flash' | 'boot' | 'run' | 'restore';

export interface FirmwareRunOptions extends RunOptions {
  /** From the end of flashing to `m-init-done` + `m-ready` (default: the rack config's firmware.bootTimeoutMs). */
  bootTimeoutMs?: number;
  /** Only boards of these kinds take the job (the image's target: challenge YAML `firmware.boards`); default any. */
  boardKinds?: readonly string[];
  onProgress?: (e: { phase: FirmwarePhase; boardId: string; fraction?: number }) => void;
}

export interface RunOptions {
  /** Expected latency of one inference (µs), for timeouts. */
  expectedUs: number;
  /**
   * Called while the job waits for a board because every usable one is busy (first at once, then
   * about once a second): `busy` boards are in use, `waitedMs` so far.
   */
  onWait?: (e: { busy: number; waitedMs: number }) => void;
  /** How long this job queues for a busy board (default: the rack config's leaseWaitMs). */
  leaseWaitMs?: number;
  /** Short label for logs. */
  label?: string;
  /**
   * Fires when the job is abandoned (its stage timed out): a wait for a busy board ends at once and a
   * running attempt stops at its next step (rejecting with the signal's reason), releasing the board.
   */
  signal?: AbortSignal;
}

export interface RunResult<T> {
  value: T;
  boardId: string;
  attempts: AttemptRecord[];
}

/** A failure as the board's row and the attempts keep it: its message, at most 500 characters. */
export const errText = (err: unknown) => (err instanceof Error ? err.message : String(err)).slice(0, 500);

/** A step of a firmware job that failed on the board (`flash`, `harness`); `kind` labels it in the board's lastError. */
export class StepError extends Error {
  constructor(
    readonly kind: string,
    message: string,
  ) {
    super(message);
  }
}
