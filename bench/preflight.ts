/**
 * Preflight speed, as a ratio against a peer measured in the same process: the official TFLite
 * runtime loading the same model (flatbuffer verification, op resolution, tensor allocation). The goal
 * is absolute too: validating vww_96_int8 (333 KB) in ≤ 20 ms median.
 *
 *   npx tsx bench/preflight.ts [--runs N]
 */
import { readFileSync } from 'node:fs';
import { fromRoot } from '../core/paths.js';
import { preflight } from '../grader/validate/preflight.js';
import { createOfficialRunner } from './peers/tflite-official.js';

const runsArg = process.argv.indexOf('--runs');
const RUNS = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 200;

function median(xs: number[]): number {
  const s = xs.slice().sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

async function timeIt(fn: () => unknown): Promise<number[]> {
  for (let i = 0; i < 20; i++) await fn(); // warm-up (JIT, caches)
  const out: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    await fn();
    out.push(performance.now() - t0);
  }
  return out;
}

const rows: string[] = [];
for (const stem of ['vww_96_int8', 'kws_ref_model', 'ad01_int8']) {
  const bytes = new Uint8Array(readFileSync(fromRoot('..', 'shared', 'models', `${stem}.tflite`)));
  const ours = median(await timeIt(() => preflight(bytes)));
  const peer = median(
    await timeIt(async () => {
      const r = await createOfficialRunner(bytes);
      r.dispose();
    }),
  );
  rows.push(`| ${stem} | ${(bytes.length / 1024).toFixed(0)} KiB | ${ours.toFixed(2)} ms | ${peer.toFixed(2)} ms | ${(ours / peer).toFixed(2)}× |`);
}
console.log(`preflight (parse + all checks + arena plan + MACs) vs official TFLite runtime model load, median of ${RUNS} runs, ${process.version}`);
console.log('| model | size | preflight | official load | ratio |');
console.log('|---|---|---|---|---|');
for (const r of rows) console.log(r);
