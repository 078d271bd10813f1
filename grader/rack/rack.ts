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
 * protocol, and always flash the harness back and check it (`name`, `x-info`) before the board serves
 * anyone else. Failing to flash, or to restore the harness, is the board's fault; anything the
 * submitted firmware does wrong on a board that then takes the harness back fine is the learner's
 * ({@link FirmwareRunError}).
 */
import { existsSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import type { Component, ComponentHealth } from '../../core/component.js';
import type { Db } from '../../core/db/client.js';
import type { Logger } from '../../core/logger.js';
import { BoardClient, BoardFault, BoardReplyError } from './board-client.js';
import { findPortBySerial } from './discovery.js';
import type { BoardFlasher, FlashImage } from './flash/flasher.js';
import { boardFlasher, firmwareBlocker, readHarnessImage } from './flash/index.js';
import { LeaseStore, type Lease } from './leases.js';
import type { BoardInfo } from './protocol.js';
import type { BoardEntry, RackConfig } from './rack-config.js';
import { launchSimBoard, type SimBoardHandle } from './sim/launch.js';
import { virtualHarnessImage } from './virtual/firmware-build.js';
import { launchVirtualBoard } from './virtual/launch.js';
import { createTransport } from './transports/index.js';

/** The firmware refused the model (too big, unsupported op, arena): the learner's problem, not the board's. */
export class ModelRefusedError extends Error {
  override name = 'ModelRefusedError';
}

/**
 * The submitted firmware misbehaved (did not boot, hung, garbled) on a board that then proved healthy
 * with the harness restored: the learner's problem; not counted against the board.
 */
export class FirmwareRunError extends Error {
  override name = 'FirmwareRunError';
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

/** What a firmware job gets: one leased board running the submitted firmware (base protocol only). */
export interface FirmwareSession {
  board: { id: string; kind: string; location: string };
  client: BoardClient;
  /** The firmware's boot lines (up to `m-init-done`) and the time from the end of flashing to `m-ready`. */
  boot: { lines: string[]; ms: number };
  /** Timeout for `infer count warmups` from the expected latency (generous: ×4 plus a command timeout). */
  inferTimeoutMs(count: number, warmups: number): number;
  /** Throws when the lease was lost (the job must stop touching the board). */
  assertLeased(): void;
}

export type FirmwarePhase = 'flash' | 'boot' | 'run' | 'restore';

export interface FirmwareRunOptions extends RunOptions {
  /** From the end of flashing to `m-init-done` + `m-ready` (default: the rack config's firmware.bootTimeoutMs). */
  bootTimeoutMs?: number;
  /** Only boards of these kinds take the job (the image's target: challenge YAML `firmware.boards`); default any. */
  boardKinds?: readonly string[];
  onProgress?: (e: { phase: FirmwarePhase; boardId: string; fraction?: number }) => void;
}

export interface RunOptions {
  /** Expected latency of one inference (µs), for timeouts. */
  expectedUs: number;
  /**
   * Called while the job waits for a board because every usable one is busy (first at once, then
   * about once a second): `busy` boards are in use, `waitedMs` so far.
   */
  onWait?: (e: { busy: number; waitedMs: number }) => void;
  /** How long this job queues for a busy board (default: the rack config's leaseWaitMs). */
  leaseWaitMs?: number;
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
  /** Wraps each board's flasher (tests and drills inject flashing failures). */
  wrapFlasher?: (boardId: string, flasher: BoardFlasher) => BoardFlasher;
}

interface Slot {
  entry: BoardEntry;
  order: number;
  client: BoardClient | null;
  /** The simulator (kind `sim`) or emulator (kind `virtual`) process behind a local board. */
  sim: SimBoardHandle | null;
  info: BoardInfo | null;
  location: string;
  /** In use by a job or a health check of this process. */
  busy: boolean;
  /** Jobs completed since the rack started (drift check cadence). */
  jobs: number;
  /** Submitted firmware may be on the board: it must take the harness back before it serves again. */
  needsHarness: boolean;
}

/** One leased board, as {@link Rack.withLeases} hands it to an attempt. */
interface Leased {
  slot: Slot;
  lease: Lease;
  inferTimeoutMs: (count: number, warmups: number) => number;
  assertLeased: () => void;
}

/** An attempt either produced the value or failed in a way that counts against the board (try the next). */
type Outcome<T> = { value: T } | { fault: Error; quarantined: boolean };

/** A step of a firmware job that failed on the board (`flash`, `harness`); `kind` labels it in the board's lastError. */
class StepError extends Error {
  constructor(
    readonly kind: string,
    message: string,
  ) {
    super(message);
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

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
    this.slots = config.boards.map((entry, order) => ({ entry, order, client: null, sim: null, info: null, location: entry.kind === 'sim' || entry.kind === 'virtual' ? `${entry.kind}://${entry.id}` : (entry.port ?? `usb-serial:${entry.serialNumber}`), busy: false, jobs: 0, needsHarness: false }));
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

  /**
   * Open, `name`, `x-info`; mark the board idle (unless quarantined) or offline with the reason. A
   * board that may still run submitted firmware takes the harness back first.
   */
  private async connect(s: Slot): Promise<boolean> {
    const { db, logger } = this.deps;
    try {
      if ((s.entry.kind === 'sim' || s.entry.kind === 'virtual') && !s.sim) {
        s.sim =
          s.entry.kind === 'virtual'
            ? await launchVirtualBoard({ id: s.entry.id, dir: this.deps.simDir, harnessImage: this.config.virtual.harnessImage ?? (await virtualHarnessImage()), qemu: this.config.virtual.qemu })
            : await launchSimBoard({
                id: s.entry.id,
                dir: this.deps.simDir,
                board: { name: `tinyarena-sim-${s.entry.id}`, ...(s.entry.speed ? { speed: s.entry.speed } : {}) },
                faults: s.entry.faults,
                seed: s.entry.seed ?? s.order + 1,
              });
        // A fresh simulator (or emulator) boots the harness.
        s.needsHarness = false;
        const sim = s.sim;
        void sim.gone.then(async () => {
          if (s.sim !== sim) return;
          s.sim = null;
          // The simulator process is gone for good (like a kit pulled from USB): do not wait for the
          // serial port to notice the hang-up, which a loaded machine can delay.
          if (s.busy || this.state === 'stopping' || this.state === 'stopped') return;
          await this.closeLink(s);
          await db.board.updateMany({ where: { id: s.entry.id, state: 'idle' }, data: { state: 'offline', lastError: `disconnected from ${s.location} (the ${s.entry.kind === 'virtual' ? 'emulator' : 'simulator'} exited)` } }).catch(() => undefined);
        });
      }
      if (s.needsHarness) {
        const flasher = await this.flasherOf(s);
        if (!flasher) throw new Error('it may still run submitted firmware and cannot be flashed with the harness as configured');
        await this.restoreHarness(s, flasher, this.config.firmware.bootTimeoutMs);
      } else {
        await this.attach(s, 0);
      }
      await db.board.updateMany({ where: { id: s.entry.id, state: { not: 'quarantined' } }, data: { state: 'idle', lastError: null } });
      await db.board.update({ where: { id: s.entry.id }, data: { firmwareVersion: s.info!.firmware, lastSeenAt: new Date() } });
      logger.info({ board: s.entry.id, port: s.client?.transport.location, firmware: s.info!.firmware }, 'board connected');
      return true;
    } catch (err) {
      await s.client?.close().catch(() => undefined);
      s.client = null;
      await db.board.updateMany({ where: { id: s.entry.id, state: { not: 'quarantined' } }, data: { state: 'offline', lastError: `cannot connect: ${errText(err)}` } }).catch(() => undefined);
      logger.warn({ board: s.entry.id, err: errText(err) }, 'board offline');
      return false;
    }
  }

  /** The board's serial device, waiting up to `waitMs` for it to (re)appear (after a reset or flashing). */
  private async portOf(s: Slot, waitMs: number): Promise<string> {
    const deadline = Date.now() + waitMs;
    for (;;) {
      if (s.entry.kind === 'sim' || s.entry.kind === 'virtual') {
        if (!s.sim) throw new Error(`${s.entry.kind === 'virtual' ? 'virtual' : 'simulated'} board ${s.entry.id} is gone`);
        return s.sim.hostPort;
      }
      const port = s.entry.port !== undefined ? (existsSync(s.entry.port) ? s.entry.port : null) : await findPortBySerial(s.entry.serialNumber!);
      if (port) return port;
      if (Date.now() >= deadline) throw new Error(s.entry.port !== undefined ? `${s.entry.port} does not exist` : `no Nano 33 BLE with USB serial number ${s.entry.serialNumber} is plugged in`);
      await sleep(200);
    }
  }

  /** (Re)open the link to the board, without talking to it yet. */
  private async openLink(s: Slot, waitMs: number): Promise<BoardClient> {
    await s.client?.close().catch(() => undefined);
    s.client = null;
    const port = await this.portOf(s, waitMs);
    const transport = createTransport(s.entry.transport, { port });
    const client = new BoardClient(transport, { commandTimeoutMs: s.entry.commandTimeoutMs });
    s.client = client;
    await client.open();
    // Unplugged while idle: show it at once (a running job reports it through its own fault).
    transport.onClose(() => {
      if (s.client !== client || s.busy || this.state === 'stopping') return;
      void this.deps.db.board
        .updateMany({ where: { id: s.entry.id, state: 'idle' }, data: { state: 'offline', lastError: `disconnected from ${port}` } })
        .catch(() => undefined);
    });
    return client;
  }

  /** Open the link and check the harness answers (`name`, `x-info`). @throws BoardFault | BoardReplyError | Error */
  private async attach(s: Slot, waitMs: number): Promise<BoardInfo> {
    const client = await this.openLink(s, waitMs);
    // One retry: a board (or a loaded machine) may be slow right after boot.
    try {
      await client.hello();
      s.info = await client.info();
    } catch (err) {
      if (!(err instanceof BoardFault)) throw err;
      await client.recover();
      s.info = await client.info();
    }
    return s.info;
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
        await this.recordSuccess(slot, lease);
        return { value };
      } catch (err) {
        if (!(err instanceof BoardFault || err instanceof BoardReplyError)) {
          await this.releaseIdle(slot, lease);
          throw err;
        }
        return { fault: err, quarantined: await this.recordFailure(slot, lease, err, 'recover') };
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
    if (fw.harnessImage && this.slots.some((s) => s.entry.kind === 'nano33ble')) await this.harness().catch((err: unknown) => (harnessError = errText(err)));
    const kinds = opts.boardKinds;
    const blocker = (s: Slot) =>
      (kinds && !kinds.includes(s.entry.kind) ? `${s.entry.id}: a ${s.entry.kind} board; this firmware runs on ${kinds.join(', ')}` : null) ??
      firmwareBlocker(s.entry, fw) ??
      (s.entry.kind === 'nano33ble' && harnessError ? `${s.entry.id}: ${harnessError}` : null);
    const blocked = this.slots.map(blocker).filter((b): b is string => b !== null);
    if (blocked.length === this.slots.length) throw new RackUnavailableError(`no board can run firmware jobs (${blocked.join('; ')})`, []);
    const bootTimeoutMs = opts.bootTimeoutMs ?? fw.bootTimeoutMs;
    return this.withLeases(
      opts,
      (s) => blocker(s) === null,
      (leased) => this.firmwareAttempt(leased, image, job, bootTimeoutMs, opts),
    );
  }

  private async firmwareAttempt<T>(leased: Leased, image: FlashImage, job: (s: FirmwareSession) => Promise<T>, bootTimeoutMs: number, opts: FirmwareRunOptions): Promise<Outcome<T>> {
    const { slot, lease } = leased;
    const boardId = slot.entry.id;
    const progress = (phase: FirmwarePhase, fraction?: number) => opts.onProgress?.({ phase, boardId, ...(fraction !== undefined ? { fraction } : {}) });
    const flasher = await this.flasherOf(slot);
    if (!flasher) {
      const fault = new StepError('flash', `board ${boardId} cannot be flashed (${slot.entry.kind === 'sim' || slot.entry.kind === 'virtual' ? 'its simulator is gone' : 'no harness image'})`);
      return { fault, quarantined: await this.recordFailure(slot, lease, fault, 'recover') };
    }
    type Result = { kind: 'ok'; value: T } | { kind: 'board'; err: StepError } | { kind: 'firmware'; err: FirmwareRunError } | { kind: 'job'; err: unknown };
    let result: Result;
    // From the first byte written until the harness answers again.
    slot.needsHarness = true;
    try {
      progress('flash', 0);
      slot.client?.discardChatter();
      if (flasher.takesPort) await this.closeLink(slot);
      try {
        await flasher.flash(image, (f) => progress('flash', f));
      } catch (err) {
        throw new StepError('flash', `flashing the submitted firmware failed: ${errText(err)}`);
      }
      leased.assertLeased();
      progress('boot');
      const t0 = performance.now();
      let lines: string[];
      try {
        const client = flasher.takesPort ? await this.openLink(slot, bootTimeoutMs) : slot.client;
        if (!client) throw new BoardFault('disconnected', `board ${boardId} has no open link`);
        lines = await client.waitBoot(bootTimeoutMs, 'flashing');
      } catch (err) {
        throw new FirmwareRunError(errText(err));
      }
      const session: FirmwareSession = {
        board: { id: boardId, kind: slot.entry.kind, location: slot.location },
        client: slot.client!,
        boot: { lines, ms: Math.round(performance.now() - t0) },
        inferTimeoutMs: leased.inferTimeoutMs,
        assertLeased: leased.assertLeased,
      };
      progress('run');
      try {
        result = { kind: 'ok', value: await job(session) };
      } catch (err) {
        // A fault on the link while the submitted firmware runs is the firmware's, unless the harness
        // then fails too (below).
        if (err instanceof BoardFault || err instanceof BoardReplyError) throw new FirmwareRunError(errText(err));
        throw err;
      }
    } catch (err) {
      result = err instanceof StepError ? { kind: 'board', err } : err instanceof FirmwareRunError ? { kind: 'firmware', err } : { kind: 'job', err };
    }

    progress('restore', 0);
    try {
      await this.restoreHarness(slot, flasher, bootTimeoutMs, (f) => progress('restore', f));
    } catch (err) {
      const before = result.kind === 'ok' ? '' : ` (after: ${result.err instanceof Error ? result.err.message : String(result.err)})`;
      const fault = new StepError('harness', `restoring the TinyArena harness failed: ${errText(err)}${before}`.slice(0, 500));
      const quarantined = await this.recordFailure(slot, lease, fault, 'offline');
      // The job's own result stands (it ran to the end); otherwise the board is suspect: try another.
      if (result.kind === 'ok') return { value: result.value };
      return { fault, quarantined };
    }
    progress('restore', 1);
    switch (result.kind) {
      case 'ok':
        slot.jobs++;
        await this.recordSuccess(slot, lease);
        return { value: result.value };
      case 'board':
        // The harness is back and answers: the board may serve again.
        return { fault: result.err, quarantined: await this.recordFailure(slot, lease, result.err, 'idle') };
      case 'firmware':
        await this.releaseIdle(slot, lease);
        throw result.err;
      case 'job':
        await this.releaseIdle(slot, lease);
        throw result.err;
    }
  }

  /** Flash the harness back, re-open the link, check `name` + `x-info`. @throws when any of it fails */
  private async restoreHarness(s: Slot, flasher: BoardFlasher, waitMs: number, onProgress?: (fraction: number) => void): Promise<void> {
    if (flasher.takesPort) await this.closeLink(s);
    else s.client?.discardChatter();
    await flasher.flashHarness(onProgress);
    await this.attach(s, waitMs);
    s.needsHarness = false;
    await this.deps.db.board.update({ where: { id: s.entry.id }, data: { firmwareVersion: s.info!.firmware, lastSeenAt: new Date() } });
  }

  private async closeLink(s: Slot): Promise<void> {
    await s.client?.close().catch(() => undefined);
    s.client = null;
  }

  private harnessImage: FlashImage | null = null;

  /** The harness image of real kits (read once). @throws when the file cannot be read */
  private async harness(): Promise<FlashImage | null> {
    const path = this.config.firmware.harnessImage;
    if (!path) return null;
    this.harnessImage ??= await readHarnessImage(path).catch((err: Error) => {
      throw new Error(`cannot read the harness image ${path}: ${err.message}`);
    });
    return this.harnessImage;
  }

  /** The board's flasher, or null when it cannot be flashed as configured. */
  private async flasherOf(s: Slot): Promise<BoardFlasher | null> {
    const harness = s.entry.kind === 'nano33ble' ? await this.harness().catch(() => null) : null;
    const flasher = boardFlasher(s.entry, this.config.firmware, { sim: s.sim, harness });
    return flasher && this.deps.wrapFlasher ? this.deps.wrapFlasher(s.entry.id, flasher) : flasher;
  }

  /**
   * The lease loop shared by {@link run} and {@link runFirmware}: lease the healthiest usable board
   * not tried yet, renew the lease while `attempt` runs, release it after; an attempt that failed on
   * the board moves on to the next board (up to maxAttempts). `attempt` records the board's state.
   */
  private async withLeases<T>(opts: RunOptions, usable: (s: Slot) => boolean, attempt: (leased: Leased) => Promise<Outcome<T>>): Promise<RunResult<T>> {
    await this.readyPromise;
    const attempts: AttemptRecord[] = [];
    const tried = new Set<string>();
    let waitStart: number | null = null;
    let lastWaitReport = 0;
    while (attempts.length < this.config.maxAttempts) {
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
        if (this.state === 'stopping' || this.state === 'stopped') break;
        if (now - lastWaitReport >= 1000 || lastWaitReport === 0) {
          lastWaitReport = now;
          opts.onWait?.({ busy: got.busy, waitedMs });
        }
        await this.boardFreed(Math.min(500, maxWaitMs - waitedMs));
        continue;
      }
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
      try {
        const out = await attempt({
          slot,
          lease,
          inferTimeoutMs: (count, warmups) => Math.ceil(slot.entry.commandTimeoutMs + (4 * (count + warmups) * opts.expectedUs) / 1000),
          assertLeased: () => {
            if (lost) throw new Error(`the lease on board ${slot.entry.id} was lost (fence ${lease.fence}); the job stops`);
          },
        });
        if ('value' in out) return { value: out.value, boardId: slot.entry.id, attempts };
        attempts.push({ board: slot.entry.id, error: errText(out.fault), ...(out.quarantined ? { quarantined: true } : {}) });
        this.deps.logger.warn({ board: slot.entry.id, job: opts.label, err: errText(out.fault), quarantined: out.quarantined }, 'board failed a job; trying another board');
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

  /** Jobs of this process waiting for a board; woken when one of ours is released. */
  private waiters = new Set<() => void>();

  private wakeWaiters(): void {
    const woken = [...this.waiters];
    this.waiters.clear();
    for (const wake of woken) wake();
  }

  /** Resolves when a board of this process is released, or after `ms` (boards leased by other processes free up unannounced). */
  private boardFreed(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, Math.max(10, ms));
      this.waiters.add(done);
    });
  }

  /**
   * The healthiest idle, connected, not quarantined board not tried yet, leased; otherwise how many
   * boards that could take the job are busy (in use here, or leased by another process).
   */
  private async leaseNext(tried: Set<string>, usable: (s: Slot) => boolean): Promise<{ slot: Slot; lease: Lease } | { busy: number }> {
    const rows = await this.deps.db.board.findMany({ where: { id: { in: this.slots.map((s) => s.entry.id) } } });
    const byId = new Map(rows.map((r) => [r.id, r]));
    const eligible = this.slots.filter((s) => !tried.has(s.entry.id) && s.client?.isOpen && byId.get(s.entry.id)?.state !== 'quarantined' && usable(s));
    const candidates = eligible.filter((s) => !s.busy).sort((a, b) => (byId.get(b.entry.id)?.health ?? 0) - (byId.get(a.entry.id)?.health ?? 0) || a.order - b.order);
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
    // Every eligible board is now either ours and busy, or leased elsewhere (acquire refused).
    return { busy: eligible.length };
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

  /**
   * Count the failure; quarantine at the threshold. Otherwise `after` says what the board is now:
   * `recover` (try to recover the link: idle, or offline if that fails), `idle` (already checked
   * healthy), `offline` (must not serve: e.g. the harness could not be restored).
   */
  private async recordFailure(slot: Slot, lease: Lease, err: Error, after: 'recover' | 'idle' | 'offline'): Promise<boolean> {
    const { db } = this.deps;
    const row = await db.board.findUnique({ where: { id: slot.entry.id } });
    const failures = (row?.consecutiveFailures ?? 0) + 1;
    const health = Math.max(0, (row?.health ?? 1) * 0.5);
    const kind = err instanceof BoardFault || err instanceof StepError ? err.kind : 'refused';
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
    if (state === 'offline') {
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
    // A board that reproduces several arithmetics (a virtual board) computes the reference's.
    if (session.board.info.arithmetics?.includes(drift.arithmetic)) await session.client.setArithmetic(drift.arithmetic);
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
    // Not ready while its boards are still being brought up (a sim board process takes seconds to
    // start): /healthz says "ok" only once every board has been tried. An unplugged board does not make
    // the process unhealthy once running: the device stage waits or retries elsewhere.
    return { ok: this.state === 'running', state: this.state, boards: this.slots.length, connected };
  }
}

/** Default folder for simulated boards' pty links. */
export const simDirFor = (dataDir: string) => join(dataDir, 'rack');
