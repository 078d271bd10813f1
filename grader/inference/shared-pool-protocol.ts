/**
 * What SharedInferencePool and its threads say to each other (shared-pool.ts, shared-pool-worker.ts).
 * Its own module so that the pool can start threads without loading what the threads run.
 */

import type { ArithmeticProfileName } from '../interpreter/arithmetic.js';

/** Models each thread keeps prepared (least recently used goes first). */
export const MODELS_PER_THREAD = 4;

/** Run `count` samples of the model `key` (its bytes included when the thread does not hold it). */

export interface SharedRequest {
  id: number;
  key: string;
  /** Present when this thread does not hold the model yet. */
  model?: Uint8Array;
  arithmetic: ArithmeticProfileName;
  inputs: ArrayBuffer;
  count: number;
}
/** A failure in a thread, with what the calling thread needs to raise the same error class. */
export interface SharedError {
  id: number;
  error: string;
  name?: string;
  /** UnsupportedModelError's node and op; ModelFormatError's code and path. */
  fields?: Record<string, string | number>;
}
export type SharedReply = { id: number; outputs: ArrayBuffer } | SharedError;

/** What the pool hands a thread at start: the kernels it compiled, so the thread compiles nothing. */
export interface SharedWorkerData {
  simd?: WebAssembly.Module;
}
