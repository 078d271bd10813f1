import { describe, expect, it } from 'vitest';
import { challengePhase, type ChallengeTimes } from '../../arena/phase.js';
import { quotaStatus, quotaWindow } from '../../arena/quota.js';
import { rankParticipants, rankTracks, type RankCandidate } from '../../arena/ranking.js';

const T = (s: string) => new Date(s);

describe('challenge phase', () => {
  const base: ChallengeTimes = { state: 'draft', frozen: false, frozenAt: null, opensAt: T('2026-12-01T00:00:00Z'), closesAt: T('2027-01-01T00:00:00Z'), freezesAt: T('2026-12-25T00:00:00Z') };

  it('follows the timeline in draft state', () => {
    expect(challengePhase(base, T('2026-11-30T23:59:59Z'))).toMatchObject({ phase: 'scheduled', accepting: false, frozen: false, privateRevealed: false });
    expect(challengePhase(base, T('2026-12-01T00:00:00Z'))).toMatchObject({ phase: 'open', accepting: true, frozen: false });
    expect(challengePhase(base, T('2026-12-26T00:00:00Z'))).toMatchObject({ phase: 'open', frozen: true, freezeTime: base.freezesAt });
    expect(challengePhase(base, T('2027-01-01T00:00:00Z'))).toMatchObject({ phase: 'closed', accepting: false, privateRevealed: true });
  });

  it('organizer overrides win over the timeline', () => {
    expect(challengePhase({ ...base, state: 'open' }, T('2026-11-01T00:00:00Z')).accepting).toBe(true);
    expect(challengePhase({ ...base, state: 'closed' }, T('2026-12-10T00:00:00Z'))).toMatchObject({ phase: 'closed', privateRevealed: true });
    expect(challengePhase({ ...base, state: 'finalized' }, T('2026-12-10T00:00:00Z')).phase).toBe('finalized');
  });

  it('a manual freeze counts from when it was set, and the earlier freeze wins', () => {
    const manual = { ...base, frozen: true, frozenAt: T('2026-12-10T00:00:00Z') };
    expect(challengePhase(manual, T('2026-12-11T00:00:00Z'))).toMatchObject({ frozen: true, freezeTime: T('2026-12-10T00:00:00Z') });
    expect(challengePhase(manual, T('2026-12-26T00:00:00Z')).freezeTime).toEqual(T('2026-12-10T00:00:00Z'));
  });
});

describe('quota windows', () => {
  it('resets at the stated local time', () => {
    const rules = { perDay: 5, resetAt: '00:00', timeZone: 'UTC' };
    expect(quotaWindow(rules, T('2026-12-03T15:00:00Z'))).toEqual({ start: T('2026-12-03T00:00:00Z'), resetsAt: T('2026-12-04T00:00:00Z') });
    const berlin = { perDay: 5, resetAt: '09:30', timeZone: 'Europe/Berlin' };
    // 08:00 UTC is 09:00 in Berlin (CET): still yesterday's window.
    expect(quotaWindow(berlin, T('2026-12-03T08:00:00Z'))).toEqual({ start: T('2026-12-02T08:30:00Z'), resetsAt: T('2026-12-03T08:30:00Z') });
    expect(quotaWindow(berlin, T('2026-12-03T08:30:00Z')).start).toEqual(T('2026-12-03T08:30:00Z'));
  });

  it('handles daylight-saving days (a 23-hour and a 25-hour window)', () => {
    const ny = { perDay: 5, resetAt: '12:00', timeZone: 'America/New_York' };
    const spring = quotaWindow(ny, T('2027-03-14T12:00:00Z')); // 08:00 EDT on the switch day: window from the 13th
    expect(spring.start).toEqual(T('2027-03-13T17:00:00Z'));
    expect(spring.resetsAt).toEqual(T('2027-03-14T16:00:00Z'));
    const autumn = quotaWindow(ny, T('2027-11-07T15:00:00Z'));
    expect(autumn.resetsAt.getTime() - autumn.start.getTime()).toBe(25 * 3600 * 1000);
  });

  it('counts grants once: today for grants made today, always for the total', () => {
    const rules = { perDay: 2, total: 10, resetAt: '00:00', timeZone: 'UTC' };
    const now = T('2026-12-03T10:00:00Z');
    expect(quotaStatus(rules, { usedToday: 2, usedTotal: 6, extraToday: 0, extraTotal: 0 }, now)).toMatchObject({ remaining: 0, remainingToday: 0, remainingTotal: 4, resetLabel: '00:00 UTC' });
    expect(quotaStatus(rules, { usedToday: 2, usedTotal: 6, extraToday: 1, extraTotal: 1 }, now).remaining).toBe(1);
    expect(quotaStatus(rules, { usedToday: 0, usedTotal: 10, extraToday: 0, extraTotal: 1 }, now).remaining).toBe(1);
    expect(quotaStatus(rules, { usedToday: 0, usedTotal: 11, extraToday: 0, extraTotal: 1 }, now).remaining).toBe(0);
  });
});

describe('ranking', () => {
  let n = 0;
  const cand = (p: string, pub: number, at: string, extra: Partial<RankCandidate> = {}): RankCandidate => ({
    submissionId: `s${++n}`,
    participantKey: `person:${p}`,
    personId: p,
    teamId: null,
    createdAt: T(at),
    eligible: true,
    disqualified: false,
    isFinal: false,
    publicScore: pub,
    privateScore: pub,
    ...extra,
  });

  it('takes each participant’s best, ties to the earlier submission', () => {
    const a1 = cand('a', 90, '2026-12-02T00:00:00Z');
    const a2 = cand('a', 95, '2026-12-03T00:00:00Z');
    const b1 = cand('b', 95, '2026-12-02T12:00:00Z');
    const c1 = cand('c', 99, '2026-12-02T00:00:00Z', { eligible: false });
    const d1 = cand('d', 99, '2026-12-02T00:00:00Z', { disqualified: true });
    const rows = rankParticipants([a1, a2, b1, c1, d1], { split: 'public' });
    expect(rows.map((r) => [r.rank, r.personId, r.submissionId])).toEqual([
      [1, 'b', b1.submissionId],
      [2, 'a', a2.submissionId],
    ]);
    // A later equal score does not replace the earlier best.
    const a3 = cand('a', 95, '2026-12-04T00:00:00Z');
    expect(rankParticipants([a2, a3], { split: 'public' })[0]!.submissionId).toBe(a2.submissionId);
  });

  it('ranks models and firmware together on a combined board, each on its own track when separate', () => {
    const aModel = cand('a', 90, '2026-12-02T00:00:00Z');
    const aFirmware = cand('a', 97, '2026-12-03T00:00:00Z', { kind: 'firmware' });
    const bModel = cand('b', 93, '2026-12-02T00:00:00Z');
    const cFirmware = cand('c', 95, '2026-12-02T00:00:00Z', { kind: 'firmware' });
    const all = [aModel, aFirmware, bModel, cFirmware];
    expect(rankTracks(all, { split: 'public', tracks: 'combined' }).map((r) => [r.track, r.rank, r.personId, r.score])).toEqual([
      ['all', 1, 'a', 97],
      ['all', 2, 'c', 95],
      ['all', 3, 'b', 93],
    ]);
    // Separate: a's firmware does not hide her model; each track starts at rank 1.
    expect(rankTracks(all, { split: 'public', tracks: 'separate' }).map((r) => [r.track, r.rank, r.personId, r.score])).toEqual([
      ['model', 1, 'b', 93],
      ['model', 2, 'a', 90],
      ['firmware', 1, 'a', 97],
      ['firmware', 2, 'c', 95],
    ]);
  });

  it('a frozen public board ignores submissions made after the freeze', () => {
    const a1 = cand('a', 90, '2026-12-02T00:00:00Z');
    const a2 = cand('a', 99, '2026-12-20T00:00:00Z');
    expect(rankParticipants([a1, a2], { split: 'public', freezeTime: T('2026-12-10T00:00:00Z') })[0]!.score).toBe(90);
    expect(rankParticipants([a1, a2], { split: 'private', freezeTime: T('2026-12-10T00:00:00Z') })[0]!.score).toBe(99);
  });

  it('teams rank as one participant', () => {
    const t = { participantKey: 'team:t', teamId: 't' };
    const rows = rankParticipants([cand('a', 80, '2026-12-02T00:00:00Z', t), cand('b', 85, '2026-12-03T00:00:00Z', t), cand('c', 82, '2026-12-02T00:00:00Z')], { split: 'public' });
    expect(rows.map((r) => [r.participantKey, r.score])).toEqual([
      ['team:t', 85],
      ['person:c', 82],
    ]);
  });

  it('Ladder damping shows a new public score only past the margin', () => {
    const subs = [cand('a', 90, '2026-12-01T00:00:00Z'), cand('a', 90.5, '2026-12-02T00:00:00Z'), cand('a', 91.2, '2026-12-03T00:00:00Z'), cand('a', 91.9, '2026-12-04T00:00:00Z')];
    expect(rankParticipants(subs, { split: 'public', ladderMargin: 1 })[0]!.score).toBe(91.2);
    expect(rankParticipants(subs, { split: 'public' })[0]!.score).toBe(91.9);
  });

  it('final selection: chosen submissions count on the private board, else the best public ones', () => {
    const a1 = cand('a', 95, '2026-12-01T00:00:00Z', { privateScore: 80 });
    const a2 = cand('a', 90, '2026-12-02T00:00:00Z', { privateScore: 92 });
    const a3 = cand('a', 85, '2026-12-03T00:00:00Z', { privateScore: 99 });
    expect(rankParticipants([a1, a2, a3], { split: 'private' })[0]!.score).toBe(99);
    // None chosen: the best public 2 (a1, a2) are picked for them.
    expect(rankParticipants([a1, a2, a3], { split: 'private', maxFinal: 2 })[0]!.score).toBe(92);
    // Chosen: only a1 counts.
    expect(rankParticipants([{ ...a1, isFinal: true }, a2, a3], { split: 'private', maxFinal: 2 })[0]!.score).toBe(80);
  });
});
