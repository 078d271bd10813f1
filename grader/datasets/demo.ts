/**
 * The demo-set generators by task (demo only: synthetic data the project makes itself, labels true by
 * construction), and a way to run one off the main thread so a long generation (espeak-ng for KWS)
 * does not stall a worker's event loop.
 */
import { Worker } from 'node:worker_threads';
import type { Task } from '../tasks/index.js';
import { DatasetError } from './dataset.js';
import { generateAdDemo, type AdDemoOptions } from './demo-ad.js';
import { generateKwsDemo, type KwsDemoOptions } from './demo-kws.js';
import { generateVwwDemo, type VwwDemoOptions } from './demo-vww.js';

export interface DemoOptions {
  kws: KwsDemoOptions;
  vww: VwwDemoOptions;
  ad: AdDemoOptions;
}

/** What a demo generation made, for one line of output. */
export interface DemoSummary {
  samples: number;
  /** e.g. "50 with a person", "40 anomalous". */
  detail: string;
}

type DemoGenerator<T extends Task> = (rawDir: string, outDir: string, options: DemoOptions[T], onProgress?: (done: number, total: number) => void) => DemoSummary;

/** Task → its demo generator, as plain data. */
const GENERATORS: { [T in Task]: DemoGenerator<T> } = {
  kws: (rawDir, outDir, options, onProgress) => {
    const r = generateKwsDemo(rawDir, outDir, options, onProgress);
    return { samples: r.samples, detail: `${r.perLabel.slice(0, 10).reduce((a, b) => a + b, 0)} keywords, ${r.perLabel[10]} silence, ${r.perLabel[11]} unknown` };
  },
  vww: (rawDir, outDir, options, onProgress) => {
    const r = generateVwwDemo(rawDir, outDir, options, onProgress);
    return { samples: r.samples, detail: `${r.persons} with a person${r.augmented ? `, ${r.augmented} augmented organizer images` : ''}` };
  },
  ad: (rawDir, outDir, options, onProgress) => {
    const r = generateAdDemo(rawDir, outDir, options, onProgress);
    return { samples: r.samples, detail: `${r.anomalies} anomalous` };
  },
};

/** Write the raw data under `rawDir` and the MLPerf-layout set under `outDir`, synchronously. */
export function generateDemo<T extends Task>(task: T, rawDir: string, outDir: string, options: DemoOptions[T] = {}, onProgress?: (done: number, total: number) => void): DemoSummary {
  return (GENERATORS[task] as DemoGenerator<T>)(rawDir, outDir, options, onProgress);
}

type WorkerMessage = { progress: [number, number] } | { done: DemoSummary } | { error: { name: string; message: string } };

/** {@link generateDemo} in a worker thread. A DatasetError in the worker is a DatasetError here. */
export function generateDemoInWorker<T extends Task>(task: T, rawDir: string, outDir: string, options: DemoOptions[T] = {}, onProgress?: (done: number, total: number) => void): Promise<DemoSummary> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./demo-worker-boot.mjs', import.meta.url), { workerData: { task, rawDir, outDir, options } });
    let settled = false;
    worker.on('message', (m: WorkerMessage) => {
      if ('progress' in m) onProgress?.(...m.progress);
      else if ('done' in m) {
        settled = true;
        resolve(m.done);
      } else {
        settled = true;
        reject(m.error.name === 'DatasetError' ? new DatasetError(m.error.message) : new Error(`demo ${task} generation failed: ${m.error.message}`));
      }
    });
    worker.once('error', (err) => {
      settled = true;
      reject(err);
    });
    worker.once('exit', (code) => {
      if (!settled) reject(new Error(`demo ${task} generation worker exited with code ${code}`));
    });
  });
}
