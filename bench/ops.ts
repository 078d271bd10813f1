/**
 * Where an engine inference spends its time: median time of each node's eval over many runs, with
 * its shapes and MAC count, slowest first. For finding the next kernel to speed up.
 *
 *   npx tsx bench/ops.ts [model: a zoo name, a shared model stem or a .tflite path, default vww_96_int8] [--runs N]
 */
import { readFileSync } from 'node:fs';
import { fromRoot } from '../core/paths.js';
import { createInterpreter } from '../grader/inference/engine.js';
import type { Eval } from '../grader/interpreter/kernel.js';
import { parseModel } from '../grader/tflite/parse.js';
import { seededInput } from './zoo/inputs.js';
import { ZOO, zooModel } from './zoo/models.js';

const args = process.argv.slice(2);
const runsArg = args.indexOf('--runs');
const RUNS = runsArg >= 0 ? Number(args[runsArg + 1]) : 200;
const stem = args.find((a, i) => !a.startsWith('--') && (runsArg < 0 || i !== runsArg + 1)) ?? 'vww_96_int8';

const inZoo = ZOO.some((z) => z.name === stem);
const isPath = stem.endsWith('.tflite');
const bytes = inZoo ? zooModel(stem) : new Uint8Array(readFileSync(isPath ? stem : fromRoot('..', 'shared', 'models', `${stem}.tflite`)));
const graph = parseModel(bytes);
const engine = createInterpreter(graph);
engine.setInputBytes(inZoo || isPath ? seededInput(graph, 1) : readFileSync(fromRoot('..', 'shared', 'oracle', stem, 'input_0.bin')));
// The eval closures, in node order (private to the interpreter: read here for measuring only).
const evals = (engine as unknown as { evals: Eval[] }).evals;

const times = evals.map(() => [] as number[]);
for (let r = 0; r < RUNS + 20; r++) {
  for (let i = 0; i < evals.length; i++) {
    const t0 = performance.now();
    evals[i]!();
    if (r >= 20) times[i]!.push(performance.now() - t0);
  }
}
const median = (xs: number[]) => xs.slice().sort((a, b) => a - b)[xs.length >> 1]!;
const shape = (t: number | undefined) => (t === undefined || t < 0 ? '-' : graph.tensors[t]!.shape.join('x'));
const rows = graph.operators.map((op, i) => {
  const out = graph.tensors[op.outputs[0]!]!;
  const f = graph.tensors[op.inputs[1] ?? -1];
  let macs = 0;
  if ((op.op === 'CONV_2D' || op.op === 'DEPTHWISE_CONV_2D') && f) {
    const perOut = op.op === 'CONV_2D' ? f.shape[1]! * f.shape[2]! * f.shape[3]! : f.shape[1]! * f.shape[2]!;
    macs = out.elements * perOut;
  } else if (op.op === 'FULLY_CONNECTED' && f) macs = out.elements * f.shape[1]!;
  return { i, op: op.op, inShape: shape(op.inputs[0]), fShape: shape(op.inputs[1]), outShape: shape(op.outputs[0]), macs, ms: median(times[i]!) };
});
const total = rows.reduce((a, r) => a + r.ms, 0);
console.log(`${stem}: ${total.toFixed(3)} ms summed over ${rows.length} nodes (median of ${RUNS} runs each)`);
console.log('| # | op | input | filter | output | MACs | ms | % | ns/MAC |');
console.log('|---|---|---|---|---|---|---|---|---|');
for (const r of rows.slice().sort((a, b) => b.ms - a.ms)) {
  const nsPerMac = r.macs ? ((r.ms * 1e6) / r.macs).toFixed(3) : '';
  console.log(`| ${r.i} | ${r.op} | ${r.inShape} | ${r.fShape} | ${r.outShape} | ${r.macs} | ${r.ms.toFixed(4)} | ${((100 * r.ms) / total).toFixed(1)} | ${nsPerMac} |`);
}
