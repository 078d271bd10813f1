/**
 * Flasher plug-ins write a firmware image onto one board (see README.md in this folder). The rack only
 * sees {@link Flasher} (plus how to put the harness back, {@link BoardFlasher}), so a simulated board
 * and a kit on bossac are flashed by the same code path in grader/rack/rack.ts.
 */

/** Contiguous bytes to write at `address` (the application start, 0x10000 on a Nano 33 BLE). */
export interface FlashImage {
  bytes: Uint8Array;
  address: number;
}

/** Writes an image onto one board; `onProgress` gets 0…1 as pages are written. */
export interface Flasher {
  flash(image: FlashImage, onProgress?: (fraction: number) => void): Promise<void>;
}

/** A flasher as the rack holds it for one board: also knows the harness image to restore. */
export interface BoardFlasher extends Flasher {
  /**
   * Flashing takes over the board's serial port (real kits: the 1200-baud touch, then bossac on the
   * bootloader's port), so the rack closes its link first and re-opens it afterwards.
   */
  readonly takesPort: boolean;
  /** Put the TinyArena harness firmware back. */
  flashHarness(onProgress?: (fraction: number) => void): Promise<void>;
}

/** Flashing failed (the flasher, the link or the board's bootloader); the message says how. */
export class FlashError extends Error {
  override name = 'FlashError';
}

/** Where Arduino sketches start on a Nano 33 BLE: the bootloader keeps the first 64 KiB. */
export const NANO33BLE_APP_START = 0x10000;

export const hexAddress = (n: number) => `0x${(n >>> 0).toString(16).padStart(5, '0')}`;

/** @throws FlashError unless the image is non-empty and starts at `appStart`. */
export function checkImage(image: FlashImage, appStart = NANO33BLE_APP_START): void {
  if (image.bytes.length === 0) throw new FlashError('the firmware image is empty');
  if (image.address !== appStart) throw new FlashError(`the image starts at ${hexAddress(image.address)}; this board's bootloader writes the application at ${hexAddress(appStart)}`);
}

/** A plain flasher plus the harness image it restores. */
export function withHarness(flasher: Flasher, harness: FlashImage, takesPort: boolean): BoardFlasher {
  return {
    takesPort,
    flash: (image, onProgress) => flasher.flash(image, onProgress),
    flashHarness: (onProgress) => flasher.flash(harness, onProgress),
  };
}
