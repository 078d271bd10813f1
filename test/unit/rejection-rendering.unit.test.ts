/**
 * A rejected float model, as the learner reads it in `tinyarena status`, in Discord (/status, the
 * completion DM) and on the report: the diagnosis, the fix and the recipe link appear once each, with
 * the reason's line breaks kept.
 */
import { describe, expect, it } from 'vitest';
import type { StatusView } from '../../arena/status.js';
import { rejectionReason } from '../../arena/submission-check.js';
import { completionNote, renderProgress } from '../../bot/commands/shared.js';
import { describeStatus } from '../../cli/commands/status.js';
import { loadChallenge, rulesForChallenge } from '../../grader/challenges/load.js';
import { preflight } from '../../grader/validate/preflight.js';
import { checksSection, textWithBreaks } from '../../web/views/checks.js';
import { HAVE_SHARED_MODELS, sharedModel } from '../helpers/shared.js';

const count = (text: string, what: string) => text.split(what).length - 1;

describe.skipIf(!HAVE_SHARED_MODELS)('a rejection, wherever it is read', () => {
  const report = preflight(sharedModel('kws_ref_model_float32'), rulesForChallenge(loadChallenge('kws-demo').definition)).report;
  const reason = rejectionReason(report, 'https://arena.example');
  const status: StatusView = {
    id: 'sub1',
    challenge: 'kws-demo',
    person: 'ada',
    fileName: 'kws_float.tflite',
    kind: 'model',
    state: 'rejected',
    reason,
    // As intake stores it: the validate stage failed with the same reason.
    stages: [{ name: 'validate', status: 'failed', startedAt: null, finishedAt: null, detail: report, error: reason }],
    score: null,
    privateScore: null,
    eligible: false,
    unranked: null,
    rank: null,
    track: null,
    disqualified: null,
    evaluatorVersion: null,
    queue: { position: 0, etaSeconds: 0 },
    quotaCharged: false,
    createdAt: '2026-11-22T00:00:00Z',
    report: 'https://arena.example/submissions/sub1',
  };
  const diagnosis = 'dynamic-range quantization: 5 of 10 weight tensors are int8';

  it('tinyarena status prints the reason once, line by line', () => {
    const text = describeStatus(status);
    expect(count(text, diagnosis)).toBe(1);
    expect(count(text, 'Fix:')).toBe(1);
    expect(count(text, '/help/quantization#dynamic-range')).toBe(1);
    expect(text).toMatch(/: rejected\n {2}int8\.quantization: dynamic-range[^\n]*\n {4}Fix: [^\n]*\n {4}Recipe: https:\/\/arena\.example\/help\/quantization#dynamic-range\n {2}validate {2}failed\n/);
  });

  it('Discord shows it once, on its own lines, in the live reply and in the DM', () => {
    const text = renderProgress(status);
    expect(count(text, diagnosis)).toBe(1);
    expect(text).toMatch(/❌ validate: failed\n❌ rejected:\nint8\.quantization: dynamic-range[^\n]*\n {2}Fix: [^\n]*\n {2}Recipe: \S+\nReport: </);
    expect(text.length).toBeLessThan(1000);
    const dm = completionNote(status);
    expect(count(dm, diagnosis)).toBe(1);
    expect(dm).toMatch(/was rejected:\nint8\.quantization: /);
  });

  it('the report lists the failed check once, with its fix and link, and keeps line breaks elsewhere', () => {
    const html = checksSection(report.checks, 'Preflight checks');
    expect(count(html, diagnosis)).toBe(1);
    expect(count(html, 'Fix: Keep optimizations')).toBe(1);
    expect(html).toContain('<a href="/help/quantization#dynamic-range">The full recipe</a>');
    expect(html).toMatch(/<li class="check check-warn"><strong>Note: <code>budget\.arena<\/code><\/strong> — tensor arena ≈ 70\.6 KiB with float32 activations/);
    expect(html).toMatch(/<summary>\d+ checks passed<\/summary>/);
    expect(textWithBreaks('a <b>\nc')).toBe('a &lt;b&gt;<br>c');
  });
});
