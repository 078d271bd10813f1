/**
 * Firmware jobs on the rack's boards: flash a submitted image onto a leased board, wait for its boot,
 * run the job on it over the base protocol, and always flash the harness back and check it (`name`,
 * `x-info`) before the board serves anyone else. Failing to flash, or to restore the harness, is the
 * board's fault; anything the submitted firmware does wrong on a board that then takes the harness
 * back fine is the learner's ({@link FirmwareRunError}). The rack (rack.ts) picks and leases boards.
 */
import { BoardFault, BoardReplyError } from './board-client.js';
import type { Leased, Outcome } from './board-leaser.js';
import type { BoardLedger } from './board-ledger.js';
import type { BoardSlot } from './board-slot.js';
import type { BoardFlasher, FlashImage } from './flash/flasher.js';
import { boardFlasher, readHarnessImage } from './flash/index.js';
import type { RackConfig } from './rack-config.js';
import { errText, FirmwareRunError, StepError, type FirmwarePhase, type FirmwareRunOptions, type FirmwareSession } from './rack-job.js';

/** What a submitted firmware's run came to, before the harness goes back. */
type FirmwareResult<T> = { kind: 'ok'; value: T } | { kind: 'board'; err: StepError } | { kind: 'firmware'; err: FirmwareRunError } | { kind: 'job'; err: unknown };

export class FirmwareJobs {
  private harnessImage: FlashImage | null = null;

  constructor(
    private readonly firmware: RackConfig['firmware'],
    private readonly ledger: BoardLedger,
    /** Wraps each board's flasher (tests and drills inject flashing failures). */
    private readonly wrapFlasher?: (boardId: string, flasher: BoardFlasher) => BoardFlasher,
  ) {}

  /** One board's try at a firmware job: flash and run ({@link flashAndRun}), then always restore the harness and judge. */
  async attempt<T>(leased: Leased, image: FlashImage, job: (s: FirmwareSession) => Promise<T>, bootTimeoutMs: number, opts: FirmwareRunOptions): Promise<Outcome<T>> {
    const { slot, lease } = leased;
    const boardId = slot.entry.id;
    const progress = (phase: FirmwarePhase, fraction?: number) => opts.onProgress?.({ phase, boardId, ...(fraction !== undefined ? { fraction } : {}) });
    const flasher = await this.flasherOf(slot);
    if (!flasher) {
      const fault = new StepError('flash', `board ${boardId} cannot be flashed (${slot.isLocal ? 'its simulator is gone' : 'no harness image'})`);
      return { fault, quarantined: await this.ledger.recordFailure(slot, lease, fault, 'recover') };
    }
    const result = await this.flashAndRun(leased, flasher, image, job, bootTimeoutMs, progress);

    progress('restore', 0);
    try {
      // The harness is ours: it gets the rack's own boot limit, never less. A challenge's short limit
      // for learners' images (1.5 s, say) would blame a board whose harness was only slow to answer.
      await this.restoreHarness(slot, flasher, Math.max(bootTimeoutMs, this.firmware.bootTimeoutMs), (f) => progress('restore', f));
    } catch (err) {
      const before = result.kind === 'ok' ? '' : ` (after: ${result.err instanceof Error ? result.err.message : String(result.err)})`;
      const fault = new StepError('harness', `restoring the TinyArena harness failed: ${errText(err)}${before}`.slice(0, 500));
      const quarantined = await this.ledger.recordFailure(slot, lease, fault, 'offline');
      // The job's own result stands (it ran to the end); otherwise the board is suspect: try another.
      if (result.kind === 'ok') return { value: result.value };
      return { fault, quarantined };
    }
    progress('restore', 1);
    switch (result.kind) {
      case 'ok':
        slot.jobs++;
        await this.ledger.succeeded(boardId, lease);
        return { value: result.value };
      case 'board':
        // The harness is back and answers: the board may serve again.
        return { fault: result.err, quarantined: await this.ledger.recordFailure(slot, lease, result.err, 'idle') };
      case 'firmware':
        await this.ledger.released(boardId, lease);
        throw result.err;
      case 'job':
        await this.ledger.released(boardId, lease);
        throw result.err;
    }
  }

  /** Flash the submitted image, wait for its boot and run the job on it; whose fault a failure was, in the result. */
  private async flashAndRun<T>(
    leased: Leased,
    flasher: BoardFlasher,
    image: FlashImage,
    job: (s: FirmwareSession) => Promise<T>,
    bootTimeoutMs: number,
    progress: (phase: FirmwarePhase, fraction?: number) => void,
  ): Promise<FirmwareResult<T>> {
    const { slot } = leased;
    const boardId = slot.entry.id;
    // From the first byte written until the harness answers again.
    slot.needsHarness = true;
    try {
      progress('flash', 0);
      slot.client?.discardChatter();
      if (flasher.takesPort) await slot.closeLink();
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
        const client = flasher.takesPort ? await slot.openLink(bootTimeoutMs) : slot.client;
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
        return { kind: 'ok', value: await job(session) };
      } catch (err) {
        // A fault on the link while the submitted firmware runs is the firmware's, unless the harness
        // then fails too (in attempt).
        if (err instanceof BoardFault || err instanceof BoardReplyError) throw new FirmwareRunError(errText(err));
        throw err;
      }
    } catch (err) {
      return err instanceof StepError ? { kind: 'board', err } : err instanceof FirmwareRunError ? { kind: 'firmware', err } : { kind: 'job', err };
    }
  }

  /** Flash the harness back, re-open the link, check `name` + `x-info`. @throws when any of it fails */
  async restoreHarness(s: BoardSlot, flasher: BoardFlasher, waitMs: number, onProgress?: (fraction: number) => void): Promise<void> {
    if (flasher.takesPort) await s.closeLink();
    else s.client?.discardChatter();
    await flasher.flashHarness(onProgress);
    await s.attach(waitMs);
    s.needsHarness = false;
    await this.ledger.seen(s.entry.id, s.info!.firmware);
  }

  /** The harness image of real kits (read once). @throws when the file cannot be read */
  async harness(): Promise<FlashImage | null> {
    const path = this.firmware.harnessImage;
    if (!path) return null;
    this.harnessImage ??= await readHarnessImage(path).catch((err: Error) => {
      throw new Error(`cannot read the harness image ${path}: ${err.message}`);
    });
    return this.harnessImage;
  }

  /** The board's flasher, or null when it cannot be flashed as configured. */
  async flasherOf(s: BoardSlot): Promise<BoardFlasher | null> {
    const harness = s.entry.kind === 'nano33ble' ? await this.harness().catch(() => null) : null;
    const flasher = boardFlasher(s.entry, this.firmware, { sim: s.sim, harness });
    return flasher && this.wrapFlasher ? this.wrapFlasher(s.entry.id, flasher) : flasher;
  }
}
