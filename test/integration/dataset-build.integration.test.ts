import { copyFileSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { sharedPath } from '../helpers/shared.js';
import { tempDir } from '../helpers/tmp.js';

describe.skipIf(!sharedPath('samples/yes_1000ms.wav'))('tinyarena dataset build (KWS) → score', () => {
  it('builds an MLPerf-layout set from word folders and the reference model scores it 100%', async () => {
    const root = tempDir();
    const raw = join(root, 'raw');
    for (const [folder, file] of [['yes', 'yes_1000ms.wav'], ['_silence_', 'silence_1000ms.wav'], ['marvin', 'marvin_617de221_0.wav']] as const) {
      mkdirSync(join(raw, folder), { recursive: true });
      copyFileSync(sharedPath(`samples/${file}`)!, join(raw, folder, file));
    }
    const set = join(root, 'set');
    const build = runCli(['dataset', 'build', '--task', 'kws', '--from', raw, '--out', set], {});
    expect((await build.exited).code, build.output.stderr).toBe(0);
    expect(build.output.stdout).toContain('3 samples');
    expect(readFileSync(join(set, 'y_labels.csv'), 'utf8').trim().split('\n').sort()).toEqual([
      '_silence__silence_1000ms.bin, 12, 10',
      'marvin_marvin_617de221_0.bin, 12, 11',
      'yes_yes_1000ms.bin, 12, 9',
    ]);
    // Held-out labels are the organizers' secret (issue 17 #7).
    expect(statSync(join(set, 'y_labels.csv')).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(join(set, 'dataset.json'), 'utf8'))).toMatchObject({ task: 'kws', encoding: { dtype: 'int8', scale: 0.5847029, zeroPoint: 83 } });
    const score = runCli(['score', sharedPath('models/kws_ref_model.tflite')!, '--task', 'kws', '--dataset', set, '--json'], {});
    expect((await score.exited).code, score.output.stderr).toBe(0);
    expect(JSON.parse(score.output.stdout)).toMatchObject({ value: 1, n: 3, inputConversion: { method: 'identity' } });
  });

  it('explains what is wrong with the raw folder', async () => {
    const empty = tempDir();
    const r = runCli(['dataset', 'build', '--task', 'kws', '--from', empty, '--out', join(empty, 'out')], {});
    expect((await r.exited).code).toBe(2);
    expect(r.output.stderr).toMatch(/no \.wav files in word folders/);
  });
});
