import { stageProcessor } from './stage.js';

/** Preflight under the evaluator version being judged. */
export default stageProcessor('validate');
