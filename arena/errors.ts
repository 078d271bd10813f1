/**
 * Every refusal the competition domain can answer with, and the one table that says how an adapter
 * reports each: the HTTP status (JSON API), the CLI exit code (1: understood but refused, 2: bad
 * input) and any machine-readable extras. The bot, the web routes and the CLI all go through
 * {@link domainRefusal}; anything it does not know is not the user's fault (a bug or an outage).
 */

/** Sign-in or rights: unknown token, or a person without the role an action needs. */
export class AuthError extends Error {
  override name = 'AuthError';
}

/** No challenge with that id; the message lists the known ones. */
export class UnknownChallengeError extends Error {
  override name = 'UnknownChallengeError';
}

/** An organizer's (or a learner's final-pick) action that cannot be done as asked. */
export class AdminError extends Error {
  override name = 'AdminError';
}

/** A team action that cannot be done; the message says why and what to do instead. */
export class TeamError extends Error {
  override name = 'TeamError';
}

/** A capstone project action that cannot be done (rubric, conflicts, phase). */
export class ProjectError extends Error {
  override name = 'ProjectError';
}

export type IntakeErrorCode = 'closed' | 'quota' | 'too-large' | 'unsupported' | 'bad-request';

/** The submission was not taken; `message` says why and what to do. Nothing was charged. */
export class IntakeError extends Error {
  override name = 'IntakeError';
  constructor(
    readonly code: IntakeErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

/** How an adapter answers a refused action. */
export interface DomainRefusal {
  /** What went wrong and what to do, as the person reads it. */
  message: string;
  /** HTTP status of a JSON answer. */
  status: number;
  /** Exit code of a CLI command. */
  exitCode: 1 | 2;
  /** Machine-readable extras for a JSON answer (an intake refusal's code and details). */
  extra?: Record<string, unknown>;
}

const INTAKE_STATUS: Record<IntakeErrorCode, number> = { closed: 403, quota: 429, 'too-large': 413, unsupported: 415, 'bad-request': 400 };

/** The table: error class → how it is answered. */
const TABLE: readonly [new (...args: never[]) => Error, (err: never) => Omit<DomainRefusal, 'message'>][] = [
  [UnknownChallengeError, () => ({ status: 404, exitCode: 2 })],
  [AuthError, () => ({ status: 403, exitCode: 1 })],
  [AdminError, () => ({ status: 409, exitCode: 2 })],
  [TeamError, () => ({ status: 409, exitCode: 1 })],
  [ProjectError, () => ({ status: 409, exitCode: 1 })],
  [IntakeError, (e: IntakeError) => ({ status: INTAKE_STATUS[e.code], exitCode: e.code === 'bad-request' ? 2 : 1, extra: { code: e.code, ...e.details } })],
];

/** How to answer `err`, or null when it is not a domain refusal (rethrow it). */
export function domainRefusal(err: unknown): DomainRefusal | null {
  for (const [type, answer] of TABLE) if (err instanceof type) return { message: err.message, ...answer(err as never) };
  return null;
}
