/**
 * Validate: preflight against the challenge's budgets (format, int8, ops, size, arena, MACs). Intake
 * already ran it to answer at once; this stage re-runs it under the evaluator version being judged
 * (a rejudge after a rules change re-checks) and keeps the report. A firmware submission gets the
 * image checks instead (flash budget after the bootloader, RAM, vector table).
 */
import type { StageWork } from '../../arena/stage-contract.js';
import { checkSubmission, rejectionReason } from '../../arena/submission-check.js';

export const validateStage: StageWork = async ({ services, submission, challenge }) => {
  if (submission.kind === 'firmware' && !challenge.def.firmware) {
    const reason = `${challenge.def.title} no longer accepts firmware submissions`;
    return { status: 'failed', detail: { error: reason }, reason };
  }
  const bytes = await services.blobs.readBytes(submission.blobSha256);
  const report = checkSubmission(bytes, submission.kind, challenge.def, submission.fileName);
  return report.ok ? { status: 'passed', detail: report } : { status: 'failed', detail: report, reason: rejectionReason(report, services.config.PUBLIC_URL) };
};
