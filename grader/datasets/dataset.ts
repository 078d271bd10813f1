/**
 * Held-out data behind one interface: a dataset is a list of samples, each with an id, a label and
 * its stored bytes, plus the encoding those bytes are in. Formats (folders) are plug-ins in this
 * folder; the scorer converts every sample to the submitted model's own input quantization.
 */
import type { Task } from '../validate/rules.js';

/** How the stored sample bytes encode real values. */
export type StoredEncoding =
  | { dtype: 'int8' | 'uint8'; scale: number; zeroPoint: number }
  | { dtype: 'float32' };

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

/** The encodings of the reference sets (ARCHITECTURE.md §6), used when a folder has no manifest. */
export const DEFAULT_ENCODINGS: Record<Task, StoredEncoding> = {
  kws: { dtype: 'int8', scale: 0.5847029, zeroPoint: 83 },
  vww: { dtype: 'uint8', scale: 1 / 255, zeroPoint: 0 },
  ad: { dtype: 'float32' },
};

/** AD: 5 frames × 128 mel bins of float32 per window, stepping one frame. */
export const AD_WINDOW = { bytes: 2560, stride: 512 } as const;
