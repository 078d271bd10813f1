import { encodeWav } from '../../grader/datasets/wav.js';

/** WAV bytes for tests: PCM16 from int16-scale values, or float32 from values in [-1, 1]. */
export function wavBytes(samples: ArrayLike<number>, opts: { channels?: number; float?: boolean; sampleRate?: number } = {}): Uint8Array {
  const values = opts.float ? samples : Array.from(samples, (v) => v / 32768);
  return encodeWav(values, { sampleRate: opts.sampleRate ?? 16000, channels: opts.channels ?? 1, format: opts.float ? 'float32' : 'pcm16' });
}
