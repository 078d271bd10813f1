/**
 * Judging the capstone project track, pure: rubric totals, per-judge normalisation, ranking, and
 * conflict-free judge assignment.
 *
 * Judges differ in how harshly they mark. Each judge's totals are turned into z-scores over the
 * entries that judge marked (mean 0, standard deviation 1), an entry's result is the mean z-score of
 * its judges, mapped back onto the scale of all raw totals (overall mean + overall sd × mean z) so
 * the numbers read like marks. A judge who marked a single entry (no spread) contributes z = 0.
 */
export interface RubricCriterion {
  id: string;
  label: string;
  weight: number;
  max: number;
}

/** Marks → a 0…100 total: each criterion as a fraction of its max, weighted. @throws on bad marks. */
export function rubricTotal(rubric: readonly RubricCriterion[], marks: Record<string, number>): number {
  const known = new Set(rubric.map((c) => c.id));
  for (const k of Object.keys(marks)) if (!known.has(k)) throw new RangeError(`no criterion "${k}" in the rubric`);
  const weights = rubric.reduce((a, c) => a + c.weight, 0);
  let total = 0;
  for (const c of rubric) {
    const m = marks[c.id];
    if (m === undefined) throw new RangeError(`no mark for "${c.label}"`);
    if (!Number.isFinite(m) || m < 0 || m > c.max) throw new RangeError(`"${c.label}" must be between 0 and ${c.max}`);
    total += (c.weight * m) / c.max;
  }
  return (100 * total) / weights;
}

export interface JudgedTotal {
  entryId: string;
  judgeId: string;
  total: number;
}

export interface ProjectResult {
  entryId: string;
  rank: number;
  /** Normalised score on the scale of the raw totals. */
  score: number;
  /** Plain mean of the judges' raw totals, for reference. */
  rawMean: number;
  judges: number;
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const sd = (xs: number[]) => {
  const m = mean(xs);
  return Math.sqrt(xs.reduce((a, x) => a + (x - m) ** 2, 0) / xs.length);
};

export function combineJudges(totals: readonly JudgedTotal[], entryOrder: readonly string[] = []): ProjectResult[] {
  if (!totals.length) return [];
  const byJudge = new Map<string, number[]>();
  for (const t of totals) byJudge.set(t.judgeId, [...(byJudge.get(t.judgeId) ?? []), t.total]);
  const stats = new Map([...byJudge].map(([j, xs]) => [j, { m: mean(xs), s: sd(xs) }]));
  const all = totals.map((t) => t.total);
  const [gm, gs] = [mean(all), sd(all)];
  const byEntry = new Map<string, { z: number[]; raw: number[] }>();
  for (const t of totals) {
    const { m, s } = stats.get(t.judgeId)!;
    const e = byEntry.get(t.entryId) ?? { z: [], raw: [] };
    e.z.push(s > 0 ? (t.total - m) / s : 0);
    e.raw.push(t.total);
    byEntry.set(t.entryId, e);
  }
  const order = (id: string) => (entryOrder.includes(id) ? entryOrder.indexOf(id) : Number.MAX_SAFE_INTEGER);
  return [...byEntry]
    .map(([entryId, e]) => ({ entryId, score: Math.round((gm + gs * mean(e.z)) * 1000) / 1000, rawMean: Math.round(mean(e.raw) * 1000) / 1000, judges: e.z.length }))
    .sort((a, b) => b.score - a.score || b.judges - a.judges || order(a.entryId) - order(b.entryId))
    .map((r, i) => ({ ...r, rank: i + 1 }));
}

export interface AssignableEntry {
  id: string;
  /** The entrant and their teammates: none of them may judge it, nor anyone in conflict with them. */
  people: string[];
}

/**
 * Give every entry `perEntry` judges (keeping existing assignments), never a judge in conflict,
 * spreading the load (least-loaded judge first, ties by id for determinism). Entries that cannot get
 * enough judges are reported, not silently short.
 */
export function assignJudges(
  entries: readonly AssignableEntry[],
  judges: readonly string[],
  conflicts: ReadonlySet<string>,
  perEntry: number,
  existing: readonly { entryId: string; judgeId: string }[] = [],
): { add: { entryId: string; judgeId: string }[]; short: string[] } {
  const conflicted = (judge: string, e: AssignableEntry) => e.people.includes(judge) || e.people.some((p) => conflicts.has(`${judge}|${p}`));
  const load = new Map(judges.map((j) => [j, 0]));
  const has = new Map<string, Set<string>>();
  for (const a of existing) {
    load.set(a.judgeId, (load.get(a.judgeId) ?? 0) + 1);
    has.set(a.entryId, (has.get(a.entryId) ?? new Set()).add(a.judgeId));
  }
  const add: { entryId: string; judgeId: string }[] = [];
  const short: string[] = [];
  for (const e of [...entries].sort((a, b) => (has.get(a.id)?.size ?? 0) - (has.get(b.id)?.size ?? 0) || (a.id < b.id ? -1 : 1))) {
    const mine = has.get(e.id) ?? new Set<string>();
    const candidates = judges.filter((j) => !mine.has(j) && !conflicted(j, e)).sort((a, b) => load.get(a)! - load.get(b)! || (a < b ? -1 : 1));
    for (const j of candidates.slice(0, Math.max(0, perEntry - mine.size))) {
      add.push({ entryId: e.id, judgeId: j });
      mine.add(j);
      load.set(j, load.get(j)! + 1);
    }
    has.set(e.id, mine);
    if (mine.size < perEntry) short.push(e.id);
  }
  return { add, short };
}
