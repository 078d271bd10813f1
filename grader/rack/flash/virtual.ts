/**
 * Flashing a virtual board: the image (the flat binary at 0x00000000, where the Cortex-M4 of QEMU's
 * mps2-an386 reads its vector table) goes to its launcher (grader/rack/virtual/launch.ts), which
 * restarts the emulator on it; the pty stays, so the rack keeps its link and sees the boot lines.
 * The harness image is the launcher's own.
 */
import { MPS2_AN386_APP_START } from '../../firmware/check.js';
import { SimFlasher, type SimFlashTarget } from './sim.js';

/** A {@link SimFlasher} whose images start where the mps2-an386 reads its vector table. */
export class VirtualFlasher extends SimFlasher {
  constructor(board: SimFlashTarget) {
    super(board, { kind: 'virtual', appStart: MPS2_AN386_APP_START });
  }
}
