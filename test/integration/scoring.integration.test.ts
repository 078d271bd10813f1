/**
 * Scoring through the worker pool on MLPerf-layout folders built from the golden KWS inputs (labels
 * = the golden prediction, so the reference model must score 100%), re-encoded copies of them, and a
 * synthetic AD set; and the CLI.
 */
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readMlperfDataset } from '../../grader/datasets/formats/mlperf.js';
import { Interpreter } from '../../grader/interpreter/interpreter.js';
import { argmax } from '../../grader/metrics/classification.js';
import { scoreDataset } from '../../grader/scoring/score.js';
import { parseModel } from '../../grader/tflite/parse.js';
import { runCli } from '../helpers/cli.js';
import { HAVE_SHARED_MODELS, sharedModel, sharedPath } from '../helpers/shared.js';
import { tempDir } from '../helpers/tmp.js';

const KWS_SCALE = 0.5847029;
const KWS_ZP = 83;

function goldenKwsCases() {
  const dir = sharedPath('oracle/kws_ref_model')!;
  return readdirSync(dir)
    .map((f) => /^input_(\d+)\.bin$/.exec(f)?.[1])
    .filter((c): c is string => !!c)
    .map((c) => {
      const out = new Int8Array(readFileSync(join(dir, `output_${c}.bin`)));
      return { id: `case_${c}.bin`, input: new Int8Array(readFileSync(join(dir, `input_${c}.bin`))), label: argmax(out) };
    });
}

function writeSet(dir: string, cases: { id: string; bytes: Uint8Array; label: number }[], classes: number, manifest?: object) {
  mkdirSync(dir, { recursive: true });
  for (const c of cases) writeFileSync(join(dir, c.id), c.bytes);
  writeFileSync(join(dir, 'y_labels.csv'), cases.map((c) => `${c.id}, ${classes}, ${c.label}`).join('\n') + '\n');
  if (manifest) writeFileSync(join(dir, 'dataset.json'), JSON.stringify(manifest));
}

describe.skipIf(!HAVE_SHARED_MODELS)('scoring', () => {
  it('KWS reference model scores 100% on its own golden predictions, inputs passed through unchanged', async () => {
    const dir = tempDir();
    const cases = goldenKwsCases();
    writeSet(dir, cases.map((c) => ({ id: c.id, bytes: new Uint8Array(c.input.buffer), label: c.label })), 12);
    const progress: number[] = [];
    const r = await scoreDataset(sharedModel('kws_ref_model'), readMlperfDataset(dir, 'kws'), { threads: 2, onProgress: (d) => progress.push(d) });
    expect(r).toMatchObject({ task: 'kws', metric: 'top1', value: 1, n: cases.length, inputConversion: { method: 'identity' } });
    expect(r.confusion!.flat().reduce((a, b) => a + b, 0)).toBe(cases.length);
    expect(progress.at(-1)).toBe(cases.length);
  });

  it('float32 storage is quantized to the model input and gives the same predictions', async () => {
    const dir = tempDir();
    const cases = goldenKwsCases();
    const asFloat = (x: Int8Array) => new Uint8Array(Float32Array.from(x, (q) => Math.fround(KWS_SCALE * (q - KWS_ZP))).buffer);
    writeSet(dir, cases.map((c) => ({ id: c.id, bytes: asFloat(c.input), label: c.label })), 12, { task: 'kws', encoding: { dtype: 'float32' } });
    const r = await scoreDataset(sharedModel('kws_ref_model'), readMlperfDataset(dir, 'kws'), { threads: 1 });
    expect(r.inputConversion.method).toBe('quantize');
    expect(r.value).toBe(1);
  });

  it('storage in another quantization ranks exactly as re-quantizing by hand', async () => {
    const dir = tempDir();
    const cases = goldenKwsCases();
    // Stored with twice the scale and zero point −20: q' = round((q − 83)/2) − 20.
    const stored = cases.map((c) => Int8Array.from(c.input, (q) => Math.max(-128, Math.min(127, Math.round((q - KWS_ZP) / 2) - 20))));
    writeSet(dir, cases.map((c, i) => ({ id: c.id, bytes: new Uint8Array(stored[i]!.buffer), label: c.label })), 12, { task: 'kws', encoding: { dtype: 'int8', scale: KWS_SCALE * 2, zeroPoint: -20 } });
    const r = await scoreDataset(sharedModel('kws_ref_model'), readMlperfDataset(dir, 'kws'), { threads: 2 });
    expect(r.inputConversion.method).toBe('requantize');
    // By hand: real = 2s·(q' + 20); model q = round(real / s) + 83.
    const interp = Interpreter.create(parseModel(sharedModel('kws_ref_model')));
    let correct = 0;
    stored.forEach((q, i) => {
      interp.inputs[0]!.i8.set(Int8Array.from(q, (v) => Math.max(-128, Math.min(127, Math.round((KWS_SCALE * 2 * (v + 20)) / KWS_SCALE) + KWS_ZP))));
      interp.invoke();
      if (argmax(interp.outputs[0]!.i8) === cases[i]!.label) correct++;
    });
    expect(r.value).toBe(correct / cases.length);
  });

  it('AD: per-file mean window MSE and an exact AUC on a synthetic set', async () => {
    const dir = tempDir();
    let seed = 1;
    const rnd = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32) * 2 - 1;
    const file = (amp: number) => new Uint8Array(Float32Array.from({ length: 200 * 128 }, () => -20 + amp * rnd()).buffer);
    writeSet(dir, [0, 1, 2, 3].map((i) => ({ id: `f${i}.bin`, bytes: file(i < 2 ? 1 : 15), label: i < 2 ? 0 : 1 })), 2);
    const r = await scoreDataset(sharedModel('ad01_int8'), readMlperfDataset(dir, 'ad'), { threads: 2 });
    expect(r).toMatchObject({ task: 'ad', metric: 'auc', n: 4, inputConversion: { method: 'quantize' } });
    expect(r.value).toBeGreaterThanOrEqual(0);
    expect(r.value).toBeLessThanOrEqual(1);
    expect(r.roc!.at(-1)).toMatchObject({ fpr: 1, tpr: 1 });
  });

  it('tinyarena score prints the documented JSON and explains bad datasets', async () => {
    const dir = tempDir();
    const cases = goldenKwsCases();
    writeSet(dir, cases.map((c) => ({ id: c.id, bytes: new Uint8Array(c.input.buffer), label: c.label })), 12);
    const model = sharedPath('models/kws_ref_model.tflite')!;
    const ok = runCli(['score', model, '--task', 'kws', '--dataset', dir, '--json', '--threads', '2'], {});
    expect((await ok.exited).code, ok.output.stderr).toBe(0);
    expect(JSON.parse(ok.output.stdout)).toMatchObject({ task: 'kws', metric: 'top1', value: 1, n: cases.length, arithmetic: 'tflm', arithmeticLabel: 'TFLM reference / CMSIS-NN arithmetic, as on the Nano 33 BLE Sense' });
    writeFileSync(join(dir, 'y_labels.csv'), 'case_0.bin, 12, 15\n');
    const bad = runCli(['score', model, '--task', 'kws', '--dataset', dir], {});
    expect((await bad.exited).code).toBe(2);
    expect(bad.output.stderr).toMatch(/y_labels\.csv:1: class 15 is not one of 12 classes/);
  });
});

describe('scoring by challenge', () => {
  // A challenge without dataset.path is covered in test/unit/dataset-resolve.unit.test.ts; the demo
  // challenges' generated sets in ad-demo.integration.test.ts.
  it('names the known challenges when the id is wrong', async () => {
    const r = runCli(['score', sharedPath('models/kws_ref_model.tflite') ?? 'x', '--challenge', 'no-such-challenge'], {});
    expect((await r.exited).code).toBe(2);
    expect(r.output.stderr).toMatch(/no challenge "no-such-challenge" \(known: .*ad-demo.*\)/);
  });
});
