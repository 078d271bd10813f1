/**
 * Scoring throughput: 1000 KWS samples (the golden inputs repeated) scored with the engine's worker
 * pool on all cores, against the official TFLite runtime running the same 1000 inferences
 * single-threaded in this process. Goal: ≤ 0.5 s wall on 2 cores.
 *
 *   npx tsx bench/score.ts
 */
import { readFileSync, readdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { fromRoot } from '../core/paths.js';
import type { Dataset } from '../grader/datasets/dataset.js';
import { taskPlugin } from '../grader/tasks/index.js';
import { scoreDataset } from '../grader/scoring/score.js';
import { createOfficialRunner } from './peers/tflite-official.js';

const dir = fromRoot('..', 'shared', 'oracle', 'kws_ref_model');
const inputs = readdirSync(dir).filter((f) => /^input_\d+\.bin$/.test(f)).map((f) => new Uint8Array(readFileSync(join(dir, f))));
const samples = Array.from({ length: 1000 }, (_, i) => ({ id: `s${i}`, label: 0, data: inputs[i % inputs.length]! }));
const dataset: Dataset = { task: 'kws', format: 'mlperf', encoding: taskPlugin('kws').storedEncoding, samples };
const model = new Uint8Array(readFileSync(join(dir, 'model.tflite')));

const tCold = performance.now();
await scoreDataset(model, dataset); // cold: starts the pool's threads
const cold = (performance.now() - tCold) / 1000;
const t0 = performance.now();
const r = await scoreDataset(model, dataset);
const ours = (performance.now() - t0) / 1000;

const official = await createOfficialRunner(model);
const input = official.runner.GetInputs().get(0);
const t1 = performance.now();
for (const s of samples) {
  (input.data() as Int8Array).set(new Int8Array(s.data.buffer, s.data.byteOffset, s.data.length));
  official.runner.Infer();
}
const peer = (performance.now() - t1) / 1000;
official.dispose();
console.log(`1000 KWS samples: engine pool (${availableParallelism()} threads) ${ours.toFixed(3)} s warm (${cold.toFixed(3)} s cold, incl. thread start-up); official runtime single-thread ${peer.toFixed(3)} s; ratio ${(ours / peer).toFixed(2)}× (n = ${r.n})`);
await (await import('../grader/interpreter/pool-cache.js')).closeCachedPools();
