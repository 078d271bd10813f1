/**
 * A challenge's held-out set, found, made (demo sets) and loaded once.
 *
 * - `dataset.path` is `$DATA_DIR/…` (under the configured data folder), absolute, or relative to the
 *   challenge folder.
 * - A `demo: true` set that is missing (or has no y_labels.csv) is generated with the task's demo
 *   generator, in a worker thread, into a hidden temporary sibling folder that is then renamed into
 *   place — atomic, so a reader never sees half a set. When two processes race, the loser's rename
 *   fails on the winner's complete folder, and it uses that one. Within one process, concurrent
 *   callers share a single generation.
 * - Loaded sets stay in memory, keyed by folder and the y_labels.csv (and dataset.json) file
 *   identity, so scoring many submissions reads the files once; a rebuilt set is reread.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { Task } from '../tasks/index.js';
import { DatasetError, type Dataset } from './dataset.js';
import { generateDemoInWorker, type DemoOptions } from './demo.js';
import { datasetFormat } from './formats/index.js';

export const DATA_DIR_VARIABLE = '$DATA_DIR';

/** What of a challenge definition names its held-out set (grader/challenges/schema.ts `dataset`). */
export interface ChallengeDatasetRef {
  id: string;
  task: Task;
  dataset?: { path: string; format: string; privateFraction: number; splitSeed?: string | undefined; demo: boolean } | undefined;
}

export interface ResolveOptions {
  /** The configured DATA_DIR (absolute), for `$DATA_DIR/…` paths. */
  dataDir: string;
  /** Generate a missing demo set (default true); false makes a missing demo set an error. */
  generate?: boolean;
  /** Progress of a demo generation (generating, then building), when this call generates. */
  onProgress?: (done: number, total: number) => void;
}

export interface ResolvedDataset {
  /** Shared with other callers through the cache: treat as read-only. */
  dataset: Dataset;
  /** Absolute folder of the set. */
  dir: string;
  privateFraction: number;
  splitSeed: string;
  /** True when this call (or a concurrent call in this process it joined) generated the folder. */
  generated: boolean;
  demo: boolean;
}

/** The absolute folder a challenge's dataset.path names. Pure. */
export function challengeDatasetDir(def: ChallengeDatasetRef, challengeDir: string, dataDir: string): string {
  if (!def.dataset) throw new DatasetError(`challenge ${def.id} names no held-out dataset (add dataset.path to its challenge.yaml)`);
  const p = def.dataset.path;
  if (p === DATA_DIR_VARIABLE || p.startsWith(`${DATA_DIR_VARIABLE}/`)) return resolve(dataDir, `.${p.slice(DATA_DIR_VARIABLE.length)}`);
  if (p.startsWith('$')) throw new DatasetError(`challenge ${def.id}: dataset.path "${p}": only ${DATA_DIR_VARIABLE}/ is expanded`);
  return resolve(challengeDir, p);
}

/** Demo generators write the MLPerf layout. */
const hasLabels = (dir: string) => datasetFormat('mlperf').isComplete(dir);

/** Find (and for a missing demo set, generate) a challenge's held-out set and load it. */
export async function resolveChallengeDataset(def: ChallengeDatasetRef, challengeDir: string, opts: ResolveOptions): Promise<ResolvedDataset> {
  const dir = challengeDatasetDir(def, challengeDir, opts.dataDir);
  const { privateFraction, demo, path } = def.dataset!;
  const splitSeed = def.dataset!.splitSeed ?? def.id;
  const format = datasetFormat(def.dataset!.format);
  let generated = false;
  if (!format.isComplete(dir)) {
    const state = existsSync(dir) ? `has no ${format.stampFiles[0]}` : 'does not exist';
    if (!demo) {
      throw new DatasetError(
        `challenge ${def.id}: the held-out set ${dir} ${state} (dataset.path "${path}"). Build it with \`tinyarena dataset build --task ${def.task} --from <raw> --out ${dir}\`, or point dataset.path at an MLPerf-layout folder.`,
      );
    }
    if (opts.generate === false) throw new DatasetError(`challenge ${def.id}: the demo set ${dir} ${state} and generation is off`);
    generated = await ensureDemoSet(def.task, dir, {}, opts.onProgress);
  }
  return { dataset: loadDataset(dir, def.task, format.id), dir, privateFraction, splitSeed, generated, demo };
}

const inFlight = new Map<string, Promise<boolean>>();

/**
 * Generate the demo set at `dir` unless it is there already; concurrent calls for one folder in this
 * process share one generation. Resolves true when this process's generation was published.
 */
export function ensureDemoSet<T extends Task>(task: T, dir: string, options: DemoOptions[T] = {}, onProgress?: (done: number, total: number) => void): Promise<boolean> {
  const key = resolve(dir);
  let p = inFlight.get(key);
  if (!p) {
    p = (async () => (hasLabels(key) ? false : materializeDemoSet(task, key, options, onProgress)))().finally(() => inFlight.delete(key));
    inFlight.set(key, p);
  }
  return p;
}

/** Leftover temporary folders of generations that died (a process killed mid-way) are removed after this. */
const STALE_MS = 6 * 3600_000;

/**
 * Generate into a temporary sibling and rename it to `dir` (no in-process sharing: see
 * {@link ensureDemoSet}). Resolves true when ours was published, false when another process's
 * complete set was already there.
 */
export async function materializeDemoSet<T extends Task>(task: T, dir: string, options: DemoOptions[T] = {}, onProgress?: (done: number, total: number) => void): Promise<boolean> {
  const parent = dirname(dir);
  const prefix = `.${basename(dir)}.generating-`;
  mkdirSync(parent, { recursive: true });
  for (const e of readdirSync(parent)) {
    if (!e.startsWith(prefix)) continue;
    try {
      if (Date.now() - statSync(join(parent, e)).mtimeMs > STALE_MS) rmSync(join(parent, e), { recursive: true, force: true });
    } catch {
      /* gone already */
    }
  }
  const work = mkdtempSync(join(parent, prefix));
  try {
    await generateDemoInWorker(task, join(work, 'raw'), join(work, 'set'), options, onProgress);
    return publish(join(work, 'set'), dir);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** Rename `src` to `dir`; false when a complete set is already there (another process won). */
function publish(src: string, dir: string): boolean {
  try {
    renameSync(src, dir); // replaces a missing or empty folder atomically
    return true;
  } catch (err) {
    if (!['ENOTEMPTY', 'EEXIST'].includes((err as NodeJS.ErrnoException).code ?? '')) throw err;
  }
  if (hasLabels(dir)) return false;
  // Something that is not a set (no y_labels.csv) is in the way: keep it aside, publish ours.
  try {
    renameSync(dir, `${dir}.replaced-${Date.now()}-${process.pid}`);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  try {
    renameSync(src, dir);
    return true;
  } catch (err) {
    if (hasLabels(dir)) return false;
    throw err;
  }
}

interface CacheEntry {
  stamp: string;
  dataset: Dataset;
}

const MAX_CACHED = 4;
const cache = new Map<string, CacheEntry>();

function stampOf(dir: string, files: readonly string[]): string {
  const [first, ...rest] = files;
  const l = statSync(join(dir, first!));
  const parts = [`${l.ino}:${l.mtimeMs}:${l.size}`];
  for (const f of rest) {
    try {
      const s = statSync(join(dir, f));
      parts.push(`${s.ino}:${s.mtimeMs}:${s.size}`);
    } catch {
      parts.push('-');
    }
  }
  return parts.join('|');
}

/** A set read through its format (the MLPerf layout unless named), cached by folder + task + format while its stamp files are unchanged. */
export function loadDataset(dir: string, task: Task, formatId = 'mlperf'): Dataset {
  const format = datasetFormat(formatId);
  const key = `${resolve(dir)}|${task}|${format.id}`;
  let stamp: string;
  try {
    stamp = stampOf(dir, format.stampFiles);
  } catch {
    throw new DatasetError(`${dir}: no ${format.stampFiles[0]} (expected the ${format.description})`);
  }
  const hit = cache.get(key);
  if (hit && hit.stamp === stamp) {
    // Most recently used last.
    cache.delete(key);
    cache.set(key, hit);
    return hit.dataset;
  }
  const dataset = format.read(dir, task);
  cache.delete(key);
  cache.set(key, { stamp, dataset });
  while (cache.size > MAX_CACHED) cache.delete(cache.keys().next().value!);
  return dataset;
}

/** Forget every cached set (tests; or to free memory). */
export function clearDatasetCache(): void {
  cache.clear();
}
