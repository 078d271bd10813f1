/** Firmware submissions (.bin/.hex/.elf) against the Nano 33 BLE memory map. */
import { describe, expect, it } from 'vitest';
import { checkFirmware, NANO33BLE } from '../../grader/firmware/check.js';
import { readHex } from '../../grader/firmware/image.js';
import { toElf, toIntelHex as toHex } from '../../grader/firmware/write.js';
import { mulberry32 } from '../../lib/rng.js';

const APP = 0x10000;

/** A Cortex-M image: vector table (SP, reset) then `size` bytes of code. */
function image(sp = 0x20040000, reset = APP + 0x101, size = 4096): Uint8Array {
  const b = new Uint8Array(size);
  const dv = new DataView(b.buffer);
  dv.setUint32(0, sp, true);
  dv.setUint32(4, reset, true);
  for (let i = 8; i < size; i++) b[i] = i & 0xff;
  return b;
}

const failed = (r: ReturnType<typeof checkFirmware>) => r.checks.filter((c) => c.status === 'fail').map((c) => `${c.id}: ${c.message}`);

describe('firmware submissions', () => {
  it('accepts good BIN, HEX and ELF images and reports sizes and vectors', () => {
    const code = image();
    for (const [bytes, name] of [
      [code, 'fw.bin'],
      [toHex(code, APP, APP + 0x101), 'fw.hex'],
      [toElf(code, APP), 'fw.elf'],
    ] as const) {
      const r = checkFirmware(bytes, { fileName: name });
      expect(failed(r), name).toEqual([]);
      expect(r).toMatchObject({ ok: true, flashBytes: 4096, flashSpanBytes: 4096, initialSp: 0x20040000, resetHandler: APP + 0x101 });
    }
    expect(checkFirmware(toElf(code, APP)).ramBytes).toBe(256 + 4096);
  });

  it('rejects a bad vector table with the address at fault', () => {
    expect(failed(checkFirmware(image(0x10000000)))).toEqual(['vector-sp: initial stack pointer 0x10000000 is outside RAM (0x20000000–0x20040000)']);
    expect(failed(checkFirmware(image(0x20040000, APP + 0x100)))).toEqual(['vector-reset: reset handler 0x00010100 lacks the Thumb bit (Cortex-M runs Thumb code only)']);
    expect(failed(checkFirmware(image(0x20040000, 0x00200001)))).toEqual(['vector-reset: reset handler 0x00200001 points outside the image (0x00010000–0x00010fff)']);
    expect(failed(checkFirmware(new Uint8Array([1, 2, 3])))[0]).toMatch(/^vector-sp: no vector table at 0x00010000/);
  });

  it('rejects images over the flash budget or linked over the bootloader', () => {
    const big = image(0x20040000, APP + 0x101, NANO33BLE.flashSize - NANO33BLE.bootloaderBytes + 16);
    expect(failed(checkFirmware(big))).toEqual([
      'flash-range: a segment ends at 0x00100010, past the end of flash 0x00100000',
      'flash-size: the image needs 983056 bytes of flash from 0x00010000, over the budget of 983040 bytes by 16',
    ]);
    expect(failed(checkFirmware(image(), { flashBudgetBytes: 1000 }))).toEqual(['flash-size: the image needs 4096 bytes of flash from 0x00010000, over the budget of 1000 bytes by 3096']);
    const atZero = checkFirmware(toHex(image(0x20040000, 0x101), 0));
    expect(failed(atZero)[0]).toBe('flash-range: a segment starts at 0x00000000, inside the bootloader (0x00000000–0x0000ffff); link the application at 0x00010000');
    expect(atZero.ok).toBe(false);
  });

  it('rejects ELF RAM use past the end of RAM', () => {
    const r = checkFirmware(toElf(image(), APP, { ram: { data: 1024, bss: 300 * 1024 } }));
    expect(failed(r)).toEqual(['ram: RAM sections end at 0x2004b400, 46080 bytes past the end of RAM (0x20040000); last: .bss (307200 bytes)']);
  });

  it('names the problem in malformed HEX and ELF files', () => {
    const hex = new TextDecoder().decode(toHex(image(), APP));
    expect(() => readHex(new TextEncoder().encode(hex.replace(':00000001FF', '')))).toThrow(/no end-of-file record/);
    const bad = hex.split('\r\n');
    bad[2] = `${bad[2]!.slice(0, -2)}00`;
    expect(failed(checkFirmware(new TextEncoder().encode(bad.join('\r\n')), { fileName: 'x.hex' }))).toEqual(['format: line 3: checksum mismatch']);
    const elf = toElf(image(), APP);
    expect(failed(checkFirmware(elf.subarray(0, 60)))[0]).toMatch(/^format: the ELF file is truncated/);
    const x86 = elf.slice();
    x86[18] = 3;
    expect(failed(checkFirmware(x86))).toEqual(['format: ELF machine 3 is not ARM (40)']);
  });

  it('fuzz: mutated images never throw, only report', () => {
    const rnd = mulberry32(9);
    const seeds = [image(), toHex(image(), APP), toElf(image(), APP)];
    for (let i = 0; i < 600; i++) {
      const b = seeds[i % 3]!.slice(0, 1 + (rnd() % seeds[i % 3]!.length));
      for (let k = 0; k < 4; k++) b[rnd() % b.length] = rnd() & 0xff;
      const r = checkFirmware(b);
      expect(typeof r.ok).toBe('boolean');
    }
  });
});
