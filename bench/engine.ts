/**
 * Engine speed as a ratio against the official TFLite runtime (WebAssembly SIMD build in
 * @tensorflow/tfjs-tflite, one thread, XNNPACK on as shipped), both measured in this process on the
 * same inputs, alternately. Single-thread median latency per inference.
 *
 *   npx tsx bench/engine.ts [--runs N]
 */
import { readFileSync } from 'node:fs';
import { fromRoot } from '../core/paths.js';
import { Interpreter } from '../grader/interpreter/interpreter.js';
import { parseModel } from '../grader/tflite/parse.js';
import { createOfficialRunner } from './peers/tflite-official.js';

const runsArg = process.argv.indexOf('--runs');
const RUNS = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 100;

function median(xs: number[]): number {
  const s = xs.slice().sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/**
 * Median latency of `a` and of `b`, timed alternately (a, b, a, b, …) so that both see the same
 * machine: on a shared machine, load that comes and goes would otherwise skew the ratio.
 */
function timePair(a: () => void, b: () => void, runs: number): [number, number] {
  for (let i = 0; i < Math.max(5, runs / 10); i++) {
    a();
    b();
  }
  const ta: number[] = [];
  const tb: number[] = [];
  for (let i = 0; i < runs; i++) {
    let t0 = performance.now();
    a();
    ta.push(performance.now() - t0);
    t0 = performance.now();
    b();
    tb.push(performance.now() - t0);
  }
  return [median(ta), median(tb)];
}

const rows: string[] = [];
for (const stem of ['kws_ref_model', 'vww_96_int8', 'ad01_int8']) {
  const bytes = new Uint8Array(readFileSync(fromRoot('..', 'shared', 'models', `${stem}.tflite`)));
  const engine = Interpreter.create(parseModel(bytes));
  const input = readFileSync(fromRoot('..', 'shared', 'oracle', stem, 'input_0.bin'));
  const official = await createOfficialRunner(bytes);
  const runner = official.runner;
  const peerIn = runner.GetInputs().get(0);
  const [ours, peer] = timePair(
    () => {
      engine.setInputBytes(input);
      engine.invoke();
    },
    () => {
      peerIn.data().set(new Int8Array(input.buffer, input.byteOffset, input.length));
      runner.Infer();
    },
    RUNS,
  );
  official.dispose();
  rows.push(`| ${stem} | ${ours.toFixed(3)} ms | ${peer.toFixed(3)} ms | ${(ours / peer).toFixed(2)}× |`);
}
console.log(`engine vs official TFLite runtime (wasm SIMD, 1 thread), median of ${RUNS} alternated runs, ${process.version}`);
console.log('| model | engine | official | ratio |');
console.log('|---|---|---|---|');
for (const r of rows) console.log(r);
