/** Runs one demo generation (see demo.ts) and reports progress, the summary or the error to the parent. */
import { parentPort, workerData } from 'node:worker_threads';
import type { Task } from '../tasks/index.js';
import { generateDemo, type DemoOptions } from './demo.js';

const { task, rawDir, outDir, options } = workerData as { task: Task; rawDir: string; outDir: string; options: DemoOptions[Task] };
try {
  const done = generateDemo(task, rawDir, outDir, options, (d, t) => parentPort!.postMessage({ progress: [d, t] }));
  parentPort!.postMessage({ done });
} catch (err) {
  const e = err instanceof Error ? err : new Error(String(err));
  parentPort!.postMessage({ error: { name: e.name, message: e.message } });
}
