/**
 * Where a challenge stands at a given moment: pure, from the stored row (organizer overrides) and the
 * YAML timeline. `state` on the row is the organizer's word: `draft` means "follow the timeline",
 * `open`/`closed` override it, `finalized` means results are final and published.
 */
export type Phase = 'scheduled' | 'open' | 'closed' | 'finalized';

export interface ChallengeTimes {
  state: 'draft' | 'open' | 'closed' | 'finalized';
  frozen: boolean;
  frozenAt: Date | null;
  opensAt: Date | null;
  closesAt: Date | null;
  freezesAt: Date | null;
}

export interface PhaseInfo {
  phase: Phase;
  /** Submissions are accepted now. */
  accepting: boolean;
  /** The public board stopped taking new results; `freezeTime` is from when. */
  frozen: boolean;
  freezeTime: Date | null;
  /** The private split may be shown to everyone. */
  privateRevealed: boolean;
}

export function challengePhase(c: ChallengeTimes, now: Date): PhaseInfo {
  let phase: Phase;
  switch (c.state) {
    case 'finalized':
      phase = 'finalized';
      break;
    case 'closed':
      phase = 'closed';
      break;
    case 'open':
      phase = 'open';
      break;
    default:
      phase = c.opensAt && now < c.opensAt ? 'scheduled' : c.closesAt && now >= c.closesAt ? 'closed' : 'open';
  }
  const times = [c.frozen ? (c.frozenAt ?? new Date(0)) : null, c.freezesAt && now >= c.freezesAt ? c.freezesAt : null].filter((t): t is Date => t !== null);
  const freezeTime = times.length ? new Date(Math.min(...times.map((t) => t.getTime()))) : null;
  return {
    phase,
    accepting: phase === 'open',
    frozen: freezeTime !== null,
    freezeTime,
    privateRevealed: phase === 'closed' || phase === 'finalized',
  };
}
