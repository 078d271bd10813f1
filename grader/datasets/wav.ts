/**
 * WAV (RIFF) reading for dataset building: PCM 8/16/24/32-bit and IEEE float32, any channel count
 * (mixed down to mono by averaging). Every chunk length is checked against the file.
 */
import { DatasetError } from './dataset.js';

export interface Wav {
  sampleRate: number;
  channels: number;
  /** Mono samples in [-1, 1). */
  samples: Float32Array;
}

export function parseWav(bytes: Uint8Array, name = 'audio'): Wav {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const tag = (at: number) => String.fromCharCode(...bytes.subarray(at, at + 4));
  if (bytes.length < 12 || tag(0) !== 'RIFF' || tag(8) !== 'WAVE') throw new DatasetError(`${name}: not a RIFF/WAVE file`);
  let fmt: { format: number; channels: number; rate: number; bits: number } | null = null;
  let data: Uint8Array | null = null;
  for (let at = 12; at + 8 <= bytes.length; ) {
    const id = tag(at);
    let size = dv.getUint32(at + 4, true);
    const body = at + 8;
    // Streamed WAVs (e.g. espeak-ng --stdout) cannot know the length and write a placeholder.
    if (id === 'data' && size >= 0x7f000000 && body + size > bytes.length) size = bytes.length - body;
    if (body + size > bytes.length) throw new DatasetError(`${name}: chunk "${id}" runs past the end of the file`);
    if (id === 'fmt ') {
      if (size < 16) throw new DatasetError(`${name}: fmt chunk too short`);
      let format = dv.getUint16(body, true);
      if (format === 0xfffe && size >= 40) format = dv.getUint16(body + 24, true); // WAVE_FORMAT_EXTENSIBLE
      fmt = { format, channels: dv.getUint16(body + 2, true), rate: dv.getUint32(body + 4, true), bits: dv.getUint16(body + 14, true) };
    } else if (id === 'data') {
      data = bytes.subarray(body, body + size);
    }
    at = body + size + (size % 2);
  }
  if (!fmt || !data) throw new DatasetError(`${name}: missing ${fmt ? 'data' : 'fmt'} chunk`);
  const { format, channels, rate, bits } = fmt;
  if (channels < 1) throw new DatasetError(`${name}: ${channels} channels`);
  const width = bits / 8;
  if (!((format === 1 && [1, 2, 3, 4].includes(width)) || (format === 3 && width === 4))) {
    throw new DatasetError(`${name}: unsupported WAV encoding (format ${format}, ${bits} bits); use PCM or float32`);
  }
  const frames = Math.floor(data.length / (width * channels));
  const ddv = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const read = (i: number): number => {
    const o = i * width;
    if (format === 3) return ddv.getFloat32(o, true);
    if (width === 1) return (data[o]! - 128) / 128;
    if (width === 2) return ddv.getInt16(o, true) / 32768;
    if (width === 3) return (((data[o + 2]! << 24) | (data[o + 1]! << 16) | (data[o]! << 8)) >> 8) / 8388608;
    return ddv.getInt32(o, true) / 2147483648;
  };
  const samples = new Float32Array(frames);
  for (let f = 0; f < frames; f++) {
    let s = 0;
    for (let c = 0; c < channels; c++) s += read(f * channels + c);
    samples[f] = s / channels;
  }
  return { sampleRate: rate, channels, samples };
}

/**
 * Encode samples as a WAV file: PCM16 (samples in [-1, 1], scaled by 32768 and clamped) or IEEE
 * float32; `channels` interleaved samples per frame.
 */
export function encodeWav(samples: ArrayLike<number>, opts: { sampleRate: number; channels?: number; format?: 'pcm16' | 'float32' }): Uint8Array {
  const channels = opts.channels ?? 1;
  const float = opts.format === 'float32';
  const width = float ? 4 : 2;
  const out = new Uint8Array(44 + samples.length * width);
  const dv = new DataView(out.buffer);
  const tag = (at: number, t: string) => [...t].forEach((c, i) => dv.setUint8(at + i, c.charCodeAt(0)));
  tag(0, 'RIFF');
  dv.setUint32(4, 36 + samples.length * width, true);
  tag(8, 'WAVE');
  tag(12, 'fmt ');
  dv.setUint32(16, 16, true);
  dv.setUint16(20, float ? 3 : 1, true);
  dv.setUint16(22, channels, true);
  dv.setUint32(24, opts.sampleRate, true);
  dv.setUint32(28, opts.sampleRate * channels * width, true);
  dv.setUint16(32, channels * width, true);
  dv.setUint16(34, width * 8, true);
  tag(36, 'data');
  dv.setUint32(40, samples.length * width, true);
  for (let i = 0; i < samples.length; i++) {
    if (float) dv.setFloat32(44 + i * 4, samples[i]!, true);
    else dv.setInt16(44 + i * 2, Math.max(-32768, Math.min(32767, Math.round(samples[i]! * 32768))), true);
  }
  return out;
}
