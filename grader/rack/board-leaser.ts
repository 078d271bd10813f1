/**
 * The rack's lease loop: lease the healthiest usable board not tried yet (an exclusive Redis lease
 * with TTL and fencing, mirrored into the Board table), renew it while an attempt runs, release it
 * after; an attempt that failed on the board moves on to the next board, up to maxAttempts.
 */
import { hostname } from 'node:os';
import type { Logger } from '../../core/logger.js';
import type { BoardLedger } from './board-ledger.js';
import type { BoardSlot } from './board-slot.js';
import type { Lease, LeaseStore } from './leases.js';
import type { RackConfig } from './rack-config.js';
import { errText, RackUnavailableError, type AttemptRecord, type RunOptions, type RunResult } from './rack-job.js';

/** One leased board, as {@link BoardLeaser.run} hands it to an attempt. */
export interface Leased {
  slot: BoardSlot;
  lease: Lease;
  inferTimeoutMs: (count: number, warmups: number) => number;
  assertLeased: () => void;
}

/** An attempt either produced the value or failed in a way that counts against the board (try the next). */
export type Outcome<T> = { value: T } | { fault: Error; quarantined: boolean };

export class BoardLeaser {
  private readonly holder = `${hostname()}:${process.pid}:${Math.random().toString(36).slice(2, 8)}`;

  constructor(
    private readonly slots: readonly BoardSlot[],
    private readonly leases: LeaseStore,
    private readonly ledger: BoardLedger,
    private readonly config: Pick<RackConfig, 'maxAttempts' | 'leaseTtlMs' | 'leaseWaitMs'>,
    private readonly logger: Logger,
    /** True once the rack is stopping: a job waiting for a busy board gives up instead. */
    private readonly stopping: () => boolean = () => false,
  ) {}

  /** Jobs of this process waiting for a board; woken when one of ours is released. */
  private readonly waiters = new Set<() => void>();

  private wakeWaiters(): void {
    const woken = [...this.waiters];
    this.waiters.clear();
    for (const wake of woken) wake();
  }

  /**
   * Resolves when a board of this process is released, or after `ms` (boards leased by other
   * processes free up unannounced), or at once when `signal` fires.
   */
  private boardFreed(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(done);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, Math.max(10, ms));
      this.waiters.add(done);
      signal?.addEventListener('abort', done, { once: true });
    });
  }

  /**
   * Run `attempt` on leased boards until one produces the value. `attempt` records the board's state.
   * @throws RackUnavailableError when no board could run it (every attempt, in order, on it)
   */
  async run<T>(opts: RunOptions, usable: (s: BoardSlot) => boolean, attempt: (leased: Leased) => Promise<Outcome<T>>): Promise<RunResult<T>> {
    const attempts: AttemptRecord[] = [];
    const tried = new Set<string>();
    let waitStart: number | null = null;
    let lastWaitReport = 0;
    while (attempts.length < this.config.maxAttempts) {
      opts.signal?.throwIfAborted();
      const got = await this.leaseNext(tried, usable);
      if ('busy' in got) {
        // Every board that could take the job is running another one: queue for a board (bounded),
        // rather than failing a job that only came at a busy moment.
        if (got.busy === 0) break;
        const now = Date.now();
        waitStart ??= now;
        const waitedMs = now - waitStart;
        const maxWaitMs = opts.leaseWaitMs ?? this.config.leaseWaitMs;
        if (waitedMs >= maxWaitMs) {
          throw new RackUnavailableError(`every board that can run the job stayed busy for ${Math.round(waitedMs / 1000)} s (${got.busy} busy); giving up`, attempts);
        }
        if (this.stopping()) break;
        if (now - lastWaitReport >= 1000 || lastWaitReport === 0) {
          lastWaitReport = now;
          opts.onWait?.({ busy: got.busy, waitedMs });
        }
        await this.boardFreed(Math.min(500, maxWaitMs - waitedMs), opts.signal);
        continue;
      }
      const { slot, lease } = got;
      tried.add(slot.entry.id);
      let lost = false;
      const renewer = setInterval(() => {
        void this.leases.renew(lease, this.config.leaseTtlMs).then(
          async (ok) => {
            if (!ok) lost = true;
            else await this.ledger.renewed(slot.entry.id, lease);
          },
          () => undefined,
        );
      }, Math.max(100, Math.floor(this.config.leaseTtlMs / 3)));
      try {
        const out = await attempt({
          slot,
          lease,
          inferTimeoutMs: (count, warmups) => Math.ceil(slot.entry.commandTimeoutMs + (4 * (count + warmups) * opts.expectedUs) / 1000),
          assertLeased: () => {
            opts.signal?.throwIfAborted();
            if (lost) throw new Error(`the lease on board ${slot.entry.id} was lost (fence ${lease.fence}); the job stops`);
          },
        });
        if ('value' in out) return { value: out.value, boardId: slot.entry.id, attempts };
        attempts.push({ board: slot.entry.id, error: errText(out.fault), ...(out.quarantined ? { quarantined: true } : {}) });
        this.logger.warn({ board: slot.entry.id, job: opts.label, err: errText(out.fault), quarantined: out.quarantined }, 'board failed a job; trying another board');
      } finally {
        clearInterval(renewer);
        slot.busy = false;
        await this.leases.release(lease).catch(() => undefined);
        this.wakeWaiters();
      }
    }
    const summary = attempts.length ? attempts.map((a) => `${a.board}: ${a.error}`).join('; ') : 'no board is idle and connected';
    throw new RackUnavailableError(`no board could run the job (${summary})`, attempts);
  }

  /**
   * The healthiest idle, connected, not quarantined board not tried yet, leased; otherwise how many
   * boards that could take the job are busy (in use here, or leased by another process).
   */
  private async leaseNext(tried: Set<string>, usable: (s: BoardSlot) => boolean): Promise<{ slot: BoardSlot; lease: Lease } | { busy: number }> {
    const byId = await this.ledger.rows();
    const eligible = this.slots.filter((s) => !tried.has(s.entry.id) && s.client?.isOpen && byId.get(s.entry.id)?.state !== 'quarantined' && usable(s));
    const candidates = eligible
      .filter((s) => !s.busy)
      .sort((a, b) => (byId.get(b.entry.id)?.health ?? 0) - (byId.get(a.entry.id)?.health ?? 0) || a.order - b.order);
    for (const slot of candidates) {
      // Another job of this process may have taken it while we read the table (busy is set synchronously).
      if (slot.busy) continue;
      slot.busy = true;
      const lease = await this.leases.acquire(slot.entry.id, this.holder, this.config.leaseTtlMs).catch(() => null);
      if (!lease) {
        slot.busy = false;
        continue;
      }
      await this.ledger.leased(slot.entry.id, lease);
      return { slot, lease };
    }
    // Every eligible board is now either ours and busy, or leased elsewhere (acquire refused).
    return { busy: eligible.length };
  }
}
