/**
 * The synchronous check of an upload, as intake and the validate stage both run it: preflight of a
 * model against the challenge's rules, or the image checks of a firmware; and the learner-facing
 * reason a failing report turns into.
 */
import { rulesForChallenge } from '../grader/challenges/load.js';
import type { ChallengeDefinition } from '../grader/challenges/schema.js';
import { checkFirmware, type CheckOptions, type FirmwareReport } from '../grader/firmware/check.js';
import { preflight, type PreflightReport } from '../grader/validate/preflight.js';

/** What the synchronous check of a submission produced. */
export type SubmissionCheckReport = PreflightReport | FirmwareReport;

export function firmwareCheckOptions(def: ChallengeDefinition, fileName: string): CheckOptions {
  return { fileName, ...(def.firmware?.flashBudgetBytes ? { flashBudgetBytes: def.firmware.flashBudgetBytes } : {}) };
}

/** Preflight a model, or check a firmware image, under a challenge's rules. */
export function checkSubmission(bytes: Uint8Array, kind: 'model' | 'firmware', def: ChallengeDefinition, fileName: string): SubmissionCheckReport {
  return kind === 'model' ? preflight(bytes, rulesForChallenge(def)).report : checkFirmware(bytes, firmwareCheckOptions(def, fileName));
}

/** Whether a report is a firmware image's (it names the board). */
export const isFirmwareReport = (r: SubmissionCheckReport): r is FirmwareReport => 'board' in r;

/** One line per failing check, with its fix: what a learner reads in chat. */
export function rejectionReason(report: SubmissionCheckReport): string {
  const fails = report.checks.filter((c) => c.status === 'fail');
  const what = isFirmwareReport(report) ? 'the firmware image did not pass its checks' : 'the model did not pass preflight';
  return fails.map((c) => `${c.message}${'hint' in c && c.hint ? ` — ${c.hint}` : ''}`).join('\n') || what;
}
