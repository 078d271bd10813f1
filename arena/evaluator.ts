/**
 * The evaluator version names everything that decides a score: the grading code and the challenge
 * definition it ran under. Bump ENGINE_VERSION when a change to the engine, metrics or formula can
 * change a result; a rejudge then stores new scores next to the old ones instead of over them.
 */
// e2: scores use stock TFLM arithmetic (double rounding, what the board computes) instead of desktop
// TFLite's; e1 scores stay under e1 until an organizer rejudges.
export const ENGINE_VERSION = 'e2';

export function evaluatorVersion(definitionHash: string): string {
  return `${ENGINE_VERSION}-${definitionHash.slice(0, 8)}`;
}
