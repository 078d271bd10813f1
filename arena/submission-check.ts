/**
 * The synchronous check of an upload, as intake and the validate stage both run it: preflight of a
 * model against the challenge's rules, or the image checks of a firmware; and the learner-facing
 * reason a failing report turns into.
 */
import { rulesForChallenge } from '../grader/challenges/load.js';
import type { ChallengeDefinition } from '../grader/challenges/schema.js';
import { checkFirmware, firmwareBoardProfile, type CheckOptions, type FirmwareReport } from '../grader/firmware/check.js';
import { preflight, type PreflightReport } from '../grader/validate/preflight.js';

/** What the synchronous check of a submission produced. */
export type SubmissionCheckReport = PreflightReport | FirmwareReport;

export function firmwareCheckOptions(def: ChallengeDefinition, fileName: string): CheckOptions {
  // The challenge's firmware.boards decide the image's target (Nano 33 BLE Sense, or the virtual board).
  return { fileName, ...(def.firmware ? { board: firmwareBoardProfile(def.firmware.boards) } : {}), ...(def.firmware?.flashBudgetBytes ? { flashBudgetBytes: def.firmware.flashBudgetBytes } : {}) };
}

/** Preflight a model, or check a firmware image, under a challenge's rules. */
export function checkSubmission(bytes: Uint8Array, kind: 'model' | 'firmware', def: ChallengeDefinition, fileName: string): SubmissionCheckReport {
  return kind === 'model' ? preflight(bytes, rulesForChallenge(def)).report : checkFirmware(bytes, firmwareCheckOptions(def, fileName));
}

/** Whether a report is a firmware image's (it names the board). */
export const isFirmwareReport = (r: SubmissionCheckReport): r is FirmwareReport => 'board' in r;

/**
 * What a learner reads wherever the rejection is shown (chat, CLI, stored as the submission's
 * reason): one block per failing check — what is wrong, then one fix, then the link to the recipe
 * (resolved against `baseUrl`, the site's public URL) — with line breaks that every renderer keeps.
 */
export function rejectionReason(report: SubmissionCheckReport, baseUrl?: string): string {
  const fails = report.checks.filter((c) => c.status === 'fail');
  const what = isFirmwareReport(report) ? 'the firmware image did not pass its checks' : 'the model did not pass preflight';
  const block = (c: (typeof fails)[number]) => {
    const lines = [`${c.id}: ${c.message}`];
    if ('hint' in c && c.hint) lines.push(`  Fix: ${c.hint}`);
    if ('link' in c && c.link) lines.push(`  Recipe: ${baseUrl ? baseUrl.replace(/\/+$/, '') : ''}${c.link}`);
    return lines.join('\n');
  };
  return fails.map(block).join('\n') || what;
}
