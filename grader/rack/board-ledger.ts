/**
 * The rack's boards as the database's Board table shows them (what `tinyarena rack status`, the web
 * and other rack processes read): registration, connected or offline, leases, and each job's outcome.
 * Writes made under a lease are fenced by its token: a holder that lost its lease never overwrites
 * the new holder's row. A failed job also settles this process's link to the board (recordFailure).
 */
import type { Db } from '../../core/db/client.js';
import { BoardFault } from './board-client.js';
import type { Lease } from './leases.js';
import { errText, StepError } from './rack-job.js';
import type { BoardSlot } from './board-slot.js';

/** What a failed job leaves on the board's row (besides freeing the lease). */
export interface FailureRecord {
  state: 'idle' | 'offline' | 'quarantined';
  failures: number;
  health: number;
  lastError: string;
}

export class BoardLedger {
  constructor(
    private readonly db: Db,
    /** The boards of this rack. */
    private readonly ids: string[],
    /** Consecutive failed jobs that quarantine a board. */
    private readonly quarantineAfter: number,
  ) {}

  /** Make sure every board has a row (offline until connected), and free leases whose holder died. */
  async register(slots: readonly BoardSlot[]): Promise<void> {
    for (const s of slots) {
      await this.db.board.upsert({
        where: { id: s.entry.id },
        create: { id: s.entry.id, kind: s.entry.kind, location: s.location, state: 'offline' },
        update: { kind: s.entry.kind, location: s.location },
      });
    }
    // A lease held by a process that died shows as "leased" until now: free it in the table.
    await this.db.board.updateMany({ where: { id: { in: this.ids }, state: 'leased', leaseExpiresAt: { lt: new Date() } }, data: { state: 'idle', leasedBy: null, leaseExpiresAt: null } });
  }

  /**
   * Drop the rows of boards this rack owns (`owns`) but no longer configures, such as `sim-3` after
   * a restart with RACK_SIM_BOARDS=2: nothing will ever connect them, so they would show offline for
   * ever. Only offline rows go (a board another process runs is idle or leased, and a quarantine is
   * left for an organizer to see); no other table references a board row (a report keeps the board
   * id as text). Returns the ids dropped.
   */
  async retireUnlisted(owns: (id: string) => boolean): Promise<string[]> {
    const stale = await this.db.board.findMany({ where: { id: { notIn: this.ids }, state: 'offline' }, select: { id: true } });
    const ids = stale.map((r) => r.id).filter(owns);
    if (ids.length) await this.db.board.deleteMany({ where: { id: { in: ids }, state: 'offline' } });
    return ids;
  }

  /** The boards' rows, by id. */
  async rows(): Promise<Map<string, { state: string; health: number }>> {
    const rows = await this.db.board.findMany({ where: { id: { in: this.ids } } });
    return new Map(rows.map((r) => [r.id, r]));
  }

  /** The board answered with the harness: idle (unless quarantined), its firmware seen now. */
  async connected(id: string, firmware: string): Promise<void> {
    await this.db.board.updateMany({ where: { id, state: { not: 'quarantined' } }, data: { state: 'idle', lastError: null } });
    await this.seen(id, firmware);
  }

  /** The board answered with `firmware` just now. */
  async seen(id: string, firmware: string): Promise<void> {
    await this.db.board.update({ where: { id }, data: { firmwareVersion: firmware, lastSeenAt: new Date() } });
  }

  /** The board cannot be reached (unless it is quarantined, which says more). Never throws. */
  async offline(id: string, lastError: string): Promise<void> {
    await this.db.board.updateMany({ where: { id, state: { not: 'quarantined' } }, data: { state: 'offline', lastError } }).catch(() => undefined);
  }

  /** An idle board went away (unplugged, its simulator exited). Never throws. */
  async offlineIfIdle(id: string, lastError: string): Promise<void> {
    await this.db.board.updateMany({ where: { id, state: 'idle' }, data: { state: 'offline', lastError } }).catch(() => undefined);
  }

  async leased(id: string, lease: Lease): Promise<void> {
    await this.db.board.update({ where: { id }, data: { state: 'leased', leasedBy: lease.token, leaseExpiresAt: lease.expiresAt } });
  }

  async renewed(id: string, lease: Lease): Promise<void> {
    await this.db.board.updateMany({ where: { id, leasedBy: lease.token }, data: { leaseExpiresAt: lease.expiresAt } });
  }

  /** The job ended without a verdict on the board: idle again. */
  async released(id: string, lease: Lease): Promise<void> {
    await this.db.board.updateMany({ where: { id, leasedBy: lease.token }, data: { state: 'idle', leasedBy: null, leaseExpiresAt: null, lastSeenAt: new Date() } });
  }

  /** The job succeeded: idle, failure count reset, health up a step. */
  async succeeded(id: string, lease: Lease): Promise<void> {
    const row = await this.db.board.findUnique({ where: { id } });
    await this.db.board.updateMany({
      where: { id, leasedBy: lease.token },
      data: { state: 'idle', leasedBy: null, leaseExpiresAt: null, consecutiveFailures: 0, health: Math.min(1, (row?.health ?? 1) + 0.1), lastSeenAt: new Date() },
    });
  }

  /** The failure count and health after one more failed job. */
  private async nextFailure(id: string): Promise<{ failures: number; health: number }> {
    const row = await this.db.board.findUnique({ where: { id } });
    return { failures: (row?.consecutiveFailures ?? 0) + 1, health: Math.max(0, (row?.health ?? 1) * 0.5) };
  }

  private async failed(id: string, lease: Lease, f: FailureRecord): Promise<void> {
    await this.db.board.updateMany({ where: { id, leasedBy: lease.token }, data: { state: f.state, leasedBy: null, leaseExpiresAt: null, consecutiveFailures: f.failures, health: f.health, lastError: f.lastError } });
  }

  /**
   * Count the failure; quarantine at the threshold. Otherwise `after` says what the board is now:
   * `recover` (try to recover the link: idle, or offline if that fails), `idle` (already checked
   * healthy), `offline` (must not serve: e.g. the harness could not be restored). Settles the link
   * too: recovered, or closed when the board leaves service. Returns whether it was quarantined.
   */
  async recordFailure(slot: BoardSlot, lease: Lease, err: Error, after: 'recover' | 'idle' | 'offline'): Promise<boolean> {
    const id = slot.entry.id;
    const { failures, health } = await this.nextFailure(id);
    const kind = err instanceof BoardFault || err instanceof StepError ? err.kind : 'refused';
    if (failures >= this.quarantineAfter) {
      await this.failed(id, lease, { state: 'quarantined', failures, health, lastError: `quarantined after ${failures} consecutive failed job(s); last: ${kind}: ${errText(err)}` });
      // A quarantined board is left alone until an organizer clears it; close our side of the link.
      await slot.closeLink();
      return true;
    }
    let state: 'idle' | 'offline' = after === 'offline' ? 'offline' : 'idle';
    let lastError = `${kind}: ${errText(err)}`;
    if (after === 'recover') {
      try {
        if (!slot.client) throw new Error('no link');
        await slot.client.recover();
      } catch (e) {
        state = 'offline';
        lastError += `; recovery failed: ${errText(e)}`;
      }
    }
    if (state === 'offline') await slot.closeLink();
    await this.failed(id, lease, { state, failures, health, lastError });
    return false;
  }

  /** Out of service at once (the drift check failed), whatever the failure count. */
  async quarantined(id: string, lease: Lease, reason: string): Promise<void> {
    await this.db.board.updateMany({ where: { id, leasedBy: lease.token }, data: { state: 'quarantined', leasedBy: null, leaseExpiresAt: null, health: 0, lastError: reason } });
  }

  /** An organizer cleared the quarantine: offline until the rack reconnects it. */
  async cleared(id: string): Promise<void> {
    await this.db.board.update({ where: { id }, data: { state: 'offline', consecutiveFailures: 0, health: 1, lastError: null } });
  }

  /** The rack stopped: its idle and leased boards show offline. Never throws. */
  async stopped(): Promise<void> {
    await this.db.board.updateMany({ where: { id: { in: this.ids }, state: { in: ['idle', 'leased'] } }, data: { state: 'offline', leasedBy: null, leaseExpiresAt: null } }).catch(() => undefined);
  }
}
