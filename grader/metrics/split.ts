import { createHash } from 'node:crypto';

/**
 * Deterministic public/private split: a sample belongs to the private split when the hash of
 * (challenge seed, sample id) falls below the private fraction. Stable across runs and machines, and
 * independent of file order; changing the seed reshuffles.
 */
export function isPrivate(seed: string, sampleId: string, privateFraction: number): boolean {
  const h = createHash('sha256').update(seed).update('\0').update(sampleId).digest();
  return h.readUInt32BE(0) / 2 ** 32 < privateFraction;
}
