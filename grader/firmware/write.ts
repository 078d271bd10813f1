/**
 * Firmware image writers, the inverse of image.ts: Intel HEX and minimal ELF32 ARM files (for tests
 * and for `tinyarena rack sim-firmware`), and the flat binary a flasher writes for a `.hex`/`.elf`
 * (bossac takes contiguous bytes from the application start). `readFirmware` of each writer's output
 * gives back the same segments.
 */
import type { FirmwareImage, Segment } from './image.js';

/** Data bytes per Intel HEX record (what objcopy and the Arduino IDE emit). */
const HEX_RECORD_BYTES = 16;

/**
 * Intel HEX of `data` at `base`: data records with extended linear address records whenever the
 * upper 16 address bits change (records never straddle a 64 KiB boundary), an optional start linear
 * address record (`entry`), and the end-of-file record. CR LF line endings, as the Arduino IDE writes.
 */
export function toIntelHex(data: Uint8Array, base: number, entry?: number): Uint8Array {
  const rec = (type: number, addr: number, bytes: ArrayLike<number>) => {
    const all = [bytes.length, (addr >> 8) & 0xff, addr & 0xff, type, ...Array.from(bytes)];
    const sum = (0x100 - (all.reduce((a, b) => a + b, 0) & 0xff)) & 0xff;
    return `:${[...all, sum].map((x) => x.toString(16).padStart(2, '0').toUpperCase()).join('')}`;
  };
  const lines: string[] = [];
  let upper = -1;
  for (let i = 0; i < data.length; ) {
    const a = (base + i) >>> 0;
    if (a >>> 16 !== upper) {
      upper = a >>> 16;
      lines.push(rec(4, 0, [(upper >> 8) & 0xff, upper & 0xff]));
    }
    const n = Math.min(HEX_RECORD_BYTES, data.length - i, 0x10000 - (a & 0xffff));
    lines.push(rec(0, a & 0xffff, data.subarray(i, i + n)));
    i += n;
  }
  if (entry !== undefined) lines.push(rec(5, 0, [entry >>> 24, (entry >>> 16) & 0xff, (entry >>> 8) & 0xff, entry & 0xff]));
  lines.push(':00000001FF');
  return new TextEncoder().encode(`${lines.join('\r\n')}\r\n`);
}

export interface ElfOptions {
  /** e_entry; default: the reset vector (second word) of the lowest segment, else its address. */
  entry?: number;
  /**
   * RAM the program takes, described by `.data` and `.bss` section headers at `start` (default
   * 0x20000000). Only their sizes matter to the checks: `.data`'s initial values are not emitted.
   */
  ram?: { data: number; bss: number; start?: number };
}

/**
 * A minimal ELF32 little-endian ARM executable: one PT_LOAD program header and one allocated,
 * executable section per flash segment (`.text`, then `.text.1`, …), the RAM sections, and the
 * section-name table.
 */
export function toElf(code: Uint8Array, base: number, opts?: ElfOptions): Uint8Array;
export function toElf(segments: readonly Segment[], opts?: ElfOptions): Uint8Array;
export function toElf(what: Uint8Array | readonly Segment[], baseOrOpts?: number | ElfOptions, maybeOpts?: ElfOptions): Uint8Array {
  const segments: readonly Segment[] = what instanceof Uint8Array ? [{ address: (baseOrOpts as number) ?? 0, data: what }] : [...what].sort((a, b) => a.address - b.address);
  const opts: ElfOptions = (what instanceof Uint8Array ? maybeOpts : (baseOrOpts as ElfOptions | undefined)) ?? {};
  const ram = opts.ram ?? { data: 256, bss: 4096 };
  const ramStart = ram.start ?? 0x20000000;
  const first = segments[0];
  const resetVector = first && first.data.length >= 8 ? new DataView(first.data.buffer, first.data.byteOffset, 8).getUint32(4, true) : undefined;
  const entry = opts.entry ?? resetVector ?? first?.address ?? 0;

  const names = segments.map((_, i) => (i === 0 ? '.text' : `.text.${i}`));
  const allNames = ['', ...names, '.data', '.bss', '.shstrtab'];
  const nameOffsets: number[] = [];
  let strtab = '';
  for (const n of allNames) {
    nameOffsets.push(n ? strtab.length : 0);
    if (n || !strtab) strtab += `${n}\0`;
  }
  const shstr = new TextEncoder().encode(strtab);

  const phOff = 52;
  let at = phOff + 32 * segments.length;
  const dataOffsets = segments.map((s) => {
    const o = (at + 3) & ~3;
    at = o + s.data.length;
    return o;
  });
  const strOff = at;
  const shOff = (strOff + shstr.length + 3) & ~3;
  const shnum = allNames.length;
  const out = new Uint8Array(shOff + shnum * 40);
  const dv = new DataView(out.buffer);
  out.set([0x7f, 0x45, 0x4c, 0x46, 1 /* ELFCLASS32 */, 1 /* little-endian */, 1 /* EV_CURRENT */]);
  dv.setUint16(16, 2, true); // ET_EXEC
  dv.setUint16(18, 40, true); // EM_ARM
  dv.setUint32(20, 1, true);
  dv.setUint32(24, entry >>> 0, true);
  dv.setUint32(28, phOff, true);
  dv.setUint32(32, shOff, true);
  dv.setUint32(36, 0x05000400, true); // EABI5, hard-float ABI flags as arm-none-eabi-gcc sets them
  dv.setUint16(40, 52, true);
  dv.setUint16(42, 32, true);
  dv.setUint16(44, segments.length, true);
  dv.setUint16(46, 40, true);
  dv.setUint16(48, shnum, true);
  dv.setUint16(50, shnum - 1, true);
  segments.forEach((s, i) => {
    const o = phOff + 32 * i;
    dv.setUint32(o, 1, true); // PT_LOAD
    dv.setUint32(o + 4, dataOffsets[i]!, true);
    dv.setUint32(o + 8, s.address >>> 0, true); // vaddr
    dv.setUint32(o + 12, s.address >>> 0, true); // paddr (load address: what flashers use)
    dv.setUint32(o + 16, s.data.length, true);
    dv.setUint32(o + 20, s.data.length, true);
    dv.setUint32(o + 24, 0x5, true); // R X
    dv.setUint32(o + 28, 4, true);
    out.set(s.data, dataOffsets[i]);
  });
  out.set(shstr, strOff);
  const sh = (i: number, type: number, flags: number, addr: number, off: number, size: number) => {
    const o = shOff + i * 40;
    dv.setUint32(o, nameOffsets[i]!, true);
    dv.setUint32(o + 4, type, true);
    dv.setUint32(o + 8, flags, true);
    dv.setUint32(o + 12, addr >>> 0, true);
    dv.setUint32(o + 16, off, true);
    dv.setUint32(o + 20, size, true);
    dv.setUint32(o + 32, type === 3 ? 1 : 4, true); // sh_addralign
  };
  segments.forEach((s, i) => sh(1 + i, 1 /* PROGBITS */, 0x6 /* AX */, s.address, dataOffsets[i]!, s.data.length));
  const n = segments.length;
  sh(n + 1, 8 /* NOBITS */, 0x3 /* WA */, ramStart, 0, ram.data);
  sh(n + 2, 8 /* NOBITS */, 0x3 /* WA */, ramStart + ram.data, 0, ram.bss);
  sh(n + 3, 3 /* STRTAB */, 0, 0, strOff, shstr.length);
  return out;
}

/**
 * The contiguous bytes from `start` to the end of the last segment, gaps filled with 0xFF (erased
 * flash): what bossac writes at `start` for a `.hex` or `.elf`.
 * @throws RangeError when a segment lies below `start` (it would be inside the bootloader).
 */
export function toFlatBinary(img: FirmwareImage, start: number): Uint8Array {
  if (!img.segments.length) return new Uint8Array(0);
  const below = img.segments.find((s) => s.address < start);
  if (below) throw new RangeError(`a segment starts at 0x${below.address.toString(16)}, below 0x${start.toString(16)}`);
  const end = img.segments.reduce((a, s) => Math.max(a, s.address + s.data.length), start);
  const out = new Uint8Array(end - start).fill(0xff);
  for (const s of img.segments) out.set(s.data, s.address - start);
  return out;
}
