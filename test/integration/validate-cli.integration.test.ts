import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listChallengeIds } from '../../grader/challenges/load.js';
import { runCli } from '../helpers/cli.js';
import { HAVE_SHARED_MODELS, sharedPath } from '../helpers/shared.js';
import { tempDir } from '../helpers/tmp.js';
import { fromRoot } from '../../core/paths.js';

const validate = async (...args: string[]) => validateIn({}, ...args);
const validateIn = async (env: Record<string, string>, ...args: string[]) => {
  const run = runCli(['validate', ...args], env);
  const { code } = await run.exited;
  return { code, ...run.output };
};

describe.skipIf(!HAVE_SHARED_MODELS)('tinyarena validate', () => {
  it('accepts the KWS reference model for kws-demo and prints the documented JSON', async () => {
    const r = await validate(sharedPath('models/kws_ref_model.tflite')!, '--challenge', 'kws-demo', '--json');
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(Object.keys(report)).toEqual(expect.arrayContaining(['ok', 'sizeBytes', 'inputs', 'outputs', 'ops', 'macs', 'arenaBytes', 'checks']));
    expect(report).toMatchObject({
      ok: true,
      sizeBytes: 53_936,
      inputs: [{ shape: [1, 49, 10, 1], dtype: 'int8', zeroPoint: 83 }],
      outputs: [{ shape: [1, 12], dtype: 'int8', zeroPoint: -128 }],
      macs: 2_664_780,
    });
    for (const c of report.checks as { id: string; status: string; message: string }[]) {
      expect(c.id).toMatch(/^[a-z0-9]+\.[a-z0-9-]+$/);
      expect(['pass', 'fail', 'warn']).toContain(c.status);
    }
  });

  it('rejects a float model with exit code 1 and a readable table', async () => {
    const r = await validate(sharedPath('models/kws_ref_model_float32.tflite')!);
    expect(r.code).toBe(1);
    // One failure: the conversion (dynamic-range), with one fix and the recipe's link.
    expect(r.stdout.match(/FAIL/g)).toHaveLength(1);
    expect(r.stdout).toMatch(/FAIL {2}int8\.quantization +dynamic-range quantization: 5 of 10 weight tensors are int8/);
    expect(r.stdout).toMatch(/fix: Keep optimizations = \[tf\.lite\.Optimize\.DEFAULT\] and add a representative dataset/);
    expect(r.stdout).toMatch(/recipe: http:\/\/\S+\/help\/quantization#dynamic-range\n/);
    expect(r.stdout.trim().endsWith('REJECTED')).toBe(true);
  });

  it('exits 2 for unreadable files, missing files and unknown challenges', async () => {
    const dir = tempDir();
    const junk = join(dir, 'model.tflite');
    writeFileSync(junk, 'definitely not a model');
    const a = await validate(junk, '--json');
    expect(a.code).toBe(2);
    expect(JSON.parse(a.stdout)).toMatchObject({ ok: false, readable: false });
    const b = await validate(join(dir, 'missing.tflite'));
    expect(b.code).toBe(2);
    expect(b.stderr.trim()).toBe(`tinyarena: cannot read ${join(dir, 'missing.tflite')}: no such file`);
    const c = await validate(sharedPath('models/kws_ref_model.tflite')!, '--challenge', 'asr-demo');
    expect(c.code).toBe(2);
    // The known ones are whatever challenges/ holds (an organizer adds their own there).
    expect(c.stderr.trim()).toBe(`tinyarena: no challenge "asr-demo" (known: ${listChallengeIds().join(', ')})`);
    const d = await validate();
    expect(d.code).toBe(2);
  });

  it("checks against the server's own challenge folder (CHALLENGES_DIR), with an organizer's added challenge", async () => {
    const dir = join(tempDir(), 'challenges');
    cpSync(fromRoot('challenges'), dir, { recursive: true });
    mkdirSync(join(dir, 'kws-spring'));
    writeFileSync(join(dir, 'kws-spring', 'challenge.yaml'), readFileSync(fromRoot('challenges', 'kws-demo', 'challenge.yaml'), 'utf8').replace(/^id: kws-demo$/m, 'id: kws-spring'));
    const ok = await validateIn({ CHALLENGES_DIR: dir }, sharedPath('models/kws_ref_model.tflite')!, '--challenge', 'kws-spring', '--json');
    expect(ok.code, ok.stderr).toBe(0);
    const unknown = await validateIn({ CHALLENGES_DIR: dir }, sharedPath('models/kws_ref_model.tflite')!, '--challenge', 'asr-demo');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/\(known: [a-z0-9-, ]*\bkws-spring\b/);
  });
});
