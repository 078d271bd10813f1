/**
 * A board worth looking at, for the screenshot test: the test challenge's held-out samples relabelled
 * with the reference KWS model's own predictions (so it scores ~100 % and others less), and variants
 * of the reference model with noisy weights in the last dense layer (lower accuracy), padded to
 * different sizes.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Interpreter } from '../../grader/interpreter/interpreter.js';
import { parseModel } from '../../grader/tflite/parse.js';
import { mulberry32 } from '../../lib/rng.js';
import { buildModel } from '../../grader/tflite/builder.js';
import { modelDefOf } from './tflite-convert.js';

/** Rewrite `<dir>/y_labels.csv` with the model's top-1 prediction for every sample. */
export function relabelWithModel(dir: string, model: Uint8Array): void {
  const interp = Interpreter.create(parseModel(model), { arithmetic: 'tflite' });
  const lines = readFileSync(join(dir, 'y_labels.csv'), 'utf8').trim().split('\n');
  const out = lines.map((line) => {
    const [file, classes] = line.split(',').map((x) => x.trim()) as [string, string];
    interp.inputs[0]!.bytes.set(readFileSync(join(dir, file)));
    interp.invoke();
    const o = interp.outputs[0]!.i8;
    let best = 0;
    for (let i = 1; i < o.length; i++) if (o[i]! > o[best]!) best = i;
    return `${file}, ${classes}, ${best}`;
  });
  writeFileSync(join(dir, 'y_labels.csv'), `${out.join('\n')}\n`);
}

/** The model with ±`noise` added to the int8 weights of its dense layer(s), then `pad` zero bytes. */
export function noisyModel(model: Uint8Array, noise: number, seed: number, pad = 0): Uint8Array {
  const g = parseModel(model);
  const def = modelDefOf(g);
  const rnd = mulberry32(seed);
  for (const op of g.operators.filter((o) => o.op === 'FULLY_CONNECTED')) {
    const t = def.tensors[op.inputs[1]!]!;
    const w = new Int8Array(t.data!.buffer, t.data!.byteOffset, t.data!.length);
    for (let i = 0; i < w.length; i++) w[i] = Math.max(-127, Math.min(127, w[i]! + Math.round(((rnd() / 0xffffffff) * 2 - 1) * noise)));
  }
  const built = buildModel(def);
  const out = new Uint8Array(built.length + pad);
  out.set(built);
  return out;
}
