/**
 * Every golden case in ../shared/oracle (desktop TFLite, so under the `tflite` profile), byte for byte, through the library (the CLI path is covered
 * by the integration tests with compare.mjs). The logits files check everything before the SOFTMAX.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Interpreter } from '../../grader/interpreter/interpreter.js';
import { parseModel } from '../../grader/tflite/parse.js';
import { sharedPath } from '../helpers/shared.js';

const ORACLE = sharedPath('oracle');
const models = ORACLE ? readdirSync(ORACLE).filter((d) => existsSync(join(ORACLE, d, 'model.tflite'))) : [];
const bytes = (p: string) => new Uint8Array(readFileSync(p));

describe.skipIf(!ORACLE)('golden cases from the official runtime', () => {
  it('covers the four shared models', () => {
    expect(models.sort()).toEqual(['ad01_int8', 'hello_world_int8', 'kws_ref_model', 'vww_96_int8']);
  });

  it.each(models)('%s: every case byte-equal', (model) => {
    const dir = join(ORACLE!, model);
    const graph = parseModel(bytes(join(dir, 'model.tflite')));
    const interp = Interpreter.create(graph, { arithmetic: 'tflite' });
    const softmax = graph.operators.find((o) => o.op === 'SOFTMAX');
    const cases = readdirSync(dir)
      .map((f) => /^input_(\d+)\.bin$/.exec(f)?.[1])
      .filter((c): c is string => c !== undefined);
    expect(cases.length).toBeGreaterThan(0);
    const mismatches: string[] = [];
    for (const c of cases) {
      interp.setInputBytes(bytes(join(dir, `input_${c}.bin`)));
      interp.invoke();
      if (Buffer.compare(interp.getOutputBytes(), bytes(join(dir, `output_${c}.bin`))) !== 0) mismatches.push(`output ${c}`);
      const logits = join(dir, `logits_${c}.bin`);
      if (softmax && existsSync(logits) && Buffer.compare(interp.tensor(softmax.inputs[0]!).bytes, bytes(logits)) !== 0) mismatches.push(`logits ${c}`);
    }
    expect(mismatches).toEqual([]);
  });
});
