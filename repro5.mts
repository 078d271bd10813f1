import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { buildModel } from './grader/tflite/builder.js';
import { parseModel } from './grader/tflite/parse.js';
import { Interpreter } from './grader/interpreter/interpreter.js';
import { singleOpModel, Rng, NODE_GENERATORS } from './test/helpers/random-models.js';
import { runCRuntime } from './test/helpers/c-runtime.js';
import { makeFirmware } from './grader/rack/virtual/firmware-build.js';
const covered = [...Object.keys(NODE_GENERATORS), 'DEQUANTIZE'];
const rng = new Rng(102);
const jobs: any[] = [];
for (const op of covered) for (let s = 1; s <= 12; s++) {
  const model = buildModel(singleOpModel(op, s));
  const it = Interpreter.create(parseModel(model), { arithmetic: 'tflite' });
  const inputs = [0, 1, 2].map(() => rng.bytes(it.inputBytes));
  const exp = inputs.map((x) => { it.setInputBytes(x); it.invoke(); return it.getOutputBytes().slice(); });
  jobs.push({ name: `${op}#${s}`, model, arithmetic: 'tflite', inputs, exp });
}
const build = mkdtempSync(join(tmpdir(), 'rt-'));
await makeFirmware('runtime-test', build);
const drv = ['qemu-arm', '-cpu', 'cortex-a15', join(build, 'test', 'runtime-driver.elf')];
const q = jobs.findIndex((j) => j.name === 'QUANTIZE#11');
async function check(sel: any[]) {
  const rs: any[] = await runCRuntime(drv, sel);
  const last = rs[rs.length - 1];
  const j = sel[sel.length - 1];
  return last.outputs[0].every((v: number, i: number) => v === j.exp[0][i]);
}
console.log('all', await check(jobs.slice(0, q + 1)), 'alone', await check([jobs[q]]));
for (let i = 0; i < q; i++) if (!(await check([jobs[i], jobs[q]]))) console.log('poisoned by', jobs[i].name);
