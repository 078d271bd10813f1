import { spawn } from 'node:child_process';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fromRoot } from '../../core/paths.js';
import { runCli } from '../helpers/cli.js';
import { sharedPath } from '../helpers/shared.js';
import { tempDir } from '../helpers/tmp.js';

const ORACLE = sharedPath('oracle');
const TFLM = sharedPath('oracle-tflm/stock');

describe.skipIf(!ORACLE)('tinyarena infer', () => {
  it('compare.mjs over the real bin with --arithmetic tflite (the desktop goldens): N passed, 0 failed', async () => {
    const cmd = `node ${fromRoot('bin/tinyarena.js')} infer --arithmetic tflite --model {model} --input {input} --output {output}`;
    const child = spawn(process.execPath, [join(ORACLE!, 'compare.mjs'), '--cmd', cmd, '--models', 'ad01_int8,kws_ref_model', '--jobs', '2'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const code = await new Promise<number | null>((r) => child.once('exit', r));
    const last = out.trim().split('\n').at(-1);
    expect(last, out).toBe('38 passed, 0 failed');
    expect(code).toBe(0);
  }, 180_000);

  it.skipIf(!TFLM).each(['kws_ref_model', 'ad01_int8', 'vww_96_int8', 'hello_world_int8'])('with no flag, %s is byte-equal to stock TFLM on every golden case', async (model) => {
    const out = tempDir();
    const run = runCli(['infer', '--model', join(ORACLE!, model, 'model.tflite'), '--input-dir', join(ORACLE!, model), '--output-dir', out], {});
    expect((await run.exited).code, run.output.stderr).toBe(0);
    const want = readdirSync(join(TFLM!, model)).filter((f) => f.startsWith('output_'));
    expect(want.length).toBeGreaterThan(0);
    const differ = want.filter((f) => Buffer.compare(readFileSync(join(out, f)), readFileSync(join(TFLM!, model, f))) !== 0);
    expect(differ).toEqual([]);
  });

  it('directory mode runs every case in one process (--arithmetic tflite against the desktop goldens)', async () => {
    const src = join(ORACLE!, 'hello_world_int8');
    const out = tempDir();
    const run = runCli(['infer', '--arithmetic', 'tflite', '--model', join(src, 'model.tflite'), '--input-dir', src, '--output-dir', out], {});
    expect((await run.exited).code, run.output.stderr).toBe(0);
    const files = readdirSync(out).filter((f) => f.startsWith('output_'));
    expect(files).toHaveLength(256);
    for (const f of files) expect(Buffer.compare(readFileSync(join(out, f)), readFileSync(join(src, f))), f).toBe(0);
  });

  it('explains a wrong input size and bad usage with exit code 2', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'in.bin'), Buffer.alloc(7));
    const model = join(ORACLE!, 'kws_ref_model', 'model.tflite');
    const a = runCli(['infer', '--model', model, '--input', join(dir, 'in.bin'), '--output', join(dir, 'out.bin')], {});
    expect((await a.exited).code).toBe(2);
    expect(a.output.stderr).toContain("is 7 bytes; the model's input takes 490 ([1,49,10,1] int8)");
    const b = runCli(['infer', '--model', model, '--input', join(dir, 'in.bin')], {});
    expect((await b.exited).code).toBe(2);
    expect(b.output.stderr).toContain('give either --input and --output, or --input-dir and --output-dir');
    const c = runCli(['infer', '--model', join(dir, 'in.bin'), '--input', join(dir, 'in.bin'), '--output', join(dir, 'o.bin')], {});
    expect((await c.exited).code).toBe(2);
    expect(c.output.stderr).toMatch(/is not a readable TFLite model/);
  });
});
