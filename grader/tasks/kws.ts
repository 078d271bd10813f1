/** Keyword spotting (MLPerf Tiny kws01): 49×10 int8 MFCCs in, 12 class scores out. */
import { top1 } from './metrics.js';
import type { TaskPlugin } from './types.js';

/** Speech Commands labels in the reference model's order (ARCHITECTURE.md §6). */
export const KWS_LABELS = ['down', 'go', 'left', 'no', 'off', 'on', 'right', 'stop', 'up', 'yes', 'silence', 'unknown'] as const;

export default {
  id: 'kws' as const,
  title: 'keyword spotting',
  modelId: 'kws01',
  signature: { inputs: [{ shape: [1, 49, 10, 1], dtype: 'int8' }], outputs: [{ shape: [1, 12], dtype: 'int8' }] },
  describeTensor: (what, shape) =>
    what === 'input'
      ? `The KWS input is 49 frames × 10 MFCC coefficients: shape ${shape} (use the reference front end, ARCHITECTURE.md §6).`
      : `The KWS output has 12 classes (10 keywords, silence, unknown): shape ${shape}.`,
  labels: KWS_LABELS,
  results: { perInput: 12, description: '12 class scores' },
  storedEncoding: { dtype: 'int8', scale: 0.5847029, zeroPoint: 83 },
  metric: top1,
  needsBothClasses: false,
  frontEnd: '16 kHz, 1 s clips → 49×10 MFCCs (front-ends/kws-mfcc.ts), int8 with scale 0.5847029 / zero point 83',
  reportSections: ['confusion', 'per-class'],
} satisfies TaskPlugin;
