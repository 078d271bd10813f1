import { emitEvent } from '../../arena/events.js';
import { STAGE_TIMEOUT_MS, type StageName } from '../../arena/stage-contract.js';
import { onStageGaveUp, runStage } from '../../grader/pipeline/stages.js';
import { defineProcessor, type Processor } from '../processor.js';

/**
 * The processor of one pipeline stage: thin glue to grader/pipeline/stages.ts. A failure that will
 * be retried is announced (the learner sees "retrying"); the last one fails the submission and
 * refunds its quota.
 */
export function stageProcessor<S extends StageName>(stage: S, opts: { concurrency?: number } = {}): Processor<S> {
  return defineProcessor<S>({
    queue: stage,
    ...(opts.concurrency ? { concurrency: opts.concurrency } : {}),
    timeoutMs: STAGE_TIMEOUT_MS[stage],
    process: (payload, _job, services, signal) => runStage(services, stage, payload, signal),
    async onFailed(payload, err, final, services) {
      if (final) return onStageGaveUp(services, stage, payload, err);
      const sub = await services.db.submission.findUnique({ where: { id: payload.submissionId }, select: { challengeId: true, personId: true, runId: true } });
      if (sub && sub.runId === payload.runId) {
        await emitEvent(services, { submissionId: payload.submissionId, challengeId: sub.challengeId, personId: sub.personId, type: 'retrying', data: { stage, error: err.message } });
      }
    },
  });
}
