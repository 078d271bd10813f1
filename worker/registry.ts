import type { Processor } from './processor.js';
import device from './processors/device.js';
import maintenance from './processors/maintenance.js';
import publish from './processors/publish.js';
import score from './processors/score.js';
import validate from './processors/validate.js';
import triage from './processors/triage.js';

/** Every queue processor, as a plain list (no directory scanning): what runs is what is written here. */
export const processors: readonly Processor[] = [validate, score, device, publish, maintenance, triage] as readonly Processor[];
