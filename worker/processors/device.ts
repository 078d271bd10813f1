import { DelayedError } from 'bullmq';
import { activeRack } from '../../grader/rack/active.js';
import { announceRack, rackAliveSomewhere } from '../../grader/rack/presence.js';
import { defineProcessor } from '../processor.js';
import { stageProcessor } from './stage.js';

const base = stageProcessor('device');

/**
 * On-board run and latency. A process with a rack announces it; a process without one leaves device
 * jobs to a rack that is alive elsewhere (a rack agent on another machine pulling from the same
 * Redis), handing the job back without using an attempt. With no rack anywhere the stage is skipped
 * with the reason (grader/pipeline/stage-device.ts).
 */
export default defineProcessor({
  ...base,
  async onStart(services) {
    if (activeRack()) return announceRack(services.redis, services.config.QUEUE_PREFIX);
  },
  async process(payload, job, services, signal) {
    if (!activeRack() && (await rackAliveSomewhere(services.redis, services.config.QUEUE_PREFIX))) {
      await job.moveToDelayed(Date.now() + 2_000, job.token);
      throw new DelayedError();
    }
    return base.process(payload, job, services, signal);
  },
});
