/**
 * Scoring throughput: 1000 KWS samples (the golden inputs repeated) scored with the engine's worker
 * pool on all cores, against the official TFLite runtime running the same 1000 inferences
 * single-threaded in this process. Goals: ≤ 0.5 s wall on 2 cores; the first scoring in a fresh
 * process (cold) ≤ 2× a warm one, measured three ways: a library call with nothing started, `tinyarena
 * score` (compiled; starts its threads before reading the dataset), and a process whose threads are up
 * before its first job (the grader's score worker).
 *
 *   npx tsx bench/score.ts
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
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

// A child run of this script: a fresh process whose pool's threads are up before its first scoring,
// as in the grader's score worker (it starts them when it starts); prints that scoring's seconds.
if (process.argv.includes('--first-on-started-threads')) {
  await sharedPool().start();
  const t0 = performance.now();
  await scoreDataset(model, dataset);
  process.stdout.write(`${(performance.now() - t0) / 1000}\n`);
  process.exit(0);
}

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
// Cold as `tinyarena score` (the compiled build) has it: the same 1000 samples as an MLPerf-layout
// folder, scored by a fresh process each time (it starts its threads before reading the folder);
// its own timing of the scoring (durationMs), median of three.
const folder = mkdtempSync(join(tmpdir(), 'bench-score-'));
samples.forEach((s) => writeFileSync(join(folder, `${s.id}.bin`), s.data));
writeFileSync(join(folder, 'y_labels.csv'), samples.map((s) => `${s.id}.bin, 12, ${s.label}`).join('\n') + '\n');
const modelFile = join(folder, 'model.tflite');
writeFileSync(modelFile, model);
const cliCold: number[] = [];
for (let i = 0; i < 3; i++) {
  const out = execFileSync(process.execPath, [fromRoot('bin', 'tinyarena.js'), 'score', modelFile, '--task', 'kws', '--dataset', folder, '--json'], { encoding: 'utf8' });
  cliCold.push((JSON.parse(out) as { durationMs: number }).durationMs / 1000);
}
rmSync(folder, { recursive: true, force: true });
const cli = cliCold.sort((a, b) => a - b)[1]!;
console.log(`tinyarena score (fresh process each, threads started before the dataset is read): ${cliCold.map((x) => x.toFixed(3)).join(' / ')} s; median ${cli.toFixed(3)} s = ${(cli / ours).toFixed(2)}× warm`);
const started: number[] = [];
for (let i = 0; i < 3; i++) started.push(Number(execFileSync(process.execPath, [...process.execArgv, process.argv[1]!, '--first-on-started-threads'], { encoding: 'utf8' }).trim()));
const onStarted = started.sort((a, b) => a - b)[1]!;
console.log(`first scoring on threads started ahead (the score worker; fresh process each): ${started.map((x) => x.toFixed(3)).join(' / ')} s; median ${onStarted.toFixed(3)} s = ${(onStarted / ours).toFixed(2)}× warm`);

console.log(`1000 KWS samples: engine pool (${availableParallelism()} threads) ${ours.toFixed(3)} s warm, ${cold.toFixed(3)} s cold (first scoring in a fresh process): cold/warm ${(cold / ours).toFixed(2)}×; official runtime single-thread ${peer.toFixed(3)} s; warm ratio ${(ours / peer).toFixed(2)}× (n = ${r.n})`);
await (await import('../grader/inference/shared-pool.js')).closeSharedPool();
