import { stageProcessor } from './stage.js';

/**
 * Held-out scoring. One job at a time per process: the engine's inference pool already uses every
 * core, and two large sets at once would only compete for them.
 */
export default stageProcessor('score', { concurrency: 1 });
