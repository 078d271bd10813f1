/**
 * The held-out set as every stage that needs it sees it: resolved once per stage (a missing or
 * unreadable set is the challenge's setup, our side: the run fails and the quota is refunded), and
 * split by the challenge's seed into public and private parts that can each be scored alone.
 */
import { StageStop, type StageContext } from '../../arena/stage-contract.js';
import { DatasetError, type Sample } from '../datasets/dataset.js';
import { resolveChallengeDataset, type ResolvedDataset } from '../datasets/resolve.js';
import { isPrivate } from '../metrics/split.js';
import { scoreable } from '../tasks/index.js';

/** The challenge's held-out set. @throws StageStop('failed') when the challenge names none or it cannot be read. */
export async function heldOutSet({ services, challenge }: Pick<StageContext, 'services' | 'challenge'>): Promise<ResolvedDataset> {
  if (!challenge.def.dataset) throw new StageStop('failed', `challenge ${challenge.def.id} names no held-out set (dataset.path in its challenge.yaml)`);
  try {
    return await resolveChallengeDataset(challenge.def, challenge.dir, { dataDir: services.config.DATA_DIR });
  } catch (err) {
    if (err instanceof DatasetError) throw new StageStop('failed', `the held-out set of ${challenge.def.id} cannot be read: ${err.message}`);
    throw err;
  }
}

export interface SplitPart {
  /** The split's samples, or the whole set when the split cannot be scored alone. */
  samples: Sample[];
  /** Samples that belong to the split. */
  n: number;
  usesWholeSet: boolean;
}

/**
 * The public and private splits (grader/metrics/split.ts). A split that cannot be scored on its own
 * (empty; one class only where the metric needs both) borrows the whole set, and says so.
 */
export function splitHeldOut({ dataset, splitSeed, privateFraction }: ResolvedDataset): { public: SplitPart; private: SplitPart } {
  const part = (samples: Sample[]): SplitPart => {
    const usable = scoreable(dataset.task, samples);
    return { samples: usable ? samples : dataset.samples, n: samples.length, usesWholeSet: !usable };
  };
  return {
    public: part(dataset.samples.filter((s) => !isPrivate(splitSeed, s.id, privateFraction))),
    private: part(dataset.samples.filter((s) => isPrivate(splitSeed, s.id, privateFraction))),
  };
}
