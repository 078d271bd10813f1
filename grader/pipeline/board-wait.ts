/**
 * Progress of a device job that queues for a board: when every board that could run it is busy with
 * other submissions (more workers than boards), the rack waits for one (grader/rack/rack.ts,
 * `leaseWaitMs`) and the learner sees "waiting for a board" instead of a failure.
 */
import type { RunOptions } from '../rack/rack-job.js';
import type { StageContext } from '../../arena/stage-contract.js';

/** The phase shown while the job waits for a board. */
export const WAITING_FOR_A_BOARD = 'waiting for a board';

/** The rack's `onWait` for a stage: a new phase at first (announced at once), then about once a second. */
export function boardWaitProgress(progress: StageContext['progress']): NonNullable<RunOptions['onWait']> {
  let first = true;
  return ({ busy, waitedMs }) => {
    void progress?.({ phase: WAITING_FOR_A_BOARD, boardsBusy: busy, waitedS: Math.round(waitedMs / 1000) }, first);
    first = false;
  };
}
