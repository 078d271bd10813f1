/**
 * The AD reference front end (MLPerf Tiny / DCASE 2020 baseline, as librosa computes it): centred STFT
 * (reflect padding), periodic Hann window, n_fft 1024, hop 512, power spectrum, 128 Slaney mel bands
 * with Slaney normalisation over 0–8 kHz, 10·log10(mel + ε). The scored part is frames 50–249:
 * 200 × 128 float32, read by the model as 5-frame windows.
 */
import FFT from 'fft.js';

export const AD_SAMPLE_RATE = 16000;
const N_FFT = 1024;
const HOP = 512;
const N_MELS = 128;
const BINS = N_FFT / 2 + 1;
export const AD_FIRST_FRAME = 50;
export const AD_FRAMES = 200;
const EPS = 2.220446049250313e-16; // numpy float64 epsilon, as the baseline adds

// Slaney mel scale (librosa htk=False).
const F_SP = 200 / 3;
const MIN_LOG_HZ = 1000;
const MIN_LOG_MEL = MIN_LOG_HZ / F_SP;
const LOGSTEP = Math.log(6.4) / 27;
const hzToMel = (hz: number) => (hz >= MIN_LOG_HZ ? MIN_LOG_MEL + Math.log(hz / MIN_LOG_HZ) / LOGSTEP : hz / F_SP);
const melToHz = (mel: number) => (mel >= MIN_LOG_MEL ? MIN_LOG_HZ * Math.exp(LOGSTEP * (mel - MIN_LOG_MEL)) : F_SP * mel);

/** librosa.filters.mel(sr=16000, n_fft=1024, n_mels=128, norm='slaney'): [128][513]. */
export function slaneyMelFilters(sr = AD_SAMPLE_RATE, nFft = N_FFT, nMels = N_MELS): Float64Array[] {
  const bins = nFft / 2 + 1;
  const fftFreqs = Float64Array.from({ length: bins }, (_, k) => (k * sr) / nFft);
  const maxMel = hzToMel(sr / 2);
  const melF = Float64Array.from({ length: nMels + 2 }, (_, i) => melToHz((maxMel * i) / (nMels + 1)));
  return Array.from({ length: nMels }, (_, m) => {
    const row = new Float64Array(bins);
    const enorm = 2 / (melF[m + 2]! - melF[m]!);
    for (let k = 0; k < bins; k++) {
      const lower = (fftFreqs[k]! - melF[m]!) / (melF[m + 1]! - melF[m]!);
      const upper = (melF[m + 2]! - fftFreqs[k]!) / (melF[m + 2]! - melF[m + 1]!);
      row[k] = Math.max(0, Math.min(lower, upper)) * enorm;
    }
    return row;
  });
}

const MEL = slaneyMelFilters();
// Each triangle covers a few bins: sum only over its non-zero span (the skipped terms are exact zeros,
// so the sums are bit-identical to the dense product).
const MEL_SPAN = MEL.map((row) => {
  let lo = 0;
  while (lo < row.length && row[lo] === 0) lo++;
  let hi = row.length;
  while (hi > lo && row[hi - 1] === 0) hi--;
  return [lo, hi] as const;
});
const HANN = Float64Array.from({ length: N_FFT }, (_, n) => 0.5 - 0.5 * Math.cos((2 * Math.PI * n) / N_FFT));
const fft = new FFT(N_FFT);

/** Log-mel spectrogram (frames × 128, float32) of a clip, every frame. */
export function logMelSpectrogram(audio: Float32Array): { frames: number; data: Float32Array } {
  const pad = N_FFT / 2;
  const n = audio.length;
  // Centre with reflect padding (numpy 'reflect': the edge sample is not repeated).
  const padded = new Float64Array(n + 2 * pad);
  for (let i = 0; i < padded.length; i++) {
    let j = i - pad;
    if (n > 1) {
      while (j < 0 || j >= n) j = j < 0 ? -j : 2 * (n - 1) - j;
    } else j = 0;
    padded[i] = audio[j] ?? 0;
  }
  const frames = 1 + Math.floor((padded.length - N_FFT) / HOP);
  const out = new Float32Array(frames * N_MELS);
  const frame = new Float64Array(N_FFT);
  const spec = fft.createComplexArray();
  const power = new Float64Array(BINS);
  for (let t = 0; t < frames; t++) {
    for (let i = 0; i < N_FFT; i++) frame[i] = padded[t * HOP + i]! * HANN[i]!;
    fft.realTransform(spec, frame);
    for (let k = 0; k < BINS; k++) power[k] = spec[2 * k]! ** 2 + spec[2 * k + 1]! ** 2;
    for (let m = 0; m < N_MELS; m++) {
      const row = MEL[m]!;
      const [lo, hi] = MEL_SPAN[m]!;
      let s = 0;
      for (let k = lo; k < hi; k++) s += row[k]! * power[k]!;
      out[t * N_MELS + m] = 10 * Math.log10(s + EPS);
    }
  }
  return { frames, data: out };
}

/** The 200 scored frames (50–249) as 200 × 128 float32; clips shorter than 250 frames are refused. */
export function adFeatures(audio: Float32Array): Float32Array {
  const { frames, data } = logMelSpectrogram(audio);
  if (frames < AD_FIRST_FRAME + AD_FRAMES) throw new RangeError(`clip gives ${frames} frames; AD features need ${AD_FIRST_FRAME + AD_FRAMES} (≈ 8 s at 16 kHz)`);
  return data.slice(AD_FIRST_FRAME * N_MELS, (AD_FIRST_FRAME + AD_FRAMES) * N_MELS);
}
