import { defineProcessor } from '../processor.js';
import { stageProcessor } from './stage.js';

const base = stageProcessor('score', { concurrency: 1 });

/**
 * Held-out scoring. One job at a time per process: the engine's inference pool already uses every
 * core, and two large sets at once would only compete for them. The pool's threads boot when the
 * worker starts, so the first submission after a (re)start is scored on threads already up.
 */
export default defineProcessor({
  ...base,
  async onStart() {
    const { startThreadsEarly } = await import('../../grader/inference/shared-pool.js');
    startThreadsEarly();
  },
});
