/**
 * Task → how `tinyarena dataset build` turns a folder of raw recordings or images into a held-out set
 * in the MLPerf Tiny layout, as plain data. A task without an entry has no builder (its sets are made
 * elsewhere and read as they are).
 */
import type { Task } from '../tasks/index.js';
import { KWS_LABELS } from '../tasks/kws.js';
import { buildAdSet } from './build-ad.js';
import { buildKwsSet } from './build-kws.js';
import { buildVwwSet } from './build-vww.js';

export interface DatasetBuilder {
  /** The raw folder layout it reads, for help text. */
  layout: string;
  /** Build the set at `out`; returns what to tell the user (the lines after "… → out"). */
  build(from: string, out: string, onProgress?: (done: number, total: number) => void): { summary: string; details?: string };
}

export const DATASET_BUILDERS: { [T in Task]?: DatasetBuilder } = {
  kws: {
    layout: 'word folders',
    build(from, out, onProgress) {
      const r = buildKwsSet(from, out, onProgress);
      return { summary: `${r.samples} samples`, details: KWS_LABELS.map((l, i) => `${l}: ${r.perLabel[i]}`).join(', ') };
    },
  },
  vww: {
    layout: 'person/ and non_person/ images',
    build(from, out, onProgress) {
      const r = buildVwwSet(from, out, onProgress);
      return { summary: `${r.samples} images (${r.persons} with a person)` };
    },
  },
  ad: {
    layout: 'normal/ and anomaly/ clips',
    build(from, out, onProgress) {
      const r = buildAdSet(from, out, onProgress);
      return { summary: `${r.samples} clips (${r.anomalies} anomalous)` };
    },
  },
};
