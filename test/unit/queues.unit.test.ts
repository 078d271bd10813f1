import { describe, expect, it } from 'vitest';
import { QUEUE_NAMES, parsePayload } from '../../core/queues.js';
import { processors } from '../../grader/worker/registry.js';
import { parseConfig } from '../../core/config.js';

describe('queue contracts', () => {
  it('validates payloads per queue', () => {
    const job = { submissionId: 'abc', runId: 'r1', evaluatorVersion: 'e1-0123abcd' };
    expect(parsePayload('score', job)).toEqual(job);
    expect(() => parsePayload('score', { ...job, submissionId: '' })).toThrow();
    expect(() => parsePayload('score', { submissionId: 'abc' })).toThrow(/runId/);
    expect(() => parsePayload('triage', { topicId: 'x' })).toThrow();
    expect(parsePayload('maintenance', { task: 'blob-sweep' })).toEqual({ task: 'blob-sweep', minAgeMs: 3_600_000 });
    expect(() => parsePayload('maintenance', { task: 'format-disk' })).toThrow();
  });

  it('every processor serves a declared queue, at most one per queue', () => {
    const seen = new Set<string>();
    for (const p of processors) {
      expect(QUEUE_NAMES).toContain(p.queue);
      expect(seen.has(p.queue)).toBe(false);
      seen.add(p.queue);
      for (const s of p.schedules?.(parseConfig({})) ?? []) expect(() => parsePayload(p.queue, s.payload)).not.toThrow();
    }
  });
});
