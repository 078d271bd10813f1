/**
 * The rack manager: the boards of a rack config, connected over their transports, health-checked
 * (`name`, `x-info`), handed out one job at a time under exclusive Redis leases (TTL + fencing), with
 * per-board timeouts, retry on another board, and quarantine after N consecutive failed jobs. Board
 * state is mirrored into the database's Board table, which `tinyarena rack status` reads.
 *
 * Blame: a {@link BoardFault} (timeout, garbage, disconnect) or an unexpected `e-[…]` counts against
 * the board; a {@link ModelRefusedError} thrown by a job (the firmware refused the model) and any other
 * error do not, and end the job at once.
 *
 * Firmware jobs ({@link Rack.runFirmware}) flash a submitted image, run the job on it over the base
 * protocol, and always flash the harness back and check it before the board serves anyone else
 * (firmware-jobs.ts says whose fault what is).
 *
 * The parts: board-slot.ts (one board and this process's link to it), board-ledger.ts (the Board
 * table: state, leases, outcomes), board-leaser.ts (the lease-and-retry loop), firmware-jobs.ts,
 * drift-check.ts; what a job gets and gets back is rack-job.ts.
 */
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import type { Component, ComponentHealth } from '../../core/component.js';
import type { Db } from '../../core/db/client.js';
import type { Logger } from '../../core/logger.js';
import { BoardFault, BoardReplyError } from './board-client.js';
import { BoardLeaser, type Leased, type Outcome } from './board-leaser.js';
import { BoardLedger } from './board-ledger.js';
import { BoardSlot } from './board-slot.js';
import { DriftCheck } from './drift-check.js';
import { FirmwareJobs } from './firmware-jobs.js';
import type { BoardFlasher, FlashImage } from './flash/flasher.js';
import { firmwareBlocker } from './flash/index.js';
import { LeaseStore, type Lease } from './leases.js';
import type { RackConfig } from './rack-config.js';
import { errText, RackUnavailableError, type BoardSession, type FirmwareRunOptions, type FirmwareSession, type RunOptions, type RunResult } from './rack-job.js';
import type { SimBoardHandle } from './sim/launch.js';

export interface RackDeps {
  db: Db;
  redis: Redis;
  logger: Logger;
  /** Redis key prefix (the queue prefix), so tests and deployments stay apart. */
  prefix: string;
  /** Folder for simulated boards' pty links. */
  simDir: string;
  /** Wraps each board's flasher (tests and drills inject flashing failures). */
  wrapFlasher?: (boardId: string, flasher: BoardFlasher) => BoardFlasher;
  /**
   * Board ids this rack owns even when it no longer lists them (the embedded rack's `sim-N` and
   * `virtual-N`): at start, those of them that are offline and not configured any more are retired.
   */
  owns?: (boardId: string) => boolean;
}

export class Rack implements Component {
  readonly name = 'rack';
  private readonly slots: BoardSlot[];
  private readonly ledger: BoardLedger;
  private readonly leaser: BoardLeaser;
  private readonly firmwareJobs: FirmwareJobs;
  private readonly drift: DriftCheck | null;
  private state: 'stopped' | 'starting' | 'running' | 'stopping' = 'stopped';
  private readyPromise: Promise<void> = Promise.resolve();
  private healthTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly deps: RackDeps,
    readonly config: RackConfig,
  ) {
    this.slots = config.boards.map((entry, order) => new BoardSlot(entry, order, (slot, port) => this.idleHangUp(slot, port)));
    this.ledger = new BoardLedger(deps.db, this.slots.map((s) => s.entry.id), config.quarantineAfter);
    this.leaser = new BoardLeaser(this.slots, new LeaseStore(deps.redis, deps.prefix), this.ledger, config, deps.logger, () => this.state === 'stopping' || this.state === 'stopped');
    this.firmwareJobs = new FirmwareJobs(config.firmware, this.ledger, deps.wrapFlasher);
    this.drift = config.driftCheck ? new DriftCheck(config.driftCheck) : null;
  }

  /** Resolves once every board has been tried once (connected or marked offline). */
  get ready(): Promise<void> {
    return this.readyPromise;
  }

  /** Returns at once; boards come up in the background (the web part need not wait for USB). */
  async start(): Promise<void> {
    this.state = 'starting';
    await this.ledger.register(this.slots);
    if (this.deps.owns) {
      const retired = await this.ledger.retireUnlisted(this.deps.owns);
      if (retired.length) this.deps.logger.info({ boards: retired }, 'boards no longer configured were retired from the rack status');
    }
    this.readyPromise = Promise.all(this.slots.map((s) => this.connect(s))).then(() => {
      if (this.state === 'starting') this.state = 'running';
    });
    this.healthTimer = setInterval(() => void this.probeOffline(), this.config.healthIntervalMs);
    this.healthTimer.unref();
  }

  /** The link of an idle board closed (unplugged): show it at once (a running job reports it through its own fault). */
  private idleHangUp(s: BoardSlot, port: string): void {
    if (this.state === 'stopping') return;
    void this.ledger.offlineIfIdle(s.entry.id, `disconnected from ${port}`);
  }

  /**
   * Open, `name`, `x-info`; mark the board idle (unless quarantined) or offline with the reason. A
   * board that may still run submitted firmware takes the harness back first.
   */
  private async connect(s: BoardSlot): Promise<boolean> {
    const { logger } = this.deps;
    try {
      await s.launch({ simDir: this.deps.simDir, virtual: this.config.virtual }, async () => {
        // The simulator process is gone for good (like a kit pulled from USB): do not wait for the
        // serial port to notice the hang-up, which a loaded machine can delay.
        if (this.state === 'stopping' || this.state === 'stopped') return;
        await s.closeLink();
        await this.ledger.offlineIfIdle(s.entry.id, `disconnected from ${s.location} (the ${s.entry.kind === 'virtual' ? 'emulator' : 'simulator'} exited)`);
      });
      if (s.needsHarness) {
        const flasher = await this.firmwareJobs.flasherOf(s);
        if (!flasher) throw new Error('it may still run submitted firmware and cannot be flashed with the harness as configured');
        await this.firmwareJobs.restoreHarness(s, flasher, this.config.firmware.bootTimeoutMs);
      } else {
        await s.attach(0);
      }
      await this.ledger.connected(s.entry.id, s.info!.firmware);
      logger.info({ board: s.entry.id, port: s.client?.transport.location, firmware: s.info!.firmware }, 'board connected');
      return true;
    } catch (err) {
      await s.closeLink();
      await this.ledger.offline(s.entry.id, `cannot connect: ${errText(err)}`);
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
    const rows = await this.ledger.rows().catch(() => new Map<string, { state: string }>());
    const state = (s: BoardSlot) => rows.get(s.entry.id)?.state;
    for (const s of this.slots) {
      if (s.busy || state(s) === 'quarantined' || (s.client?.isOpen && state(s) !== 'offline')) continue;
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
    return this.withLeases(opts, () => true, async ({ slot, lease, inferTimeoutMs, assertLeased }): Promise<Outcome<T>> => {
      const session: BoardSession = {
        board: { id: slot.entry.id, kind: slot.entry.kind, location: slot.location, info: slot.info! },
        client: slot.client!,
        inferTimeoutMs,
        assertLeased,
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
            return { value };
          }
        }
        await this.ledger.succeeded(slot.entry.id, lease);
        return { value };
      } catch (err) {
        if (!(err instanceof BoardFault || err instanceof BoardReplyError)) {
          await this.ledger.released(slot.entry.id, lease);
          throw err;
        }
        return { fault: err, quarantined: await this.ledger.recordFailure(slot, lease, err, 'recover') };
      }
    });
  }

  /**
   * Flash `image` onto a leased board, wait for it to boot, run `job` on it, then flash the harness
   * back and check it (`name`, `x-info`), whatever happened. Failing to flash the image or to restore
   * the harness counts against the board and the job moves to the next board; a board whose harness
   * could not be restored is never left idle (offline, or quarantined at the threshold, with the
   * reason). Only boards that can be flashed take firmware jobs (a nano33ble needs
   * `firmware.harnessImage` in the rack config).
   * @throws FirmwareRunError when the firmware did not boot or failed the protocol (the board then
   *   proved healthy); RackUnavailableError when no board could run it; errors the job throws itself
   *   (after restoring the harness).
   */
  async runFirmware<T>(image: FlashImage, job: (s: FirmwareSession) => Promise<T>, opts: FirmwareRunOptions): Promise<RunResult<T>> {
    await this.readyPromise;
    const fw = this.config.firmware;
    let harnessError: string | null = null;
    if (fw.harnessImage && this.slots.some((s) => s.entry.kind === 'nano33ble')) await this.firmwareJobs.harness().catch((err: unknown) => (harnessError = errText(err)));
    const kinds = opts.boardKinds;
    const blocker = (s: BoardSlot) =>
      (kinds && !kinds.includes(s.entry.kind) ? `${s.entry.id}: a ${s.entry.kind} board; this firmware runs on ${kinds.join(', ')}` : null) ??
      firmwareBlocker(s.entry, fw) ??
      (s.entry.kind === 'nano33ble' && harnessError ? `${s.entry.id}: ${harnessError}` : null);
    const blocked = this.slots.map(blocker).filter((b): b is string => b !== null);
    if (blocked.length === this.slots.length) throw new RackUnavailableError(`no board can run firmware jobs (${blocked.join('; ')})`, []);
    const bootTimeoutMs = opts.bootTimeoutMs ?? fw.bootTimeoutMs;
    return this.withLeases(
      opts,
      (s) => blocker(s) === null,
      (leased) => this.firmwareJobs.attempt(leased, image, job, bootTimeoutMs, opts),
    );
  }

  /** The lease loop ({@link BoardLeaser}) once the boards have been tried. */
  private async withLeases<T>(opts: RunOptions, usable: (s: BoardSlot) => boolean, attempt: (leased: Leased) => Promise<Outcome<T>>): Promise<RunResult<T>> {
    await this.readyPromise;
    return this.leaser.run(opts, usable, attempt);
  }

  /** The drift check on a leased board: null when the reference model's outputs are byte-equal. */
  async driftProbe(session: BoardSession): Promise<string | null> {
    return this.drift ? this.drift.probe(session) : null;
  }

  private async quarantineNow(slot: BoardSlot, lease: Lease, reason: string): Promise<void> {
    await this.ledger.quarantined(slot.entry.id, lease, reason);
    this.deps.logger.warn({ board: slot.entry.id, reason }, 'board quarantined');
    await slot.closeLink();
  }

  /** Clear a quarantine (organizer action) and reconnect. */
  async unquarantine(boardId: string): Promise<boolean> {
    const s = this.slots.find((x) => x.entry.id === boardId);
    if (!s) return false;
    await this.ledger.cleared(boardId);
    return this.connect(s);
  }

  /** Simulated and virtual boards by id (tests pull their cables). */
  simHandle(boardId: string): SimBoardHandle | null {
    return this.slots.find((s) => s.entry.id === boardId)?.sim ?? null;
  }

  async stop(): Promise<void> {
    this.state = 'stopping';
    if (this.healthTimer) clearInterval(this.healthTimer);
    await this.readyPromise.catch(() => undefined);
    await Promise.all(
      this.slots.map(async (s) => {
        await s.closeLink();
        await s.sim?.stop().catch(() => undefined);
        s.sim = null;
      }),
    );
    await this.ledger.stopped();
    this.state = 'stopped';
  }

  health(): ComponentHealth {
    const connected = this.slots.filter((s) => s.client?.isOpen).length;
    // Not ready while its boards are still being brought up (a sim board process takes seconds to
    // start): /healthz says "ok" only once every board has been tried. An unplugged board does not make
    // the process unhealthy once running: the device stage waits or retries elsewhere.
    return { ok: this.state === 'running', state: this.state, boards: this.slots.length, connected };
  }
}

/** Default folder for simulated boards' pty links. */
export const simDirFor = (dataDir: string) => join(dataDir, 'rack');
