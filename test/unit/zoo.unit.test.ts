/**
 * The model zoo (bench/zoo): at least 12 architectures that together use every operator of the
 * board's op set, and on each of them the engine's fast kernels are byte-equal to a plain
 * transcription of the reference kernels (test/helpers/reference-kernels.ts) under every arithmetic
 * profile, on seeded inputs.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fromRoot } from '../../core/paths.js';
import { ARITHMETIC_NAMES } from '../../grader/interpreter/arithmetic.js';
import { Interpreter } from '../../grader/interpreter/interpreter.js';
import { parseModel } from '../../grader/tflite/parse.js';
import { seededInput } from '../../bench/zoo/inputs.js';
import { ZOO, zooModel } from '../../bench/zoo/models.js';
import { REFERENCE_KERNELS } from '../helpers/reference-kernels.js';

const OP_SET = (JSON.parse(readFileSync(fromRoot('firmware', 'op-set.json'), 'utf8')) as { ops: { op: string }[] }).ops.map((o) => o.op);

describe('model zoo', { timeout: 60_000 }, () => {
  it('has at least 12 architectures covering every operator of firmware/op-set.json', () => {
    expect(ZOO.length).toBeGreaterThanOrEqual(12);
    expect(new Set(ZOO.map((z) => z.name)).size).toBe(ZOO.length);
    const used = new Set(ZOO.flatMap((z) => parseModel(zooModel(z.name)).operators.map((o) => o.op)));
    expect(OP_SET.filter((op) => !used.has(op))).toEqual([]);
  });

  describe.each(ZOO.map((z) => z.name))('%s', (name) => {
    it.each(ARITHMETIC_NAMES)('fast kernels equal the reference transcription under %s', (arithmetic) => {
      const graph = parseModel(zooModel(name));
      const fast = Interpreter.create(graph, { arithmetic });
      const ref = Interpreter.create(graph, { arithmetic, kernels: REFERENCE_KERNELS });
      for (let seed = 1; seed <= 3; seed++) {
        const input = seededInput(graph, seed);
        fast.setInputBytes(input);
        fast.invoke();
        ref.setInputBytes(input);
        ref.invoke();
        expect(Buffer.from(fast.getOutputBytes()).toString('hex'), `seed ${seed}`).toBe(Buffer.from(ref.getOutputBytes()).toString('hex'));
      }
    });
  });
});
