/**
 * The rack as people see it (CLI `rack status`, the web's /rack page and API): one row per board,
 * with a lease past its expiry shown as free (its holder died; the next lease takes it).
 */
import type { Db } from '../../core/db/client.js';

/** One board as `tinyarena rack status --json` shows it (ARCHITECTURE.md §5, plus lease and detail fields). */
export interface BoardStatus {
  id: string;
  kind: string;
  state: 'idle' | 'leased' | 'quarantined' | 'offline';
  health: number;
  lastError: string | null;
  location: string;
  firmwareVersion: string | null;
  consecutiveFailures: number;
  leasedBy: string | null;
  leaseExpiresAt: string | null;
  lastSeenAt: string | null;
}

export async function rackStatus(db: Db, now = Date.now()): Promise<BoardStatus[]> {
  const rows = await db.board.findMany({ orderBy: { id: 'asc' } });
  return rows.map((r): BoardStatus => {
    const expired = r.state === 'leased' && (!r.leaseExpiresAt || r.leaseExpiresAt.getTime() < now);
    return {
      id: r.id,
      kind: r.kind,
      state: expired ? 'idle' : r.state,
      health: Math.round(r.health * 1000) / 1000,
      lastError: r.lastError,
      location: r.location,
      firmwareVersion: r.firmwareVersion,
      consecutiveFailures: r.consecutiveFailures,
      leasedBy: expired ? null : r.leasedBy,
      leaseExpiresAt: expired ? null : (r.leaseExpiresAt?.toISOString() ?? null),
      lastSeenAt: r.lastSeenAt?.toISOString() ?? null,
    };
  });
}
