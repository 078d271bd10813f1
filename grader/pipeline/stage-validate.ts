/**
 * Validate: preflight against the challenge's budgets (format, int8, ops, size, arena, MACs). Intake
 * already ran it to answer at once; this stage re-runs it under the evaluator version being judged
 * (a rejudge after a rules change re-checks) and keeps the report. A firmware submission gets the
 * image checks instead (flash budget after the bootloader, RAM, vector table).
 */
import type { FileKind } from '../../core/file-kind.js';
import { rulesForChallenge } from '../challenges/load.js';
import type { ChallengeDefinition } from '../challenges/schema.js';
import { checkFirmware, firmwareBoardProfile, type CheckOptions, type FirmwareReport } from '../firmware/check.js';
import { preflight, type PreflightReport } from '../validate/preflight.js';
import type { StageWork } from './stages.js';

/** What the synchronous check of a submission produced. */
export type SubmissionCheckReport = PreflightReport | FirmwareReport;

const FIRMWARE_NAME = /\.(bin|hex|ihex|elf)$/i;

/** ELF and Intel HEX are recognised by content; a raw `.bin` only by its name. */
export function isFirmwareUpload(kind: FileKind, fileName: string): boolean {
  return kind === 'elf' || kind === 'ihex' || (kind !== 'tflite' && FIRMWARE_NAME.test(fileName));
}

export function firmwareCheckOptions(def: ChallengeDefinition, fileName: string): CheckOptions {
  return { fileName, ...(def.firmware ? { board: firmwareBoardProfile(def.firmware.boards) } : {}), ...(def.firmware?.flashBudgetBytes ? { flashBudgetBytes: def.firmware.flashBudgetBytes } : {}) };
}

/** Whether a report is a firmware image's (it names the board). */
export const isFirmwareReport = (r: SubmissionCheckReport): r is FirmwareReport => 'board' in r;

/** One line per failing check, with its fix: what a learner reads in chat. */
export function rejectionReason(report: SubmissionCheckReport): string {
  const fails = report.checks.filter((c) => c.status === 'fail');
  const what = isFirmwareReport(report) ? 'the firmware image did not pass its checks' : 'the model did not pass preflight';
  return fails.map((c) => `${c.message}${'hint' in c && c.hint ? ` — ${c.hint}` : ''}`).join('\n') || what;
}

export const validateStage: StageWork = async ({ services, submission, challenge }) => {
  const bytes = await services.blobs.readBytes(submission.blobSha256);
  if (submission.kind === 'firmware') {
    if (!challenge.def.firmware) {
      const reason = `${challenge.def.title} no longer accepts firmware submissions`;
      return { status: 'failed', detail: { error: reason }, reason };
    }
    const report = checkFirmware(bytes, firmwareCheckOptions(challenge.def, submission.fileName));
    return report.ok ? { status: 'passed', detail: report } : { status: 'failed', detail: report, reason: rejectionReason(report) };
  }
  const { report } = preflight(bytes, rulesForChallenge(challenge.def));
  return report.ok ? { status: 'passed', detail: report } : { status: 'failed', detail: report, reason: rejectionReason(report) };
};
