/**
 * Engine speed as a ratio against the official TFLite runtime (WebAssembly SIMD build in
 * @tensorflow/tfjs-tflite, one thread, XNNPACK on as shipped), both in this process on the same
 * inputs, timed alternately (one inference each, in turn, so both see the same load). Single-thread
 * median latency per inference.
 *
 *   npx tsx bench/engine.ts [--runs N] [--warm MS] [--only a,b] [--model x.tflite,y.tflite] [--ops] [--nodes] [--arithmetic tflm|tflm-single|tflite]
 *
 * Rows: every zoo model (bench/zoo) and the shared MLPerf Tiny / TFLM models, plus any `--model` files
 * (an architecture the zoo lacks: its row only; `--only` its file name without .tflite to run it alone). `--ops` adds the
 * per-operator table: every zoo node extracted as a one-op model and timed the same way, summed per
 * operator type, as ns per MAC (convolutions, fully-connected, pooling windows) or per element;
 * `--nodes` also prints each node's own row (engine vs official), for finding the slow ones.
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ARITHMETIC_NAMES, DEFAULT_ARITHMETIC, isArithmeticProfileName } from '../grader/interpreter/arithmetic.js';
import { createInterpreter } from '../grader/inference/engine.js';
import { buildModel } from '../grader/tflite/builder.js';
import { parseModel } from '../grader/tflite/parse.js';
import { operatorMacs } from '../grader/validate/macs.js';
import { createOfficialRunner, officialInputSetter } from './peers/tflite-official.js';
import { singleOpModel } from './zoo/extract.js';
import { seededInput } from './zoo/inputs.js';
import { ZOO, zooModel } from './zoo/models.js';

const args = process.argv.slice(2);
const opt = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const RUNS = Number(opt('--runs') ?? 100);
/** Minimum warm-up per pair, in ms (`--warm`). */
const WARM_MS = Number(opt('--warm') ?? 1000);
const ONLY = opt('--only')?.split(',');
const arithmeticArg = opt('--arithmetic') ?? DEFAULT_ARITHMETIC;
if (!isArithmeticProfileName(arithmeticArg)) throw new Error(`--arithmetic must be one of ${ARITHMETIC_NAMES.join(', ')}`);
const ARITHMETIC = arithmeticArg;
const SHARED = fileURLToPath(new URL('../../shared/models/', import.meta.url));
const SHARED_MODELS = ['kws_ref_model', 'vww_96_int8', 'ad01_int8', 'hello_world_int8'];

/** A latency in ms with three significant digits (a 3 µs model is not 0.003 ms of rounding). */
const ms = (x: number) => (x >= 1 ? x.toFixed(2) : x.toPrecision(3));

function median(xs: number[]): number {
  const s = xs.slice().sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/**
 * Median time per call of `a` and of `b`, timed alternately (a, b, a, b, …) so that both see the same
 * machine. Each sample makes `batch` calls, enough to be well above the timer's resolution.
 */
function timePair(a: () => void, b: () => void, runs: number, warmMs: number): [number, number] {
  const t0 = performance.now();
  a();
  b();
  const once = Math.max(performance.now() - t0, 1e-4);
  const batch = Math.max(1, Math.ceil(0.05 / once));
  // Warm both up for long enough that V8 has optimised every wasm function each of them calls
  // (the official runtime's module tiers up lazily, after a budget of executed code; the engine's
  // own compiles eagerly): a small model otherwise compares our optimised code with its baseline code.
  const warmUntil = performance.now() + warmMs;
  for (let i = 0; i < Math.max(5, runs / 10) || performance.now() < warmUntil; i++) {
    a();
    b();
  }
  const ta: number[] = [];
  const tb: number[] = [];
  for (let i = 0; i < runs; i++) {
    let t = performance.now();
    for (let k = 0; k < batch; k++) a();
    ta.push((performance.now() - t) / batch);
    t = performance.now();
    for (let k = 0; k < batch; k++) b();
    tb.push((performance.now() - t) / batch);
  }
  return [median(ta), median(tb)];
}

interface Pair {
  engine: () => void;
  official: () => void;
  dispose(): void;
}

async function pairFor(bytes: Uint8Array, seed: number): Promise<Pair> {
  const graph = parseModel(bytes);
  const engine = createInterpreter(graph, { arithmetic: ARITHMETIC });
  const input = seededInput(graph, seed);
  const official = await createOfficialRunner(bytes);
  const setOfficial = officialInputSetter(official.runner, input);
  const runner = official.runner;
  return {
    engine: () => {
      engine.setInputBytes(input);
      engine.invoke();
    },
    official: () => {
      setOfficial();
      runner.Infer();
    },
    dispose: () => official.dispose(),
  };
}

const models: { name: string; bytes: Uint8Array }[] = [
  ...ZOO.map((z) => ({ name: z.name, bytes: zooModel(z.name) })),
  ...SHARED_MODELS.filter((m) => existsSync(`${SHARED}${m}.tflite`)).map((m) => ({ name: m, bytes: new Uint8Array(readFileSync(`${SHARED}${m}.tflite`)) })),
  ...(opt('--model')?.split(',') ?? []).map((path) => ({ name: basename(path, '.tflite'), bytes: new Uint8Array(readFileSync(path)) })),
].filter((m) => !ONLY || ONLY.includes(m.name));

const rows: string[] = [];
const ratios: number[] = [];
for (const m of models) {
  const graph = parseModel(m.bytes);
  const macs = graph.operators.reduce((a, op) => a + operatorMacs(graph, op), 0);
  const p = await pairFor(m.bytes, 1);
  const [ours, peer] = timePair(p.engine, p.official, RUNS, WARM_MS);
  p.dispose();
  ratios.push(ours / peer);
  rows.push(`| ${m.name} | ${(macs / 1e6).toFixed(2)} M | ${ms(ours)} ms | ${ms(peer)} ms | ${(ours / peer).toFixed(2)}× |`);
}
console.log(`engine (${ARITHMETIC}) vs official TFLite runtime (wasm SIMD, XNNPACK, 1 thread), median of ${RUNS} alternated runs, ${process.version}`);
console.log('| model | MACs | engine | official | ratio |');
console.log('|---|---|---|---|---|');
for (const r of rows) console.log(r);
console.log(`worst ratio ${Math.max(...ratios).toFixed(2)}×, median ${median(ratios).toFixed(2)}×`);

if (args.includes('--ops') || args.includes('--nodes')) {
  // Every zoo node alone, summed per operator type.
  const MAC_OPS = new Set(['CONV_2D', 'DEPTHWISE_CONV_2D', 'FULLY_CONNECTED', 'AVERAGE_POOL_2D', 'MAX_POOL_2D']);
  const byOp = new Map<string, { nodes: number; work: number; ours: number; peer: number; worst: number; worstAt: string }>();
  for (const z of ZOO.filter((z) => !ONLY || ONLY.includes(z.name))) {
    const def = z.build().def();
    for (let i = 0; i < def.ops.length; i++) {
      const bytes = buildModel(singleOpModel(def, i));
      const graph = parseModel(bytes);
      const op = graph.operators[0]!;
      const out = graph.tensors[op.outputs[0]!]!;
      const work = MAC_OPS.has(op.op) ? operatorMacs(graph, op) : op.op === 'MEAN' ? graph.tensors[op.inputs[0]!]!.elements : out.elements;
      const p = await pairFor(bytes, i + 1);
      const [ours, peer] = timePair(p.engine, p.official, Math.max(20, RUNS / 4), WARM_MS / 5);
      p.dispose();
      const e = byOp.get(op.op) ?? { nodes: 0, work: 0, ours: 0, peer: 0, worst: 0, worstAt: '' };
      e.nodes++;
      e.work += work;
      e.ours += ours;
      e.peer += peer;
      if (ours / peer > e.worst) {
        e.worst = ours / peer;
        e.worstAt = `${z.name}#${i} ${graph.tensors[op.inputs[0]!]!.shape.join('×')}→${out.shape.join('×')}`;
      }
      byOp.set(op.op, e);
      if (args.includes('--nodes')) {
        const shapes = op.inputs.filter((t) => t >= 0).map((t) => graph.tensors[t]!.shape.join('×')).join(' ');
        console.log(`${z.name}#${i} ${op.op} ${shapes} → ${out.shape.join('×')}: ${(ours * 1e3).toFixed(1)} µs vs ${(peer * 1e3).toFixed(1)} µs ${(ours / peer).toFixed(2)}×`);
      }
    }
  }
  console.log('\nper operator (zoo nodes alone, summed): ns per MAC for convolutions, fully-connected and pooling windows; ns per element otherwise');
  console.log('| op | nodes | unit | engine ns/unit | official ns/unit | ratio | worst node |');
  console.log('|---|---|---|---|---|---|---|');
  for (const [op, e] of [...byOp].sort((a, b) => b[1].ours - a[1].ours)) {
    const unit = MAC_OPS.has(op) ? 'MAC' : 'element';
    console.log(`| ${op} | ${e.nodes} | ${unit} | ${((e.ours * 1e6) / e.work).toFixed(3)} | ${((e.peer * 1e6) / e.work).toFixed(3)} | ${(e.ours / e.peer).toFixed(2)}× | ${e.worst.toFixed(2)}× ${e.worstAt} |`);
  }
}
