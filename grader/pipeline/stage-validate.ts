/**
 * Validate: preflight against the challenge's budgets (format, int8, ops, size, arena, MACs). Intake
 * already ran it to answer at once; this stage re-runs it under the evaluator version being judged
 * (a rejudge after a rules change re-checks) and keeps the report.
 */
import { rulesForChallenge } from '../challenges/load.js';
import { preflight, type PreflightReport } from '../validate/preflight.js';
import type { StageWork } from './stages.js';

/** One line per failing check, with its fix: what a learner reads in chat. */
export function rejectionReason(report: PreflightReport): string {
  const fails = report.checks.filter((c) => c.status === 'fail');
  return fails.map((c) => `${c.message}${c.hint ? ` — ${c.hint}` : ''}`).join('\n') || 'the model did not pass preflight';
}

export const validateStage: StageWork = async ({ services, submission, challenge }) => {
  const bytes = await services.blobs.readBytes(submission.blobSha256);
  const { report } = preflight(bytes, rulesForChallenge(challenge.def));
  return report.ok ? { status: 'passed', detail: report } : { status: 'failed', detail: report, reason: rejectionReason(report) };
};
