import { defineProcessor } from '../processor.js';
import { sweepBlobs } from '../../core/blob-sweep.js';
import { reap } from '../../grader/pipeline/reaper.js';
import { reportUnansweredTopics } from '../../bot/discourse/unanswered.js';

/**
 * Housekeeping: delete uploads nothing refers to (e.g. an intake that crashed half-way), and reap
 * submissions whose jobs were lost, failed for good or got stuck.
 */
export default defineProcessor({
  queue: 'maintenance',
  concurrency: 1,
  timeoutMs: 10 * 60 * 1000,
  schedules: (config) => [
    { id: 'blob-sweep', everyMs: 6 * 3600 * 1000, payload: { task: 'blob-sweep', minAgeMs: 3600 * 1000 } },
    { id: 'reap', everyMs: config.REAPER_INTERVAL_MS, payload: { task: 'reap' } },
    ...(config.discourseEnabled ? [{ id: 'unanswered-report', everyMs: 3600 * 1000, payload: { task: 'unanswered-report' as const } }] : []),
  ],
  async process(payload, _job, services) {
    switch (payload.task) {
      case 'blob-sweep':
        return sweepBlobs(services.db, services.blobs, { minAgeMs: payload.minAgeMs, now: new Date() });
      case 'reap':
        return reap(services, { minAgeMs: services.config.REAPER_MIN_AGE_MS });
      case 'unanswered-report':
        return reportUnansweredTopics(services, { olderThanMs: services.config.UNANSWERED_AFTER_HOURS * 3600_000 });
    }
  },
});
