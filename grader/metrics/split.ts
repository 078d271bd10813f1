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

/**
 * A fixed subset: the `n` samples with the smallest sha256 of (salt, seed, id), so every submission
 * gets the same ones whatever the file order. `bothClasses` (a binary task whose metric needs both,
 * such as ROC AUC) takes half from each label, the other filling in when one is short.
 */
export function seededSubset<T extends { id: string; label: number }>(samples: readonly T[], salt: string, seed: string, n: number, opts: { bothClasses?: boolean } = {}): T[] {
  const key = (id: string) => createHash('sha256').update(`${salt}\0${seed}\0${id}`).digest('hex');
  const order = (xs: readonly T[]) =>
    xs
      .map((s) => ({ s, k: key(s.id) }))
      .sort((a, b) => (a.k < b.k ? -1 : 1))
      .map((x) => x.s);
  if (!opts.bothClasses) return order(samples).slice(0, n);
  const first = order(samples.filter((s) => s.label === 0));
  const second = order(samples.filter((s) => s.label === 1));
  const takeSecond = Math.min(second.length, n - Math.min(first.length, Math.ceil(n / 2)));
  const takeFirst = Math.min(first.length, n - takeSecond);
  return [...first.slice(0, takeFirst), ...second.slice(0, takeSecond)];
}
