/**
 * Raw firmware images (`.bin`) for simulated boards, laid out like a Cortex-M application linked at
 * the start of the application flash: the vector table (initial stack pointer, Thumb reset handler
 * and the other handlers inside the image), some filler "code", the strings an MLPerf Tiny firmware
 * prints (model id, DUT name), then the model flatbuffer aligned to 16 bytes. A simulated board
 * flashed with it behaves like that reference firmware (see sim-dut-firmware.ts); the image also
 * passes the firmware-submission checks (grader/firmware/check.ts).
 */
import { NANO33BLE } from '../../firmware/check.js';
import { DUT_NAME_MARKER, type DutProfile } from './sim-dut-firmware.js';

export interface SimFirmwareImageOptions {
  /** The .tflite model the firmware embeds; without it (or a profile) the simulator will not boot it. */
  model?: Uint8Array;
  /** MLPerf Tiny model id the firmware reports. */
  profile?: DutProfile;
  /** DUT name (`m-name-dut-[…]`): printable ASCII without brackets, ≤ 64 characters. */
  name?: string;
  /** Flash address the image is linked at (default 0x10000, after the Nano 33 BLE bootloader). */
  appStart?: number;
  /** Initial stack pointer (default 0x20040000, the end of the nRF52840's RAM). */
  initialSp?: number;
  /** Pad the image with erased flash (0xFF) to at least this many bytes. */
  padTo?: number;
}

/** Cortex-M4 core vectors plus the nRF52840's 48 interrupts. */
const VECTORS = 16 + 48;
/** Offset of the filler code (after the vector table) and where the reset handler lives. */
const CODE_AT = 0x200;
const CODE_BYTES = 0xe00;

/** The bytes of a simulated-board firmware image (a raw `.bin` for `appStart`). */
export function buildSimFirmwareImage(opts: SimFirmwareImageOptions = {}): Uint8Array {
  const appStart = opts.appStart ?? NANO33BLE.flashStart + NANO33BLE.bootloaderBytes;
  const initialSp = opts.initialSp ?? NANO33BLE.ramStart + NANO33BLE.ramSize;
  if (opts.name !== undefined && !(/^[\x20-\x7e]{1,64}$/.test(opts.name) && !/[[\]]/.test(opts.name))) {
    throw new RangeError('the DUT name must be 1–64 printable ASCII characters without brackets');
  }
  const strings = [
    'm-timestamp-mode-performance',
    'm-lap-us-%lu',
    'm-init-done',
    'm-ready',
    'm-name-dut-[%s]',
    'm-model-[%s]',
    'm-results-[',
    'm-load-done',
    'e-[Unknown command: %s]',
    ...(opts.name !== undefined ? [`${DUT_NAME_MARKER}${opts.name}`] : []),
    ...(opts.profile ? [opts.profile] : []),
  ];
  const rodata = new TextEncoder().encode(strings.map((s) => `${s}\0`).join(''));
  const rodataAt = CODE_AT + CODE_BYTES;
  const modelAt = (rodataAt + rodata.length + 15) & ~15;
  const end = opts.model ? modelAt + opts.model.length : rodataAt + rodata.length;
  const size = Math.max(end, opts.padTo ?? 0);
  const image = new Uint8Array(size).fill(0xff);
  const dv = new DataView(image.buffer);

  // Code: Thumb NOPs (0xbf00) with a `b .` (0xe7fe) idle loop at the end: the default handler.
  for (let o = CODE_AT; o < CODE_AT + CODE_BYTES; o += 2) dv.setUint16(o, 0xbf00, true);
  const defaultHandler = CODE_AT + CODE_BYTES - 2;
  dv.setUint16(defaultHandler, 0xe7fe, true);
  const thumb = (offset: number) => (appStart + offset) | 1;

  dv.setUint32(0, initialSp >>> 0, true);
  dv.setUint32(4, thumb(CODE_AT) >>> 0, true);
  for (let v = 2; v < VECTORS; v++) {
    // Vectors 7–10 and 13 are reserved on ARMv7-M.
    const reserved = (v >= 7 && v <= 10) || v === 13;
    dv.setUint32(4 * v, reserved ? 0 : thumb(defaultHandler) >>> 0, true);
  }
  image.fill(0, 4 * VECTORS, CODE_AT);
  image.set(rodata, rodataAt);
  if (opts.model) {
    image.fill(0, rodataAt + rodata.length, modelAt);
    image.set(opts.model, modelAt);
  }
  return image;
}
