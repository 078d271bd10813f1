/**
 * The KWS reference front end (ARCHITECTURE.md §6): 16 kHz, 1 s, divide by the peak sample, 480-sample
 * periodic Hann frames every 320 samples, 512-point FFT magnitude, 40 mel bins 20–4000 Hz with
 * TensorFlow's mel matrix, ln(x + 1e-6), DCT-II scaled 1/√(2·40), first 10 coefficients → 49×10.
 * Quantized like the reference set: int8 = trunc(x / 0.5847029 + 83), clamped.
 */
import FFT from 'fft.js';

export const KWS_SAMPLE_RATE = 16000;
export const KWS_SAMPLES = 16000;
const FRAME = 480;
const STEP = 320;
const FFT_SIZE = 512;
const BINS = FFT_SIZE / 2 + 1;
const MEL_BINS = 40;
const MFCC = 10;
export const KWS_FRAMES = Math.floor((KWS_SAMPLES - FRAME) / STEP) + 1; // 49
export const KWS_QUANT = { scale: 0.5847029, zeroPoint: 83 } as const;

const hzToMel = (hz: number) => 1127 * Math.log(1 + hz / 700);

/** tf.signal.linear_to_mel_weight_matrix(40, 257, 16000, 20, 4000): [257][40], DC row zero. */
export function melMatrix(numMel = MEL_BINS, numBins = BINS, sampleRate = KWS_SAMPLE_RATE, lowHz = 20, highHz = 4000): Float64Array[] {
  const nyquist = sampleRate / 2;
  const edges = Array.from({ length: numMel + 2 }, (_, i) => hzToMel(lowHz) + ((hzToMel(highHz) - hzToMel(lowHz)) * i) / (numMel + 1));
  const rows: Float64Array[] = [new Float64Array(numMel)];
  for (let k = 1; k < numBins; k++) {
    const mel = hzToMel((nyquist * k) / (numBins - 1));
    const row = new Float64Array(numMel);
    for (let m = 0; m < numMel; m++) {
      const lower = (mel - edges[m]!) / (edges[m + 1]! - edges[m]!);
      const upper = (edges[m + 2]! - mel) / (edges[m + 2]! - edges[m + 1]!);
      row[m] = Math.max(0, Math.min(lower, upper));
    }
    rows.push(row);
  }
  return rows;
}

const MEL = melMatrix();
const HANN = Float64Array.from({ length: FRAME }, (_, n) => 0.5 - 0.5 * Math.cos((2 * Math.PI * n) / FRAME));
// DCT-II (unnormalised, as tf.signal.dct) times 1/√(2·40), first 10 rows.
const DCT = Array.from({ length: MFCC }, (_, k) => Float64Array.from({ length: MEL_BINS }, (_, n) => (2 * Math.cos((Math.PI * k * (2 * n + 1)) / (2 * MEL_BINS))) / Math.sqrt(2 * MEL_BINS)));
const fft = new FFT(FFT_SIZE);

/** 49×10 MFCC features (row-major, frame by frame) of one second of 16 kHz audio. */
export function kwsMfcc(audio: Float32Array): Float32Array {
  const x = new Float64Array(KWS_SAMPLES);
  let peak = 0;
  for (let i = 0; i < Math.min(audio.length, KWS_SAMPLES); i++) peak = Math.max(peak, Math.abs(audio[i]!));
  for (let i = 0; i < Math.min(audio.length, KWS_SAMPLES); i++) x[i] = peak > 0 ? audio[i]! / peak : 0;
  const out = new Float32Array(KWS_FRAMES * MFCC);
  const frame = new Float64Array(FFT_SIZE);
  const spec = fft.createComplexArray();
  const mag = new Float64Array(BINS);
  const logMel = new Float64Array(MEL_BINS);
  for (let f = 0; f < KWS_FRAMES; f++) {
    frame.fill(0);
    for (let n = 0; n < FRAME; n++) frame[n] = x[f * STEP + n]! * HANN[n]!;
    fft.realTransform(spec, frame);
    for (let k = 0; k < BINS; k++) mag[k] = Math.hypot(spec[2 * k]!, spec[2 * k + 1]!);
    for (let m = 0; m < MEL_BINS; m++) {
      let s = 0;
      for (let k = 0; k < BINS; k++) s += mag[k]! * MEL[k]![m]!;
      logMel[m] = Math.log(s + 1e-6);
    }
    for (let c = 0; c < MFCC; c++) {
      let s = 0;
      for (let m = 0; m < MEL_BINS; m++) s += logMel[m]! * DCT[c]![m]!;
      out[f * MFCC + c] = s;
    }
  }
  return out;
}

/** Quantize MFCCs as the MLPerf Tiny KWS set does (truncation toward zero, then clamp). */
export function quantizeKwsFeatures(features: Float32Array): Int8Array {
  return Int8Array.from(features, (v) => Math.max(-128, Math.min(127, Math.trunc(v / KWS_QUANT.scale + KWS_QUANT.zeroPoint))));
}
