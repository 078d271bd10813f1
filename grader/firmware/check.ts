/**
 * Firmware submission checks for a board profile: the image fits the flash after the bootloader
 * (and the challenge's budget), RAM use from ELF sections fits, and the vector table is sane (initial
 * stack pointer inside RAM, reset handler a Thumb address inside the image). Each failure says exactly
 * which address or size is wrong, so a learner can fix the linker script or build flags.
 */
import { FirmwareFormatError, hex32, readFirmware, type FirmwareFormat, type FirmwareImage } from './image.js';

/** Memory map of a board. */
export interface BoardProfile {
  name: string;
  flashStart: number;
  flashSize: number;
  /** Bytes at the start of flash the bootloader keeps; the application (and its vector table) starts here. */
  bootloaderBytes: number;
  ramStart: number;
  ramSize: number;
}

/** Arduino Nano 33 BLE Sense: nRF52840, 1 MB flash with the Arduino bootloader in the first 64 KB, 256 KB RAM. */
export const NANO33BLE: BoardProfile = { name: 'Arduino Nano 33 BLE Sense (nRF52840)', flashStart: 0, flashSize: 0x100000, bootloaderBytes: 0x10000, ramStart: 0x20000000, ramSize: 0x40000 };

/**
 * TinyArena's virtual board: QEMU's `mps2-an386` (Arm MPS2 + AN386, Cortex-M4F). The image is loaded
 * at 0x00000000 (4 MiB ZBT SSRAM1, no bootloader; the vector table sits at its start), RAM is the
 * 4 MiB ZBT SSRAM2/3 at 0x20000000 (firmware/mps2/mps2-an386.ld).
 */
export const MPS2_AN386: BoardProfile = { name: 'virtual board: Arm MPS2 AN386 (Cortex-M4F) in QEMU', flashStart: 0, flashSize: 0x400000, bootloaderBytes: 0, ramStart: 0x20000000, ramSize: 0x400000 };
export const MPS2_AN386_APP_START = MPS2_AN386.flashStart + MPS2_AN386.bootloaderBytes;

/** The target a challenge's firmware is built for, from the board kinds that run it (challenge YAML `firmware.boards`). */
export function firmwareBoardProfile(boardKinds: readonly string[]): BoardProfile {
  return boardKinds.includes('virtual') ? MPS2_AN386 : NANO33BLE;
}

export interface FirmwareCheck {
  id: 'format' | 'flash-range' | 'flash-size' | 'ram' | 'vector-sp' | 'vector-reset' | 'entry';
  status: 'pass' | 'fail' | 'warn';
  message: string;
}

export interface FirmwareReport {
  ok: boolean;
  format: FirmwareFormat | null;
  board: string;
  flashBytes: number;
  /** Span from the application start to the end of the last segment (what the flash must hold). */
  flashSpanBytes: number;
  flashBudgetBytes: number;
  ramBytes: number | null;
  initialSp: number | null;
  resetHandler: number | null;
  checks: FirmwareCheck[];
}

export interface CheckOptions {
  board?: BoardProfile;
  /** A challenge's flash budget (bytes); default: all flash after the bootloader. */
  flashBudgetBytes?: number;
  fileName?: string;
}

function wordAt(img: FirmwareImage, address: number): number | null {
  for (const s of img.segments) {
    const o = address - s.address;
    if (o >= 0 && o + 4 <= s.data.length) return new DataView(s.data.buffer, s.data.byteOffset + o, 4).getUint32(0, true);
  }
  return null;
}

export function checkFirmware(bytes: Uint8Array, opts: CheckOptions = {}): FirmwareReport {
  const board = opts.board ?? NANO33BLE;
  const appStart = board.flashStart + board.bootloaderBytes;
  const flashEnd = board.flashStart + board.flashSize;
  const budget = Math.min(opts.flashBudgetBytes ?? Infinity, flashEnd - appStart);
  const report: FirmwareReport = { ok: false, format: null, board: board.name, flashBytes: 0, flashSpanBytes: 0, flashBudgetBytes: budget, ramBytes: null, initialSp: null, resetHandler: null, checks: [] };
  const add = (c: FirmwareCheck) => report.checks.push(c);
  let img: FirmwareImage;
  try {
    img = readFirmware(bytes, opts.fileName ?? '', appStart);
  } catch (err) {
    if (!(err instanceof FirmwareFormatError)) throw err;
    add({ id: 'format', status: 'fail', message: err.message });
    return report;
  }
  report.format = img.format;
  add({ id: 'format', status: 'pass', message: `${img.format.toUpperCase()} image, ${img.segments.length} segment(s)` });

  const lo = img.segments[0]!.address;
  const last = img.segments[img.segments.length - 1]!;
  const hi = last.address + last.data.length;
  report.flashBytes = img.segments.reduce((a, s) => a + s.data.length, 0);
  // From the application start, or from the lowest segment when one sits (wrongly) below it.
  report.flashSpanBytes = hi - Math.min(lo, appStart);
  const outside = img.segments.find((s) => s.address < appStart || s.address + s.data.length > flashEnd);
  if (outside) {
    const why = outside.address < appStart ? `starts at ${hex32(outside.address)}, inside the bootloader (${hex32(board.flashStart)}–${hex32(appStart - 1)}); link the application at ${hex32(appStart)}` : `ends at ${hex32(outside.address + outside.data.length)}, past the end of flash ${hex32(flashEnd)}`;
    add({ id: 'flash-range', status: 'fail', message: `a segment ${why}` });
  } else {
    add({ id: 'flash-range', status: 'pass', message: `${hex32(lo)}–${hex32(hi - 1)}, ${board.bootloaderBytes > 0 ? 'after the bootloader' : 'within flash'}` });
  }
  if (report.flashSpanBytes > budget) {
    add({ id: 'flash-size', status: 'fail', message: `the image needs ${report.flashSpanBytes} bytes of flash from ${hex32(appStart)}, over the budget of ${budget} bytes by ${report.flashSpanBytes - budget}` });
  } else {
    add({ id: 'flash-size', status: 'pass', message: `${report.flashSpanBytes} of ${budget} bytes` });
  }

  if (img.ramSections) {
    const inRam = img.ramSections.filter((s) => s.address >= board.ramStart && s.address < board.ramStart + board.ramSize);
    const end = inRam.reduce((a, s) => Math.max(a, s.address + s.size), board.ramStart);
    report.ramBytes = inRam.reduce((a, s) => a + s.size, 0);
    const over = end - (board.ramStart + board.ramSize);
    if (over > 0) {
      const worst = inRam.reduce((a, s) => (s.address + s.size > a.address + a.size ? s : a));
      add({ id: 'ram', status: 'fail', message: `RAM sections end at ${hex32(end)}, ${over} bytes past the end of RAM (${hex32(board.ramStart + board.ramSize)}); last: ${worst.name} (${worst.size} bytes)` });
    } else {
      add({ id: 'ram', status: 'pass', message: `${report.ramBytes} bytes of ${board.ramSize} (${inRam.map((s) => `${s.name} ${s.size}`).join(', ') || 'none'})` });
    }
  }

  // Cortex-M vector table at the start of the application: [0] initial SP, [1] reset handler.
  const sp = wordAt(img, appStart);
  const reset = wordAt(img, appStart + 4);
  report.initialSp = sp;
  report.resetHandler = reset;
  if (sp === null || reset === null) {
    add({ id: 'vector-sp', status: 'fail', message: `no vector table at ${hex32(appStart)} (the application must start there)` });
  } else {
    const ramEnd = board.ramStart + board.ramSize;
    if (sp < board.ramStart || sp > ramEnd) add({ id: 'vector-sp', status: 'fail', message: `initial stack pointer ${hex32(sp)} is outside RAM (${hex32(board.ramStart)}–${hex32(ramEnd)})` });
    else if (sp % 8 !== 0) add({ id: 'vector-sp', status: 'warn', message: `initial stack pointer ${hex32(sp)} is not 8-byte aligned (AAPCS)` });
    else add({ id: 'vector-sp', status: 'pass', message: `initial stack pointer ${hex32(sp)}` });
    const target = reset & ~1;
    if ((reset & 1) === 0) add({ id: 'vector-reset', status: 'fail', message: `reset handler ${hex32(reset)} lacks the Thumb bit (Cortex-M runs Thumb code only)` });
    else if (target < appStart || target >= hi) add({ id: 'vector-reset', status: 'fail', message: `reset handler ${hex32(reset)} points outside the image (${hex32(appStart)}–${hex32(hi - 1)})` });
    else add({ id: 'vector-reset', status: 'pass', message: `reset handler ${hex32(reset)}` });
    if (img.entry !== undefined && img.entry !== 0 && (img.entry & ~1) !== target) add({ id: 'entry', status: 'warn', message: `the file's entry point ${hex32(img.entry)} differs from the reset vector ${hex32(reset)}` });
  }
  report.ok = report.checks.every((c) => c.status !== 'fail');
  return report;
}
