/** Flasher plug-ins by board kind (a plain switch; see README.md here for how to add one). */
import { readFile } from 'node:fs/promises';
import { findPortBySerial } from '../discovery.js';
import type { BoardEntry, FirmwareConfig } from '../rack-config.js';
import { BossacFlasher } from './bossac.js';
import { NANO33BLE_APP_START, withHarness, type BoardFlasher, type FlashImage } from './flasher.js';
import { SimFlasher, type SimFlashTarget } from './sim.js';
import { VirtualFlasher } from './virtual.js';

/** Read a compiled harness `.bin` (written at the application start). */
export async function readHarnessImage(path: string): Promise<FlashImage> {
  return { bytes: new Uint8Array(await readFile(path)), address: NANO33BLE_APP_START };
}

/**
 * Why this board cannot take firmware jobs under this config, or null when it can (simulated boards
 * always can: their harness is built in).
 */
export function firmwareBlocker(entry: BoardEntry, firmware: FirmwareConfig): string | null {
  if (entry.kind === 'nano33ble' && !firmware.harnessImage) return `${entry.id}: no firmware.harnessImage in the rack config (the harness could not be restored)`;
  return null;
}

/**
 * The flasher of one board. @param sim the board's simulator or emulator (kinds `sim`, `virtual`); @param harness the
 * harness image (kind `nano33ble`). Null when the board cannot be flashed as configured.
 */
export function boardFlasher(entry: BoardEntry, firmware: FirmwareConfig, ctx: { sim: SimFlashTarget | null; harness: FlashImage | null }): BoardFlasher | null {
  switch (entry.kind) {
    case 'sim':
      return ctx.sim ? new SimFlasher(ctx.sim) : null;
    case 'virtual':
      // The emulator boots whatever image it is given; the harness image is the launcher's own.
      return ctx.sim ? new VirtualFlasher(ctx.sim) : null;
    case 'nano33ble': {
      if (!ctx.harness) return null;
      const bossac = new BossacFlasher({
        bossac: firmware.bossac,
        timeoutMs: firmware.flashTimeoutMs,
        bootloaderWaitMs: firmware.bootloaderWaitMs,
        ...(entry.serialNumber ? { serialNumber: entry.serialNumber } : {}),
        locate: async () => entry.port ?? (await findPortBySerial(entry.serialNumber!)),
      });
      return withHarness(bossac, ctx.harness, true);
    }
  }
}

export { BossacFlasher, bossacArgs, parseBossacProgress, pickBootloaderPort } from './bossac.js';
export { FlashError, NANO33BLE_APP_START, type BoardFlasher, type FlashImage, type Flasher } from './flasher.js';
export { SimFlasher } from './sim.js';
export { VirtualFlasher } from './virtual.js';
