import type { Processor } from './processor.js';
import maintenance from './processors/maintenance.js';

/**
 * Every queue processor, as a plain list (no directory scanning): what runs is what is written here.
 * The pipeline stages (validate → score → device → publish) join this list as their issues land.
 */
export const processors: readonly Processor[] = [maintenance];
