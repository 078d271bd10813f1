/**
 * Firmware images as submitted (`.bin`, `.hex`, `.elf`), read into flash segments. Pure: bytes in,
 * segments out; anything malformed is a {@link FirmwareFormatError} naming the line or offset.
 */

export type FirmwareFormat = 'bin' | 'hex' | 'elf';

/** Bytes to be written at a flash address. */
export interface Segment {
  address: number;
  data: Uint8Array;
}

/** An ELF section that takes RAM (.data, .bss, heap/stack reservations). */
export interface RamSection {
  name: string;
  address: number;
  size: number;
}

export interface FirmwareImage {
  format: FirmwareFormat;
  /** Flash contents, sorted by address, non-overlapping. */
  segments: Segment[];
  /** ELF only: allocated, writable sections (their RAM use). */
  ramSections?: RamSection[];
  /** ELF e_entry / HEX start linear address, when the file states one. */
  entry?: number;
}

export class FirmwareFormatError extends Error {
  override name = 'FirmwareFormatError';
}

const hex32 = (n: number) => `0x${(n >>> 0).toString(16).padStart(8, '0')}`;
export { hex32 };

/** By content (ELF magic, Intel HEX text), else by file name, else raw binary. */
export function detectFormat(bytes: Uint8Array, fileName = ''): FirmwareFormat {
  if (bytes.length >= 4 && bytes[0] === 0x7f && bytes[1] === 0x45 && bytes[2] === 0x4c && bytes[3] === 0x46) return 'elf';
  if (bytes[0] === 0x3a /* : */ || /\.hex$/i.test(fileName)) return 'hex';
  return 'bin';
}

/** A raw image is written at `base` (after the bootloader). */
export function readBin(bytes: Uint8Array, base: number): FirmwareImage {
  if (bytes.length === 0) throw new FirmwareFormatError('the .bin file is empty');
  return { format: 'bin', segments: [{ address: base, data: bytes }] };
}

/** Intel HEX: data (00), EOF (01), extended segment (02) / linear (04) address, start address (03/05). */
export function readHex(bytes: Uint8Array): FirmwareImage {
  const text = new TextDecoder('latin1').decode(bytes);
  const chunks = new Map<number, number[]>();
  let upper = 0;
  let entry: number | undefined;
  let sawEof = false;
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (!line) continue;
    const where = `line ${i + 1}`;
    if (sawEof) throw new FirmwareFormatError(`${where}: data after the end-of-file record`);
    if (!/^:([0-9A-Fa-f]{2})+$/.test(line)) throw new FirmwareFormatError(`${where}: not an Intel HEX record ("${line.slice(0, 20)}")`);
    const rec = Uint8Array.from(line.slice(1).match(/../g)!.map((h) => parseInt(h, 16)));
    const len = rec[0]!;
    if (rec.length !== len + 5) throw new FirmwareFormatError(`${where}: length byte says ${len} data bytes, the record has ${rec.length - 5}`);
    const sum = rec.reduce((a, b) => (a + b) & 0xff, 0);
    if (sum !== 0) throw new FirmwareFormatError(`${where}: checksum mismatch`);
    const offset = (rec[1]! << 8) | rec[2]!;
    const type = rec[3]!;
    const data = rec.subarray(4, 4 + len);
    switch (type) {
      case 0: {
        const addr = upper + offset;
        for (let k = 0; k < data.length; k++) {
          const a = addr + k;
          const page = a & ~0xfff;
          let arr = chunks.get(page);
          if (!arr) chunks.set(page, (arr = new Array<number>(0x1000).fill(-1)));
          if (arr[a & 0xfff] !== -1) throw new FirmwareFormatError(`${where}: address ${hex32(a)} written twice`);
          arr[a & 0xfff] = data[k]!;
        }
        break;
      }
      case 1:
        sawEof = true;
        break;
      case 2:
        if (len !== 2) throw new FirmwareFormatError(`${where}: extended segment address needs 2 bytes`);
        upper = ((data[0]! << 8) | data[1]!) << 4;
        break;
      case 4:
        if (len !== 2) throw new FirmwareFormatError(`${where}: extended linear address needs 2 bytes`);
        upper = (((data[0]! << 8) | data[1]!) << 16) >>> 0;
        break;
      case 3:
      case 5:
        if (len !== 4) throw new FirmwareFormatError(`${where}: start address needs 4 bytes`);
        entry = ((data[0]! << 24) | (data[1]! << 16) | (data[2]! << 8) | data[3]!) >>> 0;
        break;
      default:
        throw new FirmwareFormatError(`${where}: unknown record type ${type}`);
    }
  }
  if (!sawEof) throw new FirmwareFormatError('no end-of-file record (:00000001FF): the file is truncated');
  // Coalesce bytes into contiguous segments.
  const segments: Segment[] = [];
  let cur: { address: number; bytes: number[] } | null = null;
  for (const page of [...chunks.keys()].sort((a, b) => a - b)) {
    const arr = chunks.get(page)!;
    for (let k = 0; k < arr.length; k++) {
      if (arr[k] === -1) continue;
      const a = page + k;
      if (cur && cur.address + cur.bytes.length === a) cur.bytes.push(arr[k]!);
      else {
        if (cur) segments.push({ address: cur.address, data: Uint8Array.from(cur.bytes) });
        cur = { address: a, bytes: [arr[k]!] };
      }
    }
  }
  if (cur) segments.push({ address: cur.address, data: Uint8Array.from(cur.bytes) });
  if (!segments.length) throw new FirmwareFormatError('the .hex file holds no data records');
  return { format: 'hex', segments, ...(entry !== undefined ? { entry } : {}) };
}

/** ELF32 little-endian ARM: PT_LOAD segments at their load (physical) addresses; RAM from sections. */
export function readElf(bytes: Uint8Array): FirmwareImage {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const need = (end: number, what: string) => {
    if (end > bytes.length) throw new FirmwareFormatError(`the ELF file is truncated (${what} ends at byte ${end}, the file has ${bytes.length})`);
  };
  need(52, 'the header');
  if (bytes[4] !== 1) throw new FirmwareFormatError('not a 32-bit ELF (a Cortex-M4 image is ELF32)');
  if (bytes[5] !== 1) throw new FirmwareFormatError('not a little-endian ELF');
  const u16 = (o: number) => dv.getUint16(o, true);
  const u32 = (o: number) => dv.getUint32(o, true);
  const machine = u16(18);
  if (machine !== 40) throw new FirmwareFormatError(`ELF machine ${machine} is not ARM (40)`);
  const entry = u32(24);
  const phoff = u32(28);
  const shoff = u32(32);
  const phentsize = u16(42);
  const phnum = u16(44);
  const shentsize = u16(46);
  const shnum = u16(48);
  const shstrndx = u16(50);
  if (phnum && phentsize < 32) throw new FirmwareFormatError(`program header entries of ${phentsize} bytes are too small`);
  need(phoff + phnum * phentsize, 'the program headers');
  const segments: Segment[] = [];
  for (let i = 0; i < phnum; i++) {
    const o = phoff + i * phentsize;
    if (u32(o) !== 1 /* PT_LOAD */) continue;
    const offset = u32(o + 4);
    const paddr = u32(o + 12);
    const filesz = u32(o + 16);
    if (filesz === 0) continue; // .bss-like: RAM only
    need(offset + filesz, `segment ${i}`);
    segments.push({ address: paddr, data: bytes.subarray(offset, offset + filesz) });
  }
  if (!segments.length) throw new FirmwareFormatError('the ELF file has no loadable segments with contents');
  segments.sort((a, b) => a.address - b.address);
  for (let i = 1; i < segments.length; i++) {
    const prev = segments[i - 1]!;
    if (prev.address + prev.data.length > segments[i]!.address) throw new FirmwareFormatError(`loadable segments overlap at ${hex32(segments[i]!.address)}`);
  }
  const ramSections: RamSection[] = [];
  if (shnum && shoff) {
    if (shentsize < 40) throw new FirmwareFormatError(`section header entries of ${shentsize} bytes are too small`);
    need(shoff + shnum * shentsize, 'the section headers');
    const strtab = shstrndx < shnum ? { off: u32(shoff + shstrndx * shentsize + 16), size: u32(shoff + shstrndx * shentsize + 20) } : null;
    const nameAt = (n: number) => {
      if (!strtab || n >= strtab.size || strtab.off + n >= bytes.length) return `#${n}`;
      let end = strtab.off + n;
      while (end < bytes.length && end < strtab.off + strtab.size && bytes[end] !== 0) end++;
      return new TextDecoder('latin1').decode(bytes.subarray(strtab.off + n, end));
    };
    for (let i = 0; i < shnum; i++) {
      const o = shoff + i * shentsize;
      const flags = u32(o + 8);
      const size = u32(o + 20);
      // SHF_ALLOC | SHF_WRITE: takes RAM at run time (.data is also in flash as its load image).
      if ((flags & 0x3) === 0x3 && size > 0) ramSections.push({ name: nameAt(u32(o)), address: u32(o + 12), size });
    }
  }
  return { format: 'elf', segments, ramSections, entry };
}

export function readFirmware(bytes: Uint8Array, fileName: string, binBase: number): FirmwareImage {
  const format = detectFormat(bytes, fileName);
  return format === 'elf' ? readElf(bytes) : format === 'hex' ? readHex(bytes) : readBin(bytes, binBase);
}
