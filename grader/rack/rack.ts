/**
 * The rack manager: the boards of a rack config, connected over their transports, health-checked
 * (`name`, `x-info`), handed out one job at a time under exclusive Redis leases (TTL + fencing), with
 * per-board timeouts, retry on another board, and quarantine after N consecutive failed jobs. Board
 * state is mirrored into the database's Board table, which `tinyarena rack status` reads.
 *
 * Blame: a {@link BoardFault} (timeout, garbage, disconnect) or an unexpected `e-[…]` counts against
 * the board; a {@link ModelRefusedError} thrown by a job (the firmware refused the model) and any other
 * error do not, and end the job at once.
 */
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import type { Component, ComponentHealth } from '../../core/component.js';
import type { Db } from '../../core/db/client.js';
import type { Logger } from '../../core/logger.js';
import { BoardClient, BoardFault, BoardReplyError } from './board-client.js';
import { findPortBySerial } from './discovery.js';
import { LeaseStore, type Lease } from './leases.js';
import type { BoardInfo } from './protocol.js';
import type { BoardEntry, RackConfig } from './rack-config.js';
import { launchSimBoard, type SimBoardHandle } from './sim/launch.js';
import { createTransport } from './transports/index.js';

/** The firmware refused the model (too big, unsupported op, arena): the learner's problem, not the board's. */
export class ModelRefusedError extends Error {
  override name = 'ModelRefusedError';
}

/** No board could run the job; `attempts` says what happened on each. */
export class RackUnavailableError extends Error {
  override name = 'RackUnavailableError';
  constructor(
    message: string,
    readonly attempts: AttemptRecord[],
  ) {
    super(message);
  }
}

export interface AttemptRecord {
  board: string;
  error: string;
  quarantined?: boolean;
}

/** What a job gets: one leased, connected board. */
export interface BoardSession {
  board: { id: string; kind: string; location: string; info: BoardInfo };
  client: BoardClient;
  /** Timeout for `infer count warmups` from the expected latency (generous: ×4 plus a command timeout). */
  inferTimeoutMs(count: number, warmups: number): number;
  /** Throws when the lease was lost (the job must stop touching the board). */
  assertLeased(): void;
}

export interface RunOptions {
  /** Expected latency of one inference (µs), for timeouts. */
  expectedUs: number;
  /** Short label for logs. */
  label?: string;
}

export interface RunResult<T> {
  value: T;
  boardId: string;
  attempts: AttemptRecord[];
}

export interface RackDeps {
  db: Db;
  redis: Redis;
  logger: Logger;
  /** Redis key prefix (the queue prefix), so tests and deployments stay apart. */
  prefix: string;
  /** Folder for simulated boards' pty links. */
  simDir: string;
}

interface Slot {
  entry: BoardEntry;
  order: number;
  client: BoardClient | null;
  sim: SimBoardHandle | null;
  info: BoardInfo | null;
  location: string;
  /** In use by a job or a health check of this process. */
  busy: boolean;
  /** Jobs completed since the rack started (drift check cadence). */
  jobs: number;
}

const errText = (err: unknown) => (err instanceof Error ? err.message : String(err)).slice(0, 500);

export class Rack implements Component {
  readonly name = 'rack';
  private readonly slots: Slot[];
  private readonly leases: LeaseStore;
  private readonly holder = `${hostname()}:${process.pid}:${Math.random().toString(36).slice(2, 8)}`;
  private state: 'stopped' | 'starting' | 'running' | 'stopping' = 'stopped';
  private readyPromise: Promise<void> = Promise.resolve();
  private healthTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly deps: RackDeps,
    readonly config: RackConfig,
  ) {
    this.slots = config.boards.map((entry, order) => ({ entry, order, client: null, sim: null, info: null, location: entry.kind === 'sim' ? `sim://${entry.id}` : (entry.port ?? `usb-serial:${entry.serialNumber}`), busy: false, jobs: 0 }));
    this.leases = new LeaseStore(deps.redis, deps.prefix);
  }

  /** Resolves once every board has been tried once (connected or marked offline). */
  get ready(): Promise<void> {
    return this.readyPromise;
  }

  /** Returns at once; boards come up in the background (the web part need not wait for USB). */
  async start(): Promise<void> {
    this.state = 'starting';
    const { db } = this.deps;
    for (const s of this.slots) {
      await db.board.upsert({
        where: { id: s.entry.id },
        create: { id: s.entry.id, kind: s.entry.kind, location: s.location, state: 'offline' },
        update: { kind: s.entry.kind, location: s.location },
      });
    }
    // A lease held by a process that died shows as "leased" until now: free it in the table.
    await db.board.updateMany({ where: { id: { in: this.slots.map((s) => s.entry.id) }, state: 'leased', leaseExpiresAt: { lt: new Date() } }, data: { state: 'idle', leasedBy: null, leaseExpiresAt: null } });
    this.readyPromise = Promise.all(this.slots.map((s) => this.connect(s))).then(() => {
      if (this.state === 'starting') this.state = 'running';
    });
    this.healthTimer = setInterval(() => void this.probeOffline(), this.config.healthIntervalMs);
    this.healthTimer.unref();
  }

  /** Open, `name`, `x-info`; mark the board idle (unless quarantined) or offline with the reason. */
  private async connect(s: Slot): Promise<boolean> {
    const { db, logger } = this.deps;
    try {
      if (s.entry.kind === 'sim' && !s.sim) {
        s.sim = await launchSimBoard({
          id: s.entry.id,
          dir: this.deps.simDir,
          board: { name: `tinyarena-sim-${s.entry.id}`, ...(s.entry.speed ? { speed: s.entry.speed } : {}) },
          faults: s.entry.faults,
          seed: s.entry.seed ?? s.order + 1,
        });
        const sim = s.sim;
        void sim.gone.then(() => {
          if (s.sim === sim) s.sim = null;
        });
      }
      await s.client?.close().catch(() => undefined);
      const port = s.sim ? s.sim.hostPort : (s.entry.port ?? (await findPortBySerial(s.entry.serialNumber!)));
      if (!port) throw new Error(`no Nano 33 BLE with USB serial number ${s.entry.serialNumber} is plugged in`);
      const transport = createTransport(s.entry.transport, { port });
      const client = new BoardClient(transport, { commandTimeoutMs: s.entry.commandTimeoutMs });
      s.client = client;
      await client.open();
      // Unplugged while idle: show it at once (a running job reports it through its own fault).
      transport.onClose(() => {
        if (s.client !== client || s.busy || this.state === 'stopping') return;
        void db.board
          .updateMany({ where: { id: s.entry.id, state: 'idle' }, data: { state: 'offline', lastError: `disconnected from ${port}` } })
          .catch(() => undefined);
      });
      // One retry: a board (or a loaded machine) may be slow right after boot.
      try {
        await client.hello();
        s.info = await client.info();
      } catch (err) {
        if (!(err instanceof BoardFault)) throw err;
        await client.recover();
        s.info = await client.info();
      }
      await db.board.updateMany({ where: { id: s.entry.id, state: { not: 'quarantined' } }, data: { state: 'idle', lastError: null } });
      await db.board.update({ where: { id: s.entry.id }, data: { firmwareVersion: s.info.firmware, lastSeenAt: new Date() } });
      logger.info({ board: s.entry.id, port, firmware: s.info.firmware }, 'board connected');
      return true;
    } catch (err) {
      await s.client?.close().catch(() => undefined);
      s.client = null;
      await db.board.updateMany({ where: { id: s.entry.id, state: { not: 'quarantined' } }, data: { state: 'offline', lastError: `cannot connect: ${errText(err)}` } }).catch(() => undefined);
      logger.warn({ board: s.entry.id, err: errText(err) }, 'board offline');
      return false;
    }
  }

  /**
   * Re-probe boards that are offline: re-plugged kits, a crashed simulator, or a quarantine an
   * organizer cleared (`tinyarena rack unquarantine` sets the row offline).
   */
  private async probeOffline(): Promise<void> {
    if (this.state !== 'running') return;
    const rows = await this.deps.db.board.findMany({ where: { id: { in: this.slots.map((s) => s.entry.id) } } }).catch(() => []);
    const state = new Map(rows.map((r) => [r.id, r.state]));
    for (const s of this.slots) {
      if (s.busy || state.get(s.entry.id) === 'quarantined' || (s.client?.isOpen && state.get(s.entry.id) !== 'offline')) continue;
      s.busy = true;
      try {
        await this.connect(s);
      } finally {
        s.busy = false;
      }
    }
  }

  /**
   * Run `job` on one board, leased for the duration; on a board fault try the next board (up to
   * maxAttempts). @throws RackUnavailableError when no board could run it; rethrows job errors that
   * are not the board's fault.
   */
  async run<T>(job: (session: BoardSession) => Promise<T>, opts: RunOptions): Promise<RunResult<T>> {
    await this.readyPromise;
    const attempts: AttemptRecord[] = [];
    const tried = new Set<string>();
    while (attempts.length < this.config.maxAttempts) {
      const got = await this.leaseNext(tried);
      if (!got) break;
      const { slot, lease } = got;
      tried.add(slot.entry.id);
      let lost = false;
      const renewer = setInterval(() => {
        void this.leases.renew(lease, this.config.leaseTtlMs).then(
          async (ok) => {
            if (!ok) lost = true;
            else await this.deps.db.board.updateMany({ where: { id: slot.entry.id, leasedBy: lease.token }, data: { leaseExpiresAt: lease.expiresAt } });
          },
          () => undefined,
        );
      }, Math.max(100, Math.floor(this.config.leaseTtlMs / 3)));
      const session: BoardSession = {
        board: { id: slot.entry.id, kind: slot.entry.kind, location: slot.location, info: slot.info! },
        client: slot.client!,
        inferTimeoutMs: (count, warmups) => Math.ceil(slot.entry.commandTimeoutMs + (4 * (count + warmups) * opts.expectedUs) / 1000),
        assertLeased: () => {
          if (lost) throw new Error(`the lease on board ${slot.entry.id} was lost (fence ${lease.fence}); the job stops`);
        },
      };
      try {
        const value = await job(session);
        slot.jobs++;
        const drift = this.config.driftCheck;
        if (drift && slot.jobs % drift.every === 0) {
          // Still under the job's lease. A drifting board's result is kept (its outputs were compared
          // byte for byte with the host engine) but the board leaves service.
          let problem: string | null;
          try {
            problem = await this.driftProbe(session);
          } catch (err) {
            if (!(err instanceof BoardFault || err instanceof BoardReplyError)) throw err;
            problem = errText(err);
          }
          if (problem) {
            await this.quarantineNow(slot, lease, `reference-model drift check failed: ${problem}`);
            return { value, boardId: slot.entry.id, attempts };
          }
        }
        await this.recordSuccess(slot, lease);
        return { value, boardId: slot.entry.id, attempts };
      } catch (err) {
        if (!(err instanceof BoardFault || err instanceof BoardReplyError)) {
          await this.releaseIdle(slot, lease);
          throw err;
        }
        const quarantined = await this.recordFailure(slot, lease, err);
        attempts.push({ board: slot.entry.id, error: errText(err), ...(quarantined ? { quarantined } : {}) });
        this.deps.logger.warn({ board: slot.entry.id, job: opts.label, err: errText(err), quarantined }, 'board failed a job; trying another board');
      } finally {
        clearInterval(renewer);
        slot.busy = false;
        await this.leases.release(lease).catch(() => undefined);
      }
    }
    const summary = attempts.length ? attempts.map((a) => `${a.board}: ${a.error}`).join('; ') : 'no board is idle and connected';
    throw new RackUnavailableError(`no board could run the job (${summary})`, attempts);
  }

  /** The healthiest idle, connected, not quarantined board not tried yet, leased. */
  private async leaseNext(tried: Set<string>): Promise<{ slot: Slot; lease: Lease } | null> {
    const rows = await this.deps.db.board.findMany({ where: { id: { in: this.slots.map((s) => s.entry.id) } } });
    const byId = new Map(rows.map((r) => [r.id, r]));
    const candidates = this.slots
      .filter((s) => !tried.has(s.entry.id) && !s.busy && s.client?.isOpen && byId.get(s.entry.id)?.state !== 'quarantined')
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
      await this.deps.db.board.update({ where: { id: slot.entry.id }, data: { state: 'leased', leasedBy: lease.token, leaseExpiresAt: lease.expiresAt } });
      return { slot, lease };
    }
    return null;
  }

  private async releaseIdle(slot: Slot, lease: Lease): Promise<void> {
    await this.deps.db.board.updateMany({ where: { id: slot.entry.id, leasedBy: lease.token }, data: { state: 'idle', leasedBy: null, leaseExpiresAt: null, lastSeenAt: new Date() } });
  }

  private async recordSuccess(slot: Slot, lease: Lease): Promise<void> {
    const row = await this.deps.db.board.findUnique({ where: { id: slot.entry.id } });
    // Fenced: a holder that lost its lease must not overwrite the new holder's row.
    await this.deps.db.board.updateMany({
      where: { id: slot.entry.id, leasedBy: lease.token },
      data: { state: 'idle', leasedBy: null, leaseExpiresAt: null, consecutiveFailures: 0, health: Math.min(1, (row?.health ?? 1) + 0.1), lastSeenAt: new Date() },
    });
  }

  /** Count the failure; quarantine at the threshold, else try to recover the link. */
  private async recordFailure(slot: Slot, lease: Lease, err: Error): Promise<boolean> {
    const { db } = this.deps;
    const row = await db.board.findUnique({ where: { id: slot.entry.id } });
    const failures = (row?.consecutiveFailures ?? 0) + 1;
    const health = Math.max(0, (row?.health ?? 1) * 0.5);
    const kind = err instanceof BoardFault ? err.kind : 'refused';
    if (failures >= this.config.quarantineAfter) {
      await db.board.updateMany({
        where: { id: slot.entry.id, leasedBy: lease.token },
        data: { state: 'quarantined', leasedBy: null, leaseExpiresAt: null, consecutiveFailures: failures, health, lastError: `quarantined after ${failures} consecutive failed job(s); last: ${kind}: ${errText(err)}` },
      });
      // A quarantined board is left alone until an organizer clears it; close our side of the link.
      await slot.client?.close().catch(() => undefined);
      slot.client = null;
      return true;
    }
    let state: 'idle' | 'offline' = 'idle';
    let lastError = `${kind}: ${errText(err)}`;
    try {
      await slot.client!.recover();
    } catch (e) {
      state = 'offline';
      lastError += `; recovery failed: ${errText(e)}`;
      await slot.client?.close().catch(() => undefined);
      slot.client = null;
    }
    await db.board.updateMany({ where: { id: slot.entry.id, leasedBy: lease.token }, data: { state, leasedBy: null, leaseExpiresAt: null, consecutiveFailures: failures, health, lastError } });
    return false;
  }

  private driftReference: { model: Uint8Array; input: Uint8Array; expected: Uint8Array } | null = null;

  /** The drift check on a leased board: null when the reference model's outputs are byte-equal. */
  async driftProbe(session: BoardSession): Promise<string | null> {
    const drift = this.config.driftCheck;
    if (!drift) return null;
    if (!this.driftReference) {
      const { readFileSync } = await import('node:fs');
      const { parseModel } = await import('../tflite/parse.js');
      const { Interpreter } = await import('../interpreter/interpreter.js');
      const model = new Uint8Array(readFileSync(drift.model));
      const interp = Interpreter.create(parseModel(model), { arithmetic: drift.arithmetic });
      // A fixed, non-trivial input (a ramp), the same on every board and every run.
      const input = Uint8Array.from({ length: interp.inputBytes }, (_, i) => (i * 37 + 11) & 0xff);
      interp.setInputBytes(input);
      interp.invoke();
      this.driftReference = { model, input, expected: interp.getOutputBytes() };
    }
    const ref = this.driftReference;
    await session.client.uploadModel(ref.model, session.board.info.chunk);
    await session.client.loadInput(ref.input);
    await session.client.infer(1, 0, session.inferTimeoutMs(1, 0));
    const out = await session.client.output();
    const at = out.length === ref.expected.length ? out.findIndex((b, i) => b !== ref.expected[i]) : 0;
    return at === -1 ? null : `output byte ${at}: board ${out[at] ?? 'none'} vs host ${ref.expected[at]}`;
  }

  private async quarantineNow(slot: Slot, lease: Lease, reason: string): Promise<void> {
    await this.deps.db.board.updateMany({ where: { id: slot.entry.id, leasedBy: lease.token }, data: { state: 'quarantined', leasedBy: null, leaseExpiresAt: null, health: 0, lastError: reason } });
    this.deps.logger.warn({ board: slot.entry.id, reason }, 'board quarantined');
    await slot.client?.close().catch(() => undefined);
    slot.client = null;
  }

  /** Clear a quarantine (organizer action) and reconnect. */
  async unquarantine(boardId: string): Promise<boolean> {
    const s = this.slots.find((x) => x.entry.id === boardId);
    if (!s) return false;
    await this.deps.db.board.update({ where: { id: boardId }, data: { state: 'offline', consecutiveFailures: 0, health: 1, lastError: null } });
    return this.connect(s);
  }

  /** Simulated boards by id (tests pull their cables). */
  simHandle(boardId: string): SimBoardHandle | null {
    return this.slots.find((s) => s.entry.id === boardId)?.sim ?? null;
  }

  async stop(): Promise<void> {
    this.state = 'stopping';
    if (this.healthTimer) clearInterval(this.healthTimer);
    await this.readyPromise.catch(() => undefined);
    await Promise.all(
      this.slots.map(async (s) => {
        await s.client?.close().catch(() => undefined);
        s.client = null;
        await s.sim?.stop().catch(() => undefined);
        s.sim = null;
      }),
    );
    await this.deps.db.board.updateMany({ where: { id: { in: this.slots.map((s) => s.entry.id) }, state: { in: ['idle', 'leased'] } }, data: { state: 'offline', leasedBy: null, leaseExpiresAt: null } }).catch(() => undefined);
    this.state = 'stopped';
  }

  health(): ComponentHealth {
    const connected = this.slots.filter((s) => s.client?.isOpen).length;
    // Boards coming up or unplugged do not make the process unhealthy: the device stage waits or retries.
    return { ok: this.state === 'running' || this.state === 'starting', state: this.state, boards: this.slots.length, connected };
  }
}

/** Default folder for simulated boards' pty links. */
export const simDirFor = (dataDir: string) => join(dataDir, 'rack');
