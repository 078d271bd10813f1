import { describe, expect, it } from 'vitest';
import { assignJudges, combineJudges, rubricTotal } from '../../arena/projects/judging.js';

const rubric = [
  { id: 'technical', label: 'Technical mastery', weight: 2, max: 10 },
  { id: 'creativity', label: 'Creativity', weight: 1, max: 5 },
];

describe('project judging', () => {
  it('totals a rubric to 0…100 and refuses bad marks', () => {
    expect(rubricTotal(rubric, { technical: 10, creativity: 5 })).toBe(100);
    expect(rubricTotal(rubric, { technical: 5, creativity: 0 })).toBeCloseTo(33.333, 3);
    expect(() => rubricTotal(rubric, { technical: 11, creativity: 1 })).toThrow(/between 0 and 10/);
    expect(() => rubricTotal(rubric, { technical: 5 })).toThrow(/no mark for "Creativity"/);
    expect(() => rubricTotal(rubric, { technical: 5, creativity: 1, vibes: 3 })).toThrow(/no criterion "vibes"/);
  });

  it('normalises per judge: a harsh judge does not sink the entries they happened to mark', () => {
    // Judge H marks everything 40 points lower than judge L, but ranks A > B > C the same way.
    // Entry D is only seen by H, entry E only by L; with raw means D would lose to E by far.
    const totals = [
      { entryId: 'A', judgeId: 'L', total: 90 },
      { entryId: 'B', judgeId: 'L', total: 80 },
      { entryId: 'C', judgeId: 'L', total: 70 },
      { entryId: 'E', judgeId: 'L', total: 80 },
      { entryId: 'A', judgeId: 'H', total: 50 },
      { entryId: 'B', judgeId: 'H', total: 40 },
      { entryId: 'C', judgeId: 'H', total: 30 },
      { entryId: 'D', judgeId: 'H', total: 40 },
    ];
    const r = combineJudges(totals, ['A', 'B', 'C', 'D', 'E']);
    expect(r[0]!.entryId).toBe('A');
    const d = r.find((x) => x.entryId === 'D')!;
    const e = r.find((x) => x.entryId === 'E')!;
    expect(d.score).toBeCloseTo(e.score, 6);
    expect(d.rawMean).toBe(40);
    expect(e.rawMean).toBe(80);
    // Ties: more judges first, then the earlier entry.
    expect(r.map((x) => x.entryId).slice(1, 4)).toEqual(['B', 'D', 'E']);
    expect(combineJudges([])).toEqual([]);
  });

  it('assigns judges without conflicts, spreading the load, and reports entries left short', () => {
    const entries = [
      { id: 'e1', people: ['ann'] },
      { id: 'e2', people: ['bob', 'cy'] },
      { id: 'e3', people: ['dee'] },
    ];
    const judges = ['j1', 'j2', 'j3', 'cy'];
    const conflicts = new Set(['j1|dee']);
    const { add, short } = assignJudges(entries, judges, conflicts, 2);
    const of = (e: string) => add.filter((a) => a.entryId === e).map((a) => a.judgeId).sort();
    expect(of('e2')).not.toContain('cy');
    expect(of('e3')).not.toContain('j1');
    expect(add).toHaveLength(6);
    expect(short).toEqual([]);
    const load = new Map<string, number>();
    for (const a of add) load.set(a.judgeId, (load.get(a.judgeId) ?? 0) + 1);
    expect(Math.max(...load.values()) - Math.min(...load.values())).toBeLessThanOrEqual(1);
    // Existing assignments are kept; asking for more than the conflict-free judges can give is reported.
    const again = assignJudges(entries, judges, conflicts, 4, add);
    expect(again.add.every((a) => !add.some((b) => b.entryId === a.entryId && b.judgeId === a.judgeId))).toBe(true);
    expect(again.short.sort()).toEqual(['e2', 'e3']);
  });
});
