/**
 * Anomaly detection (MLPerf Tiny ad01): an autoencoder over 5 frames × 128 log-mel bins; a file's
 * anomaly score is the mean reconstruction error over its windows, the metric the exact ROC AUC.
 */
import { rocAucOfMeans } from './metrics.js';
import type { TaskPlugin } from './types.js';

/** 5 frames × 128 mel bins of float32 per window, stepping one frame. */
export const AD_WINDOW = { bytes: 2560, stride: 512 } as const;

export default {
  id: 'ad' as const,
  title: 'anomaly detection',
  modelId: 'ad01',
  signature: { inputs: [{ shape: [1, 640], dtype: 'int8' }], outputs: [{ shape: [1, 640], dtype: 'int8' }] },
  describeTensor: (what, shape) => (what === 'input' ? `The AD input is 5 frames × 128 log-mel bins flattened: shape ${shape}.` : `The AD autoencoder reconstructs its 640 inputs: shape ${shape}.`),
  labels: ['normal', 'anomaly'],
  results: { perInput: 1, description: 'one reconstruction error' },
  storedEncoding: { dtype: 'float32' },
  window: AD_WINDOW,
  // The MSE between the float input window and the dequantized reconstruction.
  hostOutput(input, output, { scale, zeroPoint }) {
    const x = new Float32Array(input.slice().buffer);
    let se = 0;
    for (let j = 0; j < output.length; j++) {
      const d = x[j]! - scale * (output[j]! - zeroPoint);
      se += d * d;
    }
    return [se / output.length];
  },
  metric: rocAucOfMeans,
  needsBothClasses: true,
  frontEnd: '16 kHz machine sound → log-mel frames 50–249 (front-ends/ad-logmel.ts), float32, scored as 196 windows of 5 frames',
  reportSections: ['roc'],
} satisfies TaskPlugin;
