/**
 * Flashing a virtual board: the image (the flat binary at 0x00000000, where the Cortex-M4 of QEMU's
 * mps2-an386 reads its vector table) goes to its launcher (grader/rack/virtual/launch.ts), which
 * restarts the emulator on it; the pty stays, so the rack keeps its link and sees the boot lines.
 * The harness image is the launcher's own.
 */
import { MPS2_AN386_APP_START } from '../../firmware/check.js';
import { checkImage, FlashError, type BoardFlasher, type FlashImage } from './flasher.js';
import type { SimFlashTarget } from './sim.js';

export class VirtualFlasher implements BoardFlasher {
  readonly takesPort = false;

  constructor(private readonly board: SimFlashTarget) {}

  async flash(image: FlashImage, onProgress?: (fraction: number) => void): Promise<void> {
    checkImage(image, MPS2_AN386_APP_START);
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
      throw new FlashError(`flashing virtual board ${this.board.id} failed: ${err instanceof Error ? err.message : String(err)}`);
    }
    onProgress?.(1);
  }
}
