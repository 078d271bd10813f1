/**
 * Build a KWS set in the MLPerf Tiny layout from WAV folders named by word (Speech Commands style):
 * the ten keywords keep their labels, `_silence_`/`silence` and `_background_noise_` are silence, any
 * other word is unknown. Features come from the reference front end and are stored as the reference
 * int8 encoding, with a manifest saying so.
 */
import { mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { KWS_LABELS } from '../tasks/kws.js';
import { DatasetError } from './dataset.js';
import { KWS_QUANT, KWS_SAMPLE_RATE, KWS_SAMPLES, kwsMfcc, quantizeKwsFeatures } from '../tasks/front-ends/kws-mfcc.js';
import { MANIFEST_FILE } from './formats/mlperf.js';
import { parseWav } from './wav.js';
import { writeHeldOutLabels } from './held-out-labels.js';

export function kwsLabelForFolder(folder: string): number {
  const f = folder.toLowerCase();
  if (f === '_silence_' || f === 'silence' || f === '_background_noise_') return 10;
  const k = (KWS_LABELS as readonly string[]).indexOf(f);
  return k >= 0 && k < 10 ? k : 11;
}

export interface BuildResult {
  samples: number;
  perLabel: number[];
}

export function buildKwsSet(from: string, out: string, onProgress?: (done: number, total: number) => void): BuildResult {
  const files: { path: string; label: number; id: string }[] = [];
  for (const folder of readdirSync(from).sort()) {
    const dir = join(from, folder);
    if (!statSync(dir).isDirectory()) continue;
    for (const f of readdirSync(dir).sort()) {
      if (f.toLowerCase().endsWith('.wav')) files.push({ path: join(dir, f), label: kwsLabelForFolder(folder), id: `${folder}_${basename(f, '.wav')}`.replace(/[^\w.-]+/g, '_') });
    }
  }
  if (files.length === 0) throw new DatasetError(`${from}: no .wav files in word folders (expected e.g. yes/*.wav, no/*.wav, _silence_/*.wav)`);
  mkdirSync(out, { recursive: true });
  const lines: string[] = [];
  const perLabel = new Array<number>(KWS_LABELS.length).fill(0);
  files.forEach((f, i) => {
    const audio = parseWav(new Uint8Array(readFileSync(f.path)), f.path);
    if (audio.sampleRate !== KWS_SAMPLE_RATE) throw new DatasetError(`${f.path}: ${audio.sampleRate} Hz; the KWS front end needs ${KWS_SAMPLE_RATE} Hz (resample first, e.g. sox in.wav -r 16000 out.wav)`);
    // One second: longer clips are cut, shorter ones padded with silence.
    const clip = new Float32Array(KWS_SAMPLES);
    clip.set(audio.samples.subarray(0, KWS_SAMPLES));
    const bin = `${f.id}.bin`;
    writeFileSync(join(out, bin), quantizeKwsFeatures(kwsMfcc(clip)));
    lines.push(`${bin}, ${KWS_LABELS.length}, ${f.label}`);
    perLabel[f.label]!++;
    onProgress?.(i + 1, files.length);
  });
  writeHeldOutLabels(out, lines.join('\n') + '\n');
  writeFileSync(
    join(out, MANIFEST_FILE),
    JSON.stringify({ task: 'kws', description: `built by tinyarena dataset build from ${basename(from)}`, encoding: { dtype: 'int8', ...KWS_QUANT } }, null, 2) + '\n',
  );
  return { samples: files.length, perLabel };
}
