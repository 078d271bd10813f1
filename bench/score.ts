/**
 * Scoring throughput: 1000 KWS samples (the golden inputs repeated) scored with the engine's worker
 * pool on all cores, against the official TFLite runtime running the same 1000 inferences
 * single-threaded in this process. Goals: ≤ 0.5 s wall on 2 cores; the first scoring in a fresh
 * process (cold) ≤ 2× a warm one.
 *
 *   npx tsx bench/score.ts
 */
import { readFileSync, readdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { fromRoot } from '../core/paths.js';
import type { Dataset } from '../grader/datasets/dataset.js';
import { taskPlugin } from '../grader/tasks/index.js';
import { sharedPool } from '../grader/inference/shared-pool.js';
import { scoreDataset } from '../grader/scoring/score.js';
import { createOfficialRunner } from './peers/tflite-official.js';

const dir = fromRoot('..', 'shared', 'oracle', 'kws_ref_model');
const inputs = readdirSync(dir).filter((f) => /^input_\d+\.bin$/.test(f)).map((f) => new Uint8Array(readFileSync(join(dir, f))));
const samples = Array.from({ length: 1000 }, (_, i) => ({ id: `s${i}`, label: 0, data: inputs[i % inputs.length]! }));
const dataset: Dataset = { task: 'kws', format: 'mlperf', encoding: taskPlugin('kws').storedEncoding, samples };
const model = new Uint8Array(readFileSync(join(dir, 'model.tflite')));

// Cold: the first scoring of this model in this fresh process (threads not started yet).
const tCold = performance.now();
await scoreDataset(model, dataset);
const cold = (performance.now() - tCold) / 1000;
// Warm: with the pool's threads up, median of three.
await sharedPool().start();
const warm: number[] = [];
let r = await scoreDataset(model, dataset);
for (let i = 0; i < 3; i++) {
  const t0 = performance.now();
  r = await scoreDataset(model, dataset);
  warm.push((performance.now() - t0) / 1000);
}
const ours = warm.sort((a, b) => a - b)[1]!;

const official = await createOfficialRunner(model);
const input = official.runner.GetInputs().get(0);
const t1 = performance.now();
for (const s of samples) {
  (input.data() as Int8Array).set(new Int8Array(s.data.buffer, s.data.byteOffset, s.data.length));
  official.runner.Infer();
}
const peer = (performance.now() - t1) / 1000;
official.dispose();
console.log(`1000 KWS samples: engine pool (${availableParallelism()} threads) ${ours.toFixed(3)} s warm, ${cold.toFixed(3)} s cold (first scoring in a fresh process): cold/warm ${(cold / ours).toFixed(2)}×; official runtime single-thread ${peer.toFixed(3)} s; warm ratio ${(ours / peer).toFixed(2)}× (n = ${r.n})`);
await (await import('../grader/inference/shared-pool.js')).closeSharedPool();
