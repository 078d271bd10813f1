/**
 * Intake: the one entry point for a new submission (HTTP API, CLI, Discord all call it).
 *
 * Order matters for "nothing lost, no quota lost": the challenge must be open; the upload is streamed
 * into the blob store under a size cap; identical bytes from the same person return the existing
 * submission; preflight runs synchronously and a broken file is answered at once and charges nothing;
 * then, under a per-participant lock, the quota is checked and the row created; only then is the job
 * enqueued. If enqueueing fails (Redis away) the row stays `queued` and the reaper enqueues it later.
 */
import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import { BlobTooLargeError } from '../core/blob-store.js';
import { formatBytes, formatTimeIn, plural } from '../lib/format.js';
import { withLock } from '../core/locks.js';
import type { Services } from '../core/services.js';
import { isFirmwareUpload } from '../core/file-kind.js';
import { getChallenge, phaseOf, type ChallengeView } from './catalog.js';
import { evaluatorVersion } from './evaluator.js';
import { emitEvent } from './events.js';
import { toJson } from './json.js';
import { participantFor, type Participant } from './people.js';
import type { QuotaStatus } from './quota.js';
import { participantQuota } from './quota-usage.js';
import { checkSubmission, rejectionReason, type SubmissionCheckReport } from './submission-check.js';
import { enqueueStage } from './stage-contract.js';
import { queueInfo } from './status.js';
import { IntakeError } from './errors.js';

export interface SubmitRequest {
  challengeId: string;
  personId: string;
  fileName: string;
  note?: string | undefined;
  source: 'discord' | 'api' | 'cli' | 'web';
  body: AsyncIterable<Uint8Array> | Readable | Uint8Array;
  now?: Date;
}

export interface SubmitResult {
  /** `accepted`: queued now; `duplicate`: these bytes were submitted before (nothing charged); `rejected`: preflight failed (nothing charged). */
  status: 'accepted' | 'duplicate' | 'rejected';
  id: string;
  state: 'queued' | 'running' | 'done' | 'rejected' | 'failed';
  queuePosition: number;
  etaSeconds: number | null;
  reason: string | null;
  /** The synchronous check: preflight of a model, or the image checks of a firmware. */
  report: SubmissionCheckReport | null;
  quota: QuotaStatus;
}

const FILE_NAME = /^[^/\\\0]{1,200}$/;

export async function submit(services: Services, req: SubmitRequest): Promise<SubmitResult> {
  const { db, config } = services;
  const now = req.now ?? new Date();
  const challenge = await openChallenge(services, req, now);
  const { blob, kind } = await storeUpload(services, req, challenge);
  const participant = await participantFor(db, req.challengeId, req.personId);
  const bytes = await services.blobs.readBytes(blob.sha256);
  const report = checkSubmission(bytes, kind, challenge.def, req.fileName);
  const intake: Intake = { req, now, challenge, participant, blob, kind, report, version: evaluatorVersion(challenge.definitionHash) };

  return withLock(services.redis, `${config.QUEUE_PREFIX}:lock:quota:${req.challengeId}:${participant.key}`, async () => {
    const quota = await participantQuota(db, req.challengeId, challenge.def, participant, now);
    const existing = await db.submission.findUnique({ where: { challengeId_personId_blobSha256: { challengeId: req.challengeId, personId: req.personId, blobSha256: blob.sha256 } } });
    // Same bytes again: answer with what we know, unless it can now go further (it failed on our
    // side, or was rejected at intake under rules that have changed since).
    const retry = existing && (existing.state === 'failed' || (existing.state === 'rejected' && !existing.quotaCharged && report.ok));
    if (existing && !retry) {
      const q = await queueInfo(db, existing, config.WORKER_CONCURRENCY);
      return { status: 'duplicate', id: existing.id, state: existing.state, queuePosition: q.position, etaSeconds: q.etaSeconds, reason: existing.stateReason, report: null, quota };
    }
    return report.ok ? accept(services, intake, existing, quota) : reject(services, intake, existing, quota);
  });
}

/** What intake knows of a submission once its bytes are stored and checked. */
interface Intake {
  req: SubmitRequest;
  now: Date;
  challenge: ChallengeView;
  participant: Participant;
  blob: { sha256: string };
  kind: 'model' | 'firmware';
  report: SubmissionCheckReport;
  version: string;
}

/** An earlier submission of the same bytes that may go again (it failed, or was rejected under older rules). */
type Earlier = { id: string } | null;

/** The request is well-formed and the challenge takes submissions now. @throws IntakeError */
async function openChallenge(services: Services, req: SubmitRequest, now: Date): Promise<ChallengeView> {
  if (!FILE_NAME.test(req.fileName)) throw new IntakeError('bad-request', 'the file name must be 1–200 characters without slashes');
  if (req.note !== undefined && req.note.length > 500) throw new IntakeError('bad-request', 'the note is longer than 500 characters');
  const challenge = await getChallenge(services.db, req.challengeId, services.config.CHALLENGES_DIR);
  const phase = phaseOf(challenge, now);
  if (!phase.accepting) {
    const t = challenge.def.timeline;
    const when = phase.phase === 'scheduled' ? `it opens at ${formatTimeIn(t.opens, t.displayTimeZone)}` : `it closed${challenge.row.state === 'draft' ? ` at ${formatTimeIn(t.closes, t.displayTimeZone)}` : ''}`;
    throw new IntakeError('closed', `${challenge.def.title} is not accepting submissions: ${when}`, { phase: phase.phase });
  }
  return challenge;
}

/** Stream the upload into the blob store under the size cap and tell a model from firmware. @throws IntakeError */
async function storeUpload(services: Services, req: SubmitRequest, challenge: ChallengeView): Promise<{ blob: { sha256: string }; kind: 'model' | 'firmware' }> {
  const maxBytes = services.config.MAX_UPLOAD_BYTES;
  let blob;
  try {
    blob = req.body instanceof Uint8Array ? await services.blobs.putBytes(req.body, { maxBytes }) : await services.blobs.put(req.body, { maxBytes });
  } catch (err) {
    if (err instanceof BlobTooLargeError) {
      throw new IntakeError('too-large', `the upload is larger than ${formatBytes(maxBytes)}; this challenge's model budget is ${formatBytes(challenge.def.budgets.maxModelBytes)}`, { maxBytes });
    }
    throw err;
  }
  const kind = isFirmwareUpload(blob.kind, req.fileName) ? 'firmware' : 'model';
  if (kind === 'firmware' && !challenge.def.firmware) {
    throw new IntakeError('unsupported', `\`${req.fileName}\` is compiled firmware, and ${challenge.def.title} takes int8 .tflite models only. Submit the model instead.`);
  }
  try {
    await services.db.blob.upsert({ where: { sha256: blob.sha256 }, create: { sha256: blob.sha256, sizeBytes: blob.sizeBytes, kind: blob.kind }, update: {} });
  } catch (err) {
    // Someone uploaded the same bytes at the same moment (upsert is read-then-insert): the row exists.
    if ((err as { code?: string }).code !== 'P2002') throw err;
  }
  return { blob, kind };
}

/** Preflight failed: record the rejection and its report; nothing is charged. */
async function reject(services: Services, it: Intake, existing: Earlier, quota: QuotaStatus): Promise<SubmitResult> {
  const { db, config } = services;
  const { req, now, report, version } = it;
  const reason = rejectionReason(report, config.PUBLIC_URL);
  const sub = existing
    ? await db.submission.update({ where: { id: existing.id }, data: { state: 'rejected', stateReason: reason, quotaCharged: false } })
    : await db.submission.create({
        data: {
          challengeId: req.challengeId,
          personId: req.personId,
          teamId: it.participant.teamId,
          blobSha256: it.blob.sha256,
          kind: it.kind,
          fileName: req.fileName,
          note: req.note ?? null,
          source: req.source,
          state: 'rejected',
          stateReason: reason,
          quotaCharged: false,
          finishedAt: now,
        },
      });
  await db.stageResult.upsert({
    where: { submissionId_stage_evaluatorVersion: { submissionId: sub.id, stage: 'validate', evaluatorVersion: version } },
    create: { submissionId: sub.id, stage: 'validate', evaluatorVersion: version, status: 'failed', attempts: 1, startedAt: now, finishedAt: now, detail: toJson(report), error: reason },
    update: { status: 'failed', detail: toJson(report), error: reason, finishedAt: now },
  });
  await emitEvent(services, { submissionId: sub.id, challengeId: sub.challengeId, personId: sub.personId, type: 'rejected', data: { stage: 'intake', reason } });
  return { status: 'rejected', id: sub.id, state: 'rejected', queuePosition: 0, etaSeconds: 0, reason, report, quota };
}

/** Preflight passed: charge the quota (or refuse when it is used up), create the run and enqueue it. @throws IntakeError */
async function accept(services: Services, it: Intake, existing: Earlier, quota: QuotaStatus): Promise<SubmitResult> {
  const { db, config } = services;
  const { req } = it;
  if (quota.remaining <= 0) {
    const limit = quota.remainingTotal === 0 ? `all ${plural(quota.total ?? 0, 'submission')} of this challenge are used` : `today's ${plural(quota.perDay, 'submission')} ${quota.perDay === 1 ? 'is' : 'are'} used; the quota resets at ${formatTimeIn(quota.resetsAt, quota.timeZone)} (daily at ${quota.resetLabel})`;
    throw new IntakeError('quota', `quota exhausted: ${limit}`, { quota });
  }
  const run = { runId: randomUUID(), runVersion: it.version, lane: 'fresh', state: 'queued' as const, stage: 'validate' as const, quotaCharged: true };
  const sub = existing
    ? await db.submission.update({ where: { id: existing.id }, data: { ...run, stateReason: null, startedAt: null, finishedAt: null, fileName: req.fileName, note: req.note ?? null, source: req.source } })
    : await db.submission.create({
        data: { challengeId: req.challengeId, personId: req.personId, teamId: it.participant.teamId, blobSha256: it.blob.sha256, kind: it.kind, fileName: req.fileName, note: req.note ?? null, source: req.source, ...run },
      });
  const after = { ...quota, usedToday: quota.usedToday + 1, usedTotal: quota.usedTotal + 1, remaining: quota.remaining - 1, remainingToday: quota.remainingToday - 1, remainingTotal: quota.remainingTotal === null ? null : quota.remainingTotal - 1 };
  const q = await queueInfo(db, sub, config.WORKER_CONCURRENCY);
  await emitEvent(services, { submissionId: sub.id, challengeId: sub.challengeId, personId: sub.personId, type: 'queued', data: { queuePosition: q.position, etaSeconds: q.etaSeconds } });
  try {
    // Redis may be away: do not hold the learner's request for it (the row is the record).
    await Promise.race([enqueueStage(services, sub, 'validate'), new Promise((_, reject) => setTimeout(() => reject(new Error('Redis did not answer within 5 s')), 5000).unref())]);
  } catch (err) {
    services.logger.warn({ submission: sub.id, err: (err as Error).message }, 'could not enqueue; the reaper will');
  }
  return { status: 'accepted', id: sub.id, state: 'queued', queuePosition: q.position, etaSeconds: q.etaSeconds, reason: null, report: it.report, quota: after };
}
