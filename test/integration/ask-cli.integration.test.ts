import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { sharedPath } from '../helpers/shared.js';
import { tempDir } from '../helpers/tmp.js';

const COURSE = sharedPath('course');

describe.skipIf(!COURSE)('tinyarena ask', () => {
  const env = { KNOWLEDGE_DIRS: COURSE!, DATA_DIR: '/nonexistent-not-needed' };

  it('answers one question as §5 JSON, citing the FAQ entry by its id', async () => {
    const run = runCli(['ask', 'Failed uploading: No device found on cu.usbmodem', '--json'], env);
    expect((await run.exited).code, run.output.stderr).toBe(0);
    const a = JSON.parse(run.output.stdout) as Record<string, unknown>;
    expect(Object.keys(a).sort()).toEqual(['abstained', 'answer', 'citations', 'confidence']);
    expect(a.abstained).toBe(false);
    const first = (a.citations as { id: string; title: string; url: string }[])[0]!;
    expect(first.id).toBe('upload-no-device-found');
    expect(first.url).toBe('faq/upload-no-device-found.md');
    expect(first.title).toMatch(/No device found/);
  });

  it('answers a file of questions in order, one JSON line each', async () => {
    const dir = tempDir();
    const file = join(dir, 'q.jsonl');
    writeFileSync(file, [{ question: 'how do I convert keras to tflite' }, { question: 'I need a refund for my verified certificate payment' }, { question: '¿Cuántas veces al día puedo enviar un modelo a la competencia?' }].map((q) => JSON.stringify(q)).join('\n') + '\n');
    const run = runCli(['ask', '--file', file, '--json'], env);
    expect((await run.exited).code, run.output.stderr).toBe(0);
    const lines = run.output.stdout.trim().split('\n').map((l) => JSON.parse(l) as { citations: { id: string }[]; abstained: boolean; answer: string });
    const at = (i: number) => lines[i]!;
    expect(lines).toHaveLength(3);
    expect(at(0).citations[0]?.id).toBe('keras-to-tflite');
    expect(at(1).abstained).toBe(true);
    expect(at(2).citations[0]?.id).toBe('competition-quotas-leaderboards');
    expect(at(2).answer).toMatch(/solo existe en inglés/);
  });

  it('exits 2 on bad usage and unreadable input', async () => {
    const noDirs = runCli(['ask', 'hello', '--json'], {});
    expect((await noDirs.exited).code).toBe(2);
    expect(noDirs.output.stderr).toMatch(/KNOWLEDGE_DIRS/);
    const dir = tempDir();
    writeFileSync(join(dir, 'bad.jsonl'), '{"question": "ok"}\nnot json\n');
    const bad = runCli(['ask', '--file', join(dir, 'bad.jsonl'), '--json'], env);
    expect((await bad.exited).code).toBe(2);
    expect(bad.output.stderr).toMatch(/bad\.jsonl:2: not JSON/);
  });
});
