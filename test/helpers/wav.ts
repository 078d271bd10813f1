/** A minimal WAV writer for tests: PCM16 (samples as int16) or float32. */
export function wavBytes(samples: ArrayLike<number>, opts: { channels?: number; float?: boolean; sampleRate?: number } = {}): Uint8Array {
  const channels = opts.channels ?? 1;
  const bits = opts.float ? 32 : 16;
  const rate = opts.sampleRate ?? 16000;
  const data = new DataView(new ArrayBuffer(samples.length * (bits / 8)));
  for (let i = 0; i < samples.length; i++) {
    if (opts.float) data.setFloat32(i * 4, samples[i]!, true);
    else data.setInt16(i * 2, Math.max(-32768, Math.min(32767, Math.round(samples[i]!))), true);
  }
  const head = new DataView(new ArrayBuffer(44));
  const tag = (at: number, t: string) => [...t].forEach((c, i) => head.setUint8(at + i, c.charCodeAt(0)));
  tag(0, 'RIFF');
  head.setUint32(4, 36 + data.byteLength, true);
  tag(8, 'WAVE');
  tag(12, 'fmt ');
  head.setUint32(16, 16, true);
  head.setUint16(20, opts.float ? 3 : 1, true);
  head.setUint16(22, channels, true);
  head.setUint32(24, rate, true);
  head.setUint32(28, rate * channels * (bits / 8), true);
  head.setUint16(32, channels * (bits / 8), true);
  head.setUint16(34, bits, true);
  tag(36, 'data');
  head.setUint32(40, data.byteLength, true);
  const out = new Uint8Array(44 + data.byteLength);
  out.set(new Uint8Array(head.buffer));
  out.set(new Uint8Array(data.buffer), 44);
  return out;
}
