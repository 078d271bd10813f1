/**
 * What real TensorFlow Lite Micro writes (../shared/oracle-tflm: stock TFLM, i.e. the board's
 * reference and CMSIS-NN kernels, and TFLM built with single rounding) for the golden inputs of
 * ../shared/oracle, byte for byte under the matching profile — and the default profile is stock TFLM.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_ARITHMETIC, type ArithmeticProfileName } from '../../grader/interpreter/arithmetic.js';
import { Interpreter } from '../../grader/interpreter/interpreter.js';
import { parseModel } from '../../grader/tflite/parse.js';
import { sharedPath } from '../helpers/shared.js';

const ORACLE = sharedPath('oracle');
const TFLM = sharedPath('oracle-tflm');
const bytes = (p: string) => new Uint8Array(readFileSync(p));
const BUILDS: [folder: string, profile: ArithmeticProfileName][] = [
  ['stock', 'tflm'],
  ['single-rounding', 'tflm-single'],
];

/** Case ids with a TFLM output, and the engine's output for each under `profile`. */
function runCases(model: string, folder: string, profile: ArithmeticProfileName | undefined) {
  const interp = Interpreter.create(parseModel(bytes(join(ORACLE!, model, 'model.tflite'))), profile ? { arithmetic: profile } : {});
  const dir = join(TFLM!, folder, model);
  const cases = readdirSync(dir)
    .map((f) => /^output_(\d+)\.bin$/.exec(f)?.[1])
    .filter((c): c is string => c !== undefined);
  return cases.map((c) => {
    interp.setInputBytes(bytes(join(ORACLE!, model, `input_${c}.bin`)));
    interp.invoke();
    return { id: c, got: interp.getOutputBytes(), want: bytes(join(dir, `output_${c}.bin`)) };
  });
}

const mismatches = (rs: ReturnType<typeof runCases>) => rs.filter((r) => Buffer.compare(r.got, r.want) !== 0).map((r) => r.id);

describe.skipIf(!ORACLE || !TFLM)('golden outputs of real TensorFlow Lite Micro', () => {
  const models = TFLM ? readdirSync(join(TFLM, 'stock')).sort() : [];

  it('covers the four shared models in both builds', () => {
    expect(models).toEqual(['ad01_int8', 'hello_world_int8', 'kws_ref_model', 'vww_96_int8']);
    for (const [folder] of BUILDS) expect(readdirSync(join(TFLM!, folder)).sort()).toEqual(models);
  });

  it('the default arithmetic is stock TFLM', () => expect(DEFAULT_ARITHMETIC).toBe('tflm'));

  for (const [folder, profile] of BUILDS) {
    it.each(models)(`%s: every ${folder} case byte-equal under ${profile}`, (model) => {
      const rs = runCases(model, folder, profile);
      expect(rs.length).toBeGreaterThan(0);
      expect(mismatches(rs)).toEqual([]);
    });
  }

  it.each(models)('%s: with no arithmetic given, every stock case byte-equal', (model) => {
    expect(mismatches(runCases(model, 'stock', undefined))).toEqual([]);
  });

  it('the builds really differ: desktop rounding misses stock TFLM on some cases (oracle-tflm/README.md)', () => {
    // README: stock differs from the desktop goldens in kws 7 of 19, ad01 19 of 19 cases.
    expect(mismatches(runCases('kws_ref_model', 'stock', 'tflite'))).toHaveLength(7);
    expect(mismatches(runCases('ad01_int8', 'stock', 'tflite'))).toHaveLength(19);
    expect(mismatches(runCases('ad01_int8', 'single-rounding', 'tflm'))).not.toEqual([]);
  });
});
