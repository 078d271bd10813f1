/**
 * A demo KWS set the project makes itself (demo only — synthetic speech is not Speech Commands):
 * every keyword and a few non-keywords spoken by espeak-ng voices at several speeds and pitches,
 * resampled to 16 kHz, mixed with a little noise, plus silence clips. Labels are true by
 * construction. Written as word folders, then built with the reference front end.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { findExecutable } from '../../core/redis.js';
import { KWS_LABELS } from '../tasks/kws.js';
import { buildKwsSet, type BuildResult } from './build-kws.js';
import { DatasetError } from './dataset.js';
import { markDemo } from './demo-manifest.js';
import { encodeWav, parseWav } from './wav.js';

export const UNKNOWN_WORDS = ['bed', 'bird', 'cat', 'dog', 'happy', 'house', 'marvin', 'sheila', 'tree', 'wow'];

export interface KwsDemoOptions {
  voices?: string[];
  speeds?: number[];
  pitches?: number[];
  silenceClips?: number;
  seed?: number;
}

/** Linear-interpolation resampling (speech content sits well below the 8 kHz Nyquist here). */
export function resample(x: Float32Array, from: number, to: number): Float32Array {
  if (from === to) return x.slice();
  const n = Math.floor((x.length * to) / from);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const p = (i * from) / to;
    const k = Math.floor(p);
    const f = p - k;
    out[i] = (x[k] ?? 0) * (1 - f) + (x[k + 1] ?? x[k] ?? 0) * f;
  }
  return out;
}

/** Make the raw word folders under `rawDir` and build the set into `outDir`. */
export function generateKwsDemo(rawDir: string, outDir: string, opts: KwsDemoOptions = {}, onProgress?: (done: number, total: number) => void): BuildResult {
  const espeak = findExecutable('espeak-ng');
  if (!espeak) throw new DatasetError('espeak-ng was not found on PATH (Debian/Ubuntu: sudo apt-get install espeak-ng; macOS: brew install espeak-ng)');
  const voices = opts.voices ?? ['en', 'en-us', 'en+f3', 'en+m3'];
  const speeds = opts.speeds ?? [140, 175];
  const pitches = opts.pitches ?? [40, 60];
  let seed = opts.seed ?? 1;
  const noise = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32) * 2 - 1;
  const words = [...KWS_LABELS.slice(0, 10), ...UNKNOWN_WORDS];
  const silenceClips = opts.silenceClips ?? 8;
  // Progress over both halves: making the clips, then building the set from them.
  const total = words.length * voices.length * speeds.length * pitches.length + silenceClips;
  let made = 0;
  for (const word of words) {
    mkdirSync(join(rawDir, word), { recursive: true });
    for (const voice of voices) {
      for (const speed of speeds) {
        for (const pitch of pitches) {
          const wav = execFileSync(espeak, ['-v', voice, '-s', String(speed), '-p', String(pitch), '--stdout', word], { maxBuffer: 16 << 20 });
          const parsed = parseWav(new Uint8Array(wav), `espeak-ng ${voice} "${word}"`);
          const speech = resample(parsed.samples, parsed.sampleRate, 16000);
          // Centre the word in one second and add quiet noise.
          const clip = new Float32Array(16000);
          const offset = Math.max(0, Math.floor((16000 - speech.length) / 2));
          clip.set(speech.subarray(0, 16000 - offset), offset);
          for (let i = 0; i < clip.length; i++) clip[i] = clip[i]! + 0.003 * noise();
          writeFileSync(join(rawDir, word, `${voice.replace(/\W/g, '_')}_${speed}_${pitch}.wav`), encodeWav(clip, { sampleRate: 16000 }));
          onProgress?.(++made, 2 * total);
        }
      }
    }
  }
  mkdirSync(join(rawDir, '_silence_'), { recursive: true });
  for (let k = 0; k < silenceClips; k++) {
    const level = 0.001 * (k + 1);
    writeFileSync(join(rawDir, '_silence_', `noise_${k}.wav`), encodeWav(Float32Array.from({ length: 16000 }, () => level * noise()), { sampleRate: 16000 }));
    onProgress?.(++made, 2 * total);
  }
  const built = buildKwsSet(rawDir, outDir, onProgress && ((done) => onProgress(total + done, 2 * total)));
  markDemo(outDir, `DEMO ONLY: synthetic speech (espeak-ng ${voices.join('/')}, speeds ${speeds.join('/')}, pitches ${pitches.join('/')}) made by tinyarena dataset demo --task kws`);
  return built;
}
