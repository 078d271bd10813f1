import { stageProcessor } from './stage.js';

/** Composite score, leaderboard, completion event. */
export default stageProcessor('publish');
