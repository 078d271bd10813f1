/**
 * Build an AD set in the MLPerf Tiny layout from WAV folders `normal/` and `anomaly/` (16 kHz clips
 * of ≥ 8 s): each clip becomes 200 × 128 float32 log-mel frames; label 1 marks anomalies.
 */
import { mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { AD_WINDOW } from '../tasks/ad.js';
import { DatasetError } from './dataset.js';
import { AD_SAMPLE_RATE, adFeatures } from '../tasks/front-ends/ad-logmel.js';
import { MANIFEST_FILE } from './formats/mlperf.js';
import { parseWav } from './wav.js';
import { writeHeldOutLabels } from './held-out-labels.js';

export function buildAdSet(from: string, out: string, onProgress?: (done: number, total: number) => void): { samples: number; anomalies: number } {
  const files: { path: string; label: number; id: string }[] = [];
  for (const [folder, label] of [['normal', 0], ['anomaly', 1]] as const) {
    const dir = join(from, folder);
    let entries: string[] = [];
    try {
      if (statSync(dir).isDirectory()) entries = readdirSync(dir).sort();
    } catch {
      /* missing folder: reported below */
    }
    for (const f of entries) if (f.toLowerCase().endsWith('.wav')) files.push({ path: join(dir, f), label, id: `${folder}_${basename(f, '.wav')}`.replace(/[^\w.-]+/g, '_') });
  }
  if (!files.some((f) => f.label === 0) || !files.some((f) => f.label === 1)) {
    throw new DatasetError(`${from}: needs .wav clips in both normal/ and anomaly/ (ROC AUC needs both classes)`);
  }
  mkdirSync(out, { recursive: true });
  const lines: string[] = [];
  files.forEach((f, i) => {
    const audio = parseWav(new Uint8Array(readFileSync(f.path)), f.path);
    if (audio.sampleRate !== AD_SAMPLE_RATE) throw new DatasetError(`${f.path}: ${audio.sampleRate} Hz; the AD front end needs ${AD_SAMPLE_RATE} Hz`);
    let features: Float32Array;
    try {
      features = adFeatures(audio.samples);
    } catch (err) {
      throw new DatasetError(`${f.path}: ${(err as Error).message}`);
    }
    const bin = `${f.id}.bin`;
    writeFileSync(join(out, bin), new Uint8Array(features.buffer));
    lines.push(`${bin}, 2, ${f.label}, ${AD_WINDOW.bytes}, ${AD_WINDOW.stride}`);
    onProgress?.(i + 1, files.length);
  });
  writeHeldOutLabels(out, lines.join('\n') + '\n');
  writeFileSync(join(out, MANIFEST_FILE), JSON.stringify({ task: 'ad', description: `built by tinyarena dataset build from ${basename(from)}`, encoding: { dtype: 'float32' } }, null, 2) + '\n');
  return { samples: files.length, anomalies: files.filter((f) => f.label === 1).length };
}
