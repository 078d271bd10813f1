/**
 * The MLPerf Tiny accuracy layout: a folder with y_labels.csv (no header; `file, classes, class[,
 * window_bytes, stride_bytes]`) and one .bin per sample. An optional dataset.json states the stored
 * encoding ({ "task", "encoding": { "dtype", "scale", "zeroPoint" } }); without it the reference
 * encoding of the task applies.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve, sep } from 'node:path';
import { z } from 'zod';
import { TASK_IDS, taskPlugin, type Task } from '../../tasks/index.js';
import { DatasetError, type Dataset, type StoredEncoding } from '../dataset.js';
import type { DatasetFormat } from './types.js';

const manifestSchema = z.strictObject({
  task: z.enum(TASK_IDS).optional(),
  description: z.string().optional(),
  encoding: z.union([
    z.strictObject({ dtype: z.enum(['int8', 'uint8']), scale: z.number().positive(), zeroPoint: z.number().int() }),
    z.strictObject({ dtype: z.literal('float32') }),
  ]),
});

export const MANIFEST_FILE = 'dataset.json';

export function readManifest(dir: string): { task?: Task; encoding: StoredEncoding } | null {
  const file = join(dir, MANIFEST_FILE);
  if (!existsSync(file)) return null;
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new DatasetError(`${file}: not valid JSON (${(err as Error).message})`);
  }
  const parsed = manifestSchema.safeParse(raw);
  if (!parsed.success) throw new DatasetError(`${file}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return parsed.data;
}

/** Read an MLPerf-layout folder. `task` decides the sample size check and the default encoding. */
export function readMlperfDataset(dir: string, task: Task): Dataset {
  const labelsFile = join(dir, 'y_labels.csv');
  if (!existsSync(labelsFile)) throw new DatasetError(`${dir}: no y_labels.csv (expected the MLPerf Tiny accuracy layout)`);
  const manifest = readManifest(dir);
  if (manifest?.task && manifest.task !== task) throw new DatasetError(`${join(dir, MANIFEST_FILE)} says task ${manifest.task}, not ${task}`);
  const plugin = taskPlugin(task);
  const encoding = manifest?.encoding ?? plugin.storedEncoding;
  const root = resolve(dir);
  const samples: Dataset['samples'] = [];
  let window: Dataset['window'];
  const lines = readFileSync(labelsFile, 'utf8').split(/\r?\n/);
  lines.forEach((line, i) => {
    if (!line.trim()) return;
    const where = `${labelsFile}:${i + 1}`;
    const cols = line.split(',').map((c) => c.trim());
    if (cols.length < 3) throw new DatasetError(`${where}: expected "file, classes, class[, window_bytes, stride_bytes]"`);
    const [file, classesText, classText, windowText, strideText] = cols as [string, string, string, string?, string?];
    const classes = Number(classesText);
    const label = Number(classText);
    if (!Number.isInteger(classes) || classes < 1 || !Number.isInteger(label) || label < 0 || label >= classes) {
      throw new DatasetError(`${where}: class ${classText} is not one of ${classesText} classes`);
    }
    // Sample files must stay inside the dataset folder.
    const path = resolve(root, file);
    if (!path.startsWith(root + sep)) throw new DatasetError(`${where}: "${file}" is outside the dataset folder`);
    if (!existsSync(path)) throw new DatasetError(`${where}: ${file} is missing`);
    if (windowText !== undefined && strideText !== undefined) {
      const w = { bytes: Number(windowText), stride: Number(strideText) };
      if (!(w.bytes > 0 && w.stride > 0)) throw new DatasetError(`${where}: bad window_bytes/stride_bytes`);
      window ??= w;
    }
    samples.push({ id: file, label, data: new Uint8Array(readFileSync(path)) });
  });
  if (samples.length === 0) throw new DatasetError(`${labelsFile}: no samples`);
  if (plugin.window) window ??= { ...plugin.window };
  return { task, format: 'mlperf', encoding, samples, ...(window ? { window } : {}) };
}

/** The format's entry in the registry (./index.ts). */
export default {
  id: 'mlperf' as const,
  description: 'MLPerf Tiny accuracy layout: y_labels.csv + one .bin per sample (+ optional dataset.json)',
  stampFiles: ['y_labels.csv', MANIFEST_FILE],
  isComplete: (dir: string) => existsSync(join(dir, 'y_labels.csv')),
  read: readMlperfDataset,
} satisfies DatasetFormat;
