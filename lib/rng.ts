/**
 * The one seeded random generator (mulberry32, 32-bit state): demo data sets, simulated board faults
 * and tests use it, so the same seed makes the same bytes and a failing case reproduces.
 */

/** Uniform uint32 values from a seed. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

/** Uniform values in [0, 1) from a seed. */
export function seededUniform(seed: number): () => number {
  const u32 = mulberry32(seed);
  return () => u32() / 2 ** 32;
}

export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform in [lo, hi). */
  range(lo: number, hi: number): number;
  /** An integer in [lo, hi]. */
  int(lo: number, hi: number): number;
  /** Standard normal (Box–Muller). */
  gauss(): number;
  pick<T>(xs: readonly T[]): T;
}

/** {@link seededUniform} with a few conveniences. */
export function seededRng(seed: number): Rng {
  const next = seededUniform(seed);
  return {
    next,
    range: (lo, hi) => lo + (hi - lo) * next(),
    int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),
    gauss: () => Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next()),
    pick: (xs) => xs[Math.floor(next() * xs.length)]!,
  };
}
