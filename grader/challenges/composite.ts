/**
 * The composite leaderboard score of a challenge (ICCAD-style):
 *   weights.quality · quality + weights.latency · latency_norm + weights.flash · flash_norm
 * with quality the task metric in 0…1 and each norm clipped to 0…1 (1 = best). With the demo weights
 * 100/20/20, going from the worst to the best latency is worth 20 points, as much as 0.20 of top-1
 * accuracy; the same for flash. Below the gate a submission gets a score but no rank.
 */
import type { ChallengeDefinition } from './schema.js';

export interface CompositeInput {
  /** The task metric: top-1 (KWS, VWW) or ROC AUC (AD), 0…1. */
  quality: number;
  /** Measured on a board; absent until the device stage has run. */
  latencyMs?: number;
  modelBytes: number;
}

export interface CompositeScore {
  score: number;
  eligible: boolean;
  terms: { quality: number; latency: number | null; flash: number };
  /** Terms that could not be computed (their points are not awarded). */
  missing: string[];
}

const clip01 = (x: number) => (x < 0 ? 0 : x > 1 ? 1 : x);

/** 1 at or below best, 0 at or above worst, linear between. */
export function normalise(value: number, best: number, worst: number): number {
  return clip01((worst - value) / (worst - best));
}

export function compositeScore(scoring: ChallengeDefinition['scoring'], input: CompositeInput): CompositeScore {
  const quality = clip01(input.quality);
  const latency = input.latencyMs === undefined ? null : normalise(input.latencyMs, scoring.latency.bestMs, scoring.latency.worstMs);
  const flash = normalise(input.modelBytes, scoring.flash.bestBytes, scoring.flash.worstBytes);
  const w = scoring.weights;
  const score = w.quality * quality + w.latency * (latency ?? 0) + w.flash * flash;
  return {
    score: Math.round(score * 1e6) / 1e6,
    eligible: input.quality >= scoring.gate.min,
    terms: { quality, latency, flash },
    missing: latency === null ? ['latency'] : [],
  };
}
