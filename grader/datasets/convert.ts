/**
 * Stored sample encoding → the submitted model's own input quantization. The classic silent bug in
 * graders is feeding a model bytes quantized for another model; this module makes the conversion
 * explicit, exact when nothing needs converting, and describes what it did for the report.
 */
import { roundHalfAwayFromZero } from '../interpreter/fixed-point.js';
import type { StoredEncoding } from './dataset.js';

export interface ModelInputQuant {
  dtype: 'int8';
  scale: number;
  zeroPoint: number;
}

export interface Conversion {
  method: 'identity' | 'requantize' | 'quantize';
  description: string;
  /** Convert `src` (stored bytes) into `dst` (model input bytes); same element count. */
  apply(src: Uint8Array, dst: Int8Array): void;
}

const clamp8 = (v: number) => (v < -128 ? -128 : v > 127 ? 127 : v);

export function conversionFor(stored: StoredEncoding, model: ModelInputQuant): Conversion {
  if (stored.dtype === 'float32') {
    const scale = Math.fround(model.scale);
    return {
      method: 'quantize',
      description: `float32 samples quantized to the model's input (scale ${model.scale}, zero point ${model.zeroPoint})`,
      apply(src, dst) {
        const x = new Float32Array(src.buffer, src.byteOffset, src.byteLength >> 2);
        for (let i = 0; i < dst.length; i++) dst[i] = clamp8(roundHalfAwayFromZero(Math.fround(x[i]! / scale)) + model.zeroPoint);
      },
    };
  }
  const signed = stored.dtype === 'int8';
  if (signed && Math.fround(stored.scale) === Math.fround(model.scale) && stored.zeroPoint === model.zeroPoint) {
    return { method: 'identity', description: 'stored int8 samples already match the model input quantization', apply: (src, dst) => dst.set(new Int8Array(src.buffer, src.byteOffset, src.length)) };
  }
  // real = s·(v − z); q = round(real / s_m) + z_m, with the scale ratio formed once (exactly 1 when the
  // scales agree, so a pure zero-point shift such as VWW's uint8 pixels → int8 stays exact).
  const ratio = Math.fround(stored.scale) === Math.fround(model.scale) ? 1 : stored.scale / model.scale;
  return {
    method: 'requantize',
    description: `${stored.dtype} samples (scale ${stored.scale}, zero point ${stored.zeroPoint}) requantized to the model's input (scale ${model.scale}, zero point ${model.zeroPoint})`,
    apply(src, dst) {
      const v = signed ? new Int8Array(src.buffer, src.byteOffset, src.length) : src;
      for (let i = 0; i < dst.length; i++) dst[i] = clamp8(roundHalfAwayFromZero((v[i]! - stored.zeroPoint) * ratio) + model.zeroPoint);
    },
  };
}
