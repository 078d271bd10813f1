/** A challenge's status as a badge and a sentence with the dates that matter now. */
import type { ChallengeOverview } from '../../arena/challenge-overview.js';
import { escapeHtml } from './layout.js';
import { when } from './time.js';

/** "open", "frozen" (open, public board frozen), "scheduled", "closed", "finalized". */
export function statusBadge(c: Pick<ChallengeOverview, 'phase' | 'frozen'>): string {
  const label = c.phase === 'open' && c.frozen ? 'frozen' : c.phase;
  return `<span class="badge ${label}">${escapeHtml(label)}</span>`;
}

const TRACK_LABEL = { all: '', model: 'models', firmware: 'firmware' } as const;

/**
 * The public board's leader(s), HTML: "ada (117.40)" on a combined board; on separate tracks the
 * leader of each, "models: ada (117.40); firmware: bob (103.40)" (each track has its own rank 1).
 * Empty when nobody leads.
 */
export function leaderSummary(c: Pick<ChallengeOverview, 'leaders'>): string {
  return c.leaders
    .map((l) => `${l.track === 'all' ? '' : `${TRACK_LABEL[l.track]}: `}${escapeHtml(l.name)} <small>(${l.score.toFixed(2)})</small>`)
    .join('; ');
}

/** The dates line: when it opens / closes, or when it closed (and that it was early). */
export function statusDates(c: ChallengeOverview): string {
  switch (c.phase) {
    case 'scheduled':
      return `Opens ${when(c.opensAt, c.timeZone)}; closes ${when(c.closesAt, c.timeZone)}.`;
    case 'open':
      return `Open for submissions until ${when(c.closesAt, c.timeZone)}.${c.frozen ? ' The public board is frozen: new results show at the final reveal.' : ''}`;
    default: {
      const closed = c.closedAt ?? c.closesAt;
      return `Closed ${when(closed, c.timeZone)}${c.closedEarly ? ` — early; it was planned to close ${when(c.closesAt, c.timeZone)}` : ''}.${c.phase === 'finalized' ? ' Results are final.' : ' The private ranking is revealed.'}`;
    }
  }
}
