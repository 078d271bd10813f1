import { triageTopic } from '../../bot/discourse/triage-topic.js';
import { defineProcessor } from '../processor.js';

/** Triage a new forum topic into a proposal for the moderators (bot/discourse/triage-topic.ts). */
export default defineProcessor({
  queue: 'triage',
  concurrency: 1,
  timeoutMs: 2 * 60 * 1000,
  async process(payload, _job, services) {
    return triageTopic(services, payload.topicId);
  },
});
