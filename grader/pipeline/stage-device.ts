/**
 * Device: run on a board of the rack and measure latency. This deployment has no rack yet, so the
 * stage passes through, marked `skipped` with the reason in the report; the composite's latency term
 * then awards no points (see grader/challenges/composite.ts).
 */
import type { StageWork } from './stages.js';

export const deviceStage: StageWork = async ({ challenge }) => {
  if (!challenge.def.device.enabled) return { status: 'skipped', detail: { reason: 'this challenge has no device stage' } };
  return {
    status: 'skipped',
    detail: { reason: 'no board rack is attached to this grader yet: latency is not measured and the latency term scores 0 points' },
  };
};
