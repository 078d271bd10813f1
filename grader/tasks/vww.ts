/** Visual wake words (MLPerf Tiny vww01): a 96×96 RGB image in, person / no person out. */
import { top1 } from './metrics.js';
import type { TaskPlugin } from './types.js';

export default {
  id: 'vww' as const,
  title: 'visual wake words',
  modelId: 'vww01',
  signature: { inputs: [{ shape: [1, 96, 96, 3], dtype: 'int8' }], outputs: [{ shape: [1, 2], dtype: 'int8' }] },
  describeTensor: (what, shape) => (what === 'input' ? `The VWW input is a 96×96 RGB image: shape ${shape}.` : `The VWW output has 2 classes (no person, person): shape ${shape}.`),
  labels: ['no person', 'person'],
  results: { perInput: 2, description: '2 class scores' },
  storedEncoding: { dtype: 'uint8', scale: 1 / 255, zeroPoint: 0 },
  metric: top1,
  needsBothClasses: false,
  frontEnd: 'images resized to 96×96 RGB, stored as uint8 pixels (scale 1/255)',
  reportSections: ['confusion', 'per-class'],
} satisfies TaskPlugin;
