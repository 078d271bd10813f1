/**
 * One board of a rack and this process's link to it: its rack-config entry, the open
 * {@link BoardClient}, the simulator or emulator process behind a local board (kinds `sim` and
 * `virtual`), and what the rack keeps of it between jobs. The slot opens, checks and closes the link;
 * the rack (rack.ts) decides when, and records the outcome (board-ledger.ts).
 */
import { existsSync } from 'node:fs';
import { BoardClient, BoardFault } from './board-client.js';
import { findPortBySerial } from './discovery.js';
import type { BoardInfo } from './protocol.js';
import type { BoardEntry, RackConfig } from './rack-config.js';
import { launchSimBoard, type SimBoardHandle } from './sim/launch.js';
import { createTransport } from './transports/index.js';
import { virtualHarnessImage } from './virtual/firmware-build.js';
import { launchVirtualBoard } from './virtual/launch.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface LaunchOptions {
  /** Folder for simulated boards' pty links. */
  simDir: string;
  virtual: RackConfig['virtual'];
}

export class BoardSlot {
  client: BoardClient | null = null;
  /** The simulator (kind `sim`) or emulator (kind `virtual`) process behind a local board. */
  sim: SimBoardHandle | null = null;
  info: BoardInfo | null = null;
  readonly location: string;
  /** In use by a job or a health check of this process. */
  busy = false;
  /** Jobs completed since the rack started (drift check cadence). */
  jobs = 0;
  /** Submitted firmware may be on the board: it must take the harness back before it serves again. */
  needsHarness = false;

  constructor(
    readonly entry: BoardEntry,
    readonly order: number,
    /** The link of an idle board closed (unplugged): the rack shows it offline at once. */
    private readonly onIdleHangUp: (slot: BoardSlot, port: string) => void,
  ) {
    this.location = this.isLocal ? `${entry.kind}://${entry.id}` : (entry.port ?? `usb-serial:${entry.serialNumber}`);
  }

  /** A simulated or virtual board: a process of ours, not a kit on USB. */
  get isLocal(): boolean {
    return this.entry.kind === 'sim' || this.entry.kind === 'virtual';
  }

  /**
   * Start the simulator or emulator behind a local board unless it runs. `onExit` runs when that
   * process is gone for good while no job holds the board.
   */
  async launch(opts: LaunchOptions, onExit: () => Promise<void>): Promise<void> {
    if (!this.isLocal || this.sim) return;
    const { entry } = this;
    const sim =
      entry.kind === 'virtual'
        ? await launchVirtualBoard({ id: entry.id, dir: opts.simDir, harnessImage: opts.virtual.harnessImage ?? (await virtualHarnessImage()), qemu: opts.virtual.qemu })
        : await launchSimBoard({
            id: entry.id,
            dir: opts.simDir,
            board: { name: `tinyarena-sim-${entry.id}`, ...(entry.speed ? { speed: entry.speed } : {}) },
            faults: entry.faults,
            seed: entry.seed ?? this.order + 1,
          });
    this.sim = sim;
    // A fresh simulator (or emulator) boots the harness.
    this.needsHarness = false;
    void sim.gone.then(async () => {
      if (this.sim !== sim) return;
      this.sim = null;
      if (this.busy) return;
      await onExit();
    });
  }

  /** The board's serial device, waiting up to `waitMs` for it to (re)appear (after a reset or flashing). */
  private async port(waitMs: number): Promise<string> {
    const { entry } = this;
    const deadline = Date.now() + waitMs;
    for (;;) {
      if (this.isLocal) {
        if (!this.sim) throw new Error(`${entry.kind === 'virtual' ? 'virtual' : 'simulated'} board ${entry.id} is gone`);
        return this.sim.hostPort;
      }
      const port = entry.port !== undefined ? (existsSync(entry.port) ? entry.port : null) : await findPortBySerial(entry.serialNumber!);
      if (port) return port;
      if (Date.now() >= deadline) throw new Error(entry.port !== undefined ? `${entry.port} does not exist` : `no Nano 33 BLE with USB serial number ${entry.serialNumber} is plugged in`);
      await sleep(200);
    }
  }

  /** (Re)open the link to the board, without talking to it yet. */
  async openLink(waitMs: number): Promise<BoardClient> {
    await this.closeLink();
    const port = await this.port(waitMs);
    const transport = createTransport(this.entry.transport, { port });
    const client = new BoardClient(transport, { commandTimeoutMs: this.entry.commandTimeoutMs });
    this.client = client;
    await client.open();
    // Unplugged while idle: show it at once (a running job reports it through its own fault).
    transport.onClose(() => {
      if (this.client !== client || this.busy) return;
      this.onIdleHangUp(this, port);
    });
    return client;
  }

  /** Open the link and check the harness answers (`name`, `x-info`). @throws BoardFault | BoardReplyError | Error */
  async attach(waitMs: number): Promise<BoardInfo> {
    const client = await this.openLink(waitMs);
    // One retry: a board (or a loaded machine) may be slow right after boot.
    try {
      await client.hello();
      this.info = await client.info();
    } catch (err) {
      if (!(err instanceof BoardFault)) throw err;
      await client.recover();
      this.info = await client.info();
    }
    return this.info;
  }

  async closeLink(): Promise<void> {
    await this.client?.close().catch(() => undefined);
    this.client = null;
  }
}
