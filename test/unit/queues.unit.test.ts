import { describe, expect, it } from 'vitest';
import { parsePayload, queuePayloads } from '../../core/queues.js';
import { processors } from '../../worker/registry.js';
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

  it('schedules the unanswered-topics report only with Discourse configured', () => {
    const maintenance = processors.find((p) => p.queue === 'maintenance')!;
    const ids = (env: Record<string, string>) => (maintenance.schedules?.(parseConfig(env)) ?? []).map((s) => s.id);
    expect(ids({})).not.toContain('unanswered-report');
    const discourse = { DISCOURSE_URL: 'https://forum.example', DISCOURSE_API_KEY: 'k', DISCOURSE_API_USERNAME: 'bot', DISCOURSE_WEBHOOK_SECRET: 's' };
    expect(ids(discourse)).toContain('unanswered-report');
    expect(parseConfig({ ...discourse, UNANSWERED_AFTER_HOURS: '24' }).UNANSWERED_AFTER_HOURS).toBe(24);
  });

  it('every processor serves a declared queue, at most one per queue', () => {
    const seen = new Set<string>();
    for (const p of processors) {
      expect(Object.keys(queuePayloads)).toContain(p.queue);
      expect(seen.has(p.queue)).toBe(false);
      seen.add(p.queue);
      for (const s of p.schedules?.(parseConfig({})) ?? []) expect(() => parsePayload(p.queue, s.payload)).not.toThrow();
    }
  });
});
