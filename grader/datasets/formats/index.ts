/**
 * Dataset formats on disk, as a plain list (see README.md to add one). A format recognises its folder
 * and reads it into a {@link Dataset}; resolve.ts, the CLI and the challenge schema go through here.
 */
import { DatasetError } from '../dataset.js';
import mlperf from './mlperf.js';
import type { DatasetFormat } from './types.js';

export type { DatasetFormat };

const FORMATS = [mlperf] as const satisfies readonly DatasetFormat[];

export type DatasetFormatId = (typeof FORMATS)[number]['id'];

export const DATASET_FORMAT_IDS = FORMATS.map((f) => f.id) as [DatasetFormatId, ...DatasetFormatId[]];

/** The format called `id`. @throws DatasetError naming the known ones. */
export function datasetFormat(id: string): DatasetFormat {
  const f = FORMATS.find((x) => x.id === id);
  if (!f) throw new DatasetError(`unknown dataset format "${id}" (known: ${DATASET_FORMAT_IDS.join(', ')})`);
  return f;
}
