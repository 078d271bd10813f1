import { stageProcessor } from './stage.js';

/** On-board run and latency (passes through as skipped until the rack is attached). */
export default stageProcessor('device');
