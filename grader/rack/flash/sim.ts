/**
 * Flashing a simulated board: the image goes to its board process (grader/rack/sim/launch.ts), which
 * reboots into it and prints that firmware's boot lines, or nothing when the image does not boot. The
 * harness is built into the simulator, so restoring it needs no image.
 */
import { checkImage, FlashError, type BoardFlasher, type FlashImage } from './flasher.js';

/** What the flasher needs of a simulated board (a `SimBoardHandle`). */
export interface SimFlashTarget {
  readonly id: string;
  flash(image: Uint8Array | 'harness'): Promise<void>;
}

export class SimFlasher implements BoardFlasher {
  /** The simulator's pty stays open while it reboots: the rack keeps its link. */
  readonly takesPort = false;

  constructor(
    private readonly board: SimFlashTarget,
    /** How errors name the board, and where its application starts (default: a Nano 33 BLE's). */
    private readonly target: { kind: string; appStart?: number } = { kind: 'simulated' },
  ) {}

  async flash(image: FlashImage, onProgress?: (fraction: number) => void): Promise<void> {
    checkImage(image, this.target.appStart);
    await this.write(image.bytes, onProgress);
  }

  async flashHarness(onProgress?: (fraction: number) => void): Promise<void> {
    await this.write('harness', onProgress);
  }

  private async write(image: Uint8Array | 'harness', onProgress?: (fraction: number) => void): Promise<void> {
    onProgress?.(0);
    try {
      await this.board.flash(image);
    } catch (err) {
      throw new FlashError(`flashing ${this.target.kind} board ${this.board.id} failed: ${err instanceof Error ? err.message : String(err)}`);
    }
    onProgress?.(1);
  }
}
