/**
 * Held-out data behind one interface: a dataset is a list of samples, each with an id, a label and
 * its stored bytes, plus the encoding those bytes are in. Formats (folders) are plug-ins in this
 * folder; the scorer converts every sample to the submitted model's own input quantization.
 */
import type { Task } from '../tasks/index.js';
import type { StoredEncoding } from '../tasks/types.js';

export type { StoredEncoding };

export interface Sample {
  id: string;
  label: number;
  /** Raw stored bytes of one sample (for AD: a whole file of frames). */
  data: Uint8Array;
}

export interface Dataset {
  task: Task;
  format: string;
  encoding: StoredEncoding;
  samples: Sample[];
  /** AD: bytes of one model input window and the stride between windows, inside a sample. */
  window?: { bytes: number; stride: number };
}

/** A dataset that cannot be used; the message names the file and line. */
export class DatasetError extends Error {
  override name = 'DatasetError';
}

/** `count` evenly spaced windows of a windowed sample (first and last included). */
export function spreadWindows(data: Uint8Array, window: { bytes: number; stride: number }, count: number): Uint8Array[] {
  const n = Math.floor((data.length - window.bytes) / window.stride) + 1;
  if (n < 1) throw new DatasetError(`a sample of ${data.length} bytes is shorter than one ${window.bytes}-byte window`);
  const k = Math.min(count, n);
  const idx = k === 1 ? [0] : Array.from({ length: k }, (_, i) => Math.round((i * (n - 1)) / (k - 1)));
  return idx.map((w) => data.subarray(w * window.stride, w * window.stride + window.bytes));
}
