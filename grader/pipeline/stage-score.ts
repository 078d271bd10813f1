/**
 * Score: the held-out set through the bit-exact engine, metrics per split. The split is fixed by the
 * challenge's seed (grader/metrics/split.ts), so every submission is judged on the same samples.
 * A split that cannot be scored alone (no samples with privateFraction 0 or 1; one class only for AD
 * on a small set) borrows the whole set, and the report says so.
 */
import type { Dataset } from '../datasets/dataset.js';
import { DatasetError } from '../datasets/dataset.js';
import { resolveChallengeDataset } from '../datasets/resolve.js';
import { isPrivate } from '../metrics/split.js';
import { scoreDataset, ScoringError, type ScoreResult } from '../scoring/score.js';
import { StageStop, type StageWork } from '../../arena/stage-contract.js';

/** ROC curves can have a point per sample; a report needs a few hundred at most. */
function thin(result: ScoreResult): ScoreResult {
  if (!result.roc || result.roc.length <= 256) return result;
  const step = (result.roc.length - 1) / 255;
  return { ...result, roc: Array.from({ length: 256 }, (_, i) => result.roc![Math.round(i * step)]!) };
}

export const scoreStage: StageWork = async ({ services, submission, challenge }) => {
  // A firmware's model is compiled in: the board scores it (grader/pipeline/stage-device-firmware.ts).
  if (submission.kind === 'firmware') return { status: 'skipped', detail: { reason: 'firmware is scored on a board of the rack (device stage), on a fixed subset of each split' } };
  if (!challenge.def.dataset) throw new StageStop('failed', `challenge ${challenge.def.id} names no held-out set (dataset.path in its challenge.yaml)`);
  let resolved;
  try {
    resolved = await resolveChallengeDataset(challenge.def, challenge.dir, { dataDir: services.config.DATA_DIR });
  } catch (err) {
    if (err instanceof DatasetError) throw new StageStop('failed', `the held-out set of ${challenge.def.id} cannot be read: ${err.message}`);
    throw err;
  }
  const { dataset, privateFraction, splitSeed } = resolved;
  const priv = dataset.samples.filter((s) => isPrivate(splitSeed, s.id, privateFraction));
  const pub = dataset.samples.filter((s) => !isPrivate(splitSeed, s.id, privateFraction));
  // A split must be scoreable on its own: not empty, and for AD (ROC AUC) holding both classes.
  const usable = (samples: Dataset['samples']) => samples.length > 0 && (dataset.task !== 'ad' || new Set(samples.map((x) => x.label)).size === 2);
  const part = (samples: Dataset['samples']): Dataset => ({ ...dataset, samples: usable(samples) ? samples : dataset.samples });
  const model = await services.blobs.readBytes(submission.blobSha256);
  const arithmetic = challenge.def.device.arithmetic;
  try {
    const publicResult = await scoreDataset(model, part(pub), { arithmetic });
    const privateResult = await scoreDataset(model, part(priv), { arithmetic });
    return {
      status: 'passed',
      detail: { public: thin(publicResult), private: thin(privateResult), split: { privateFraction, publicN: pub.length, privateN: priv.length, publicUsesWholeSet: !usable(pub), privateUsesWholeSet: !usable(priv) } },
    };
  } catch (err) {
    if (err instanceof ScoringError) return { status: 'failed', detail: { error: err.message }, reason: err.message };
    if (err instanceof DatasetError) return { status: 'failed', detail: { error: err.message }, reason: `the model does not fit the held-out set: ${err.message}` };
    throw err;
  }
};
