/**
 * Score: the held-out set through the bit-exact engine, metrics per split. The split is fixed by the
 * challenge's seed (grader/metrics/split.ts), so every submission is judged on the same samples.
 * A split that cannot be scored alone (no samples with privateFraction 0 or 1; one class only for AD
 * on a small set) borrows the whole set, and the report says so.
 */
import type { StageWork } from '../../arena/stage-contract.js';
import { DatasetError } from '../datasets/dataset.js';
import { scoreDataset, ScoringError, type ScoreResult } from '../scoring/score.js';
import { heldOutSet, splitHeldOut } from './held-out.js';

/** ROC curves can have a point per sample; a report needs a few hundred at most. */
function thin(result: ScoreResult): ScoreResult {
  if (!result.roc || result.roc.length <= 256) return result;
  const step = (result.roc.length - 1) / 255;
  return { ...result, roc: Array.from({ length: 256 }, (_, i) => result.roc![Math.round(i * step)]!) };
}

export const scoreStage: StageWork = async (ctx) => {
  const { services, submission, challenge } = ctx;
  // A firmware's model is compiled in: the board scores it (grader/pipeline/stage-device-firmware.ts).
  if (submission.kind === 'firmware') return { status: 'skipped', detail: { reason: 'firmware is scored on a board of the rack (device stage), on the same samples a model is scored on' } };
  const resolved = await heldOutSet(ctx);
  const { dataset, privateFraction } = resolved;
  const split = splitHeldOut(resolved);
  const model = await services.blobs.readBytes(submission.blobSha256);
  const arithmetic = challenge.def.device.arithmetic;
  try {
    const publicResult = await scoreDataset(model, { ...dataset, samples: split.public.samples }, { arithmetic, signal: ctx.signal });
    const privateResult = await scoreDataset(model, { ...dataset, samples: split.private.samples }, { arithmetic, signal: ctx.signal });
    return {
      status: 'passed',
      detail: {
        public: thin(publicResult),
        private: thin(privateResult),
        split: { privateFraction, publicN: split.public.n, privateN: split.private.n, publicUsesWholeSet: split.public.usesWholeSet, privateUsesWholeSet: split.private.usesWholeSet },
      },
    };
  } catch (err) {
    if (err instanceof ScoringError) return { status: 'failed', detail: { error: err.message }, reason: err.message };
    if (err instanceof DatasetError) return { status: 'failed', detail: { error: err.message }, reason: `the model does not fit the held-out set: ${err.message}` };
    throw err;
  }
};
