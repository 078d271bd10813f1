import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { sniffFileKind } from '../../core/file-kind.js';
import { sharedPath } from '../helpers/shared.js';

describe('sniffFileKind', () => {
  it.skipIf(!sharedPath('models/kws_ref_model.tflite'))('recognises real TFLite models', () => {
    expect(sniffFileKind(readFileSync(sharedPath('models/kws_ref_model.tflite')!).subarray(0, 16))).toBe('tflite');
  });

  it('recognises ELF and Intel HEX', () => {
    expect(sniffFileKind(Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]))).toBe('elf');
    expect(sniffFileKind(Buffer.from(':10000000FFFFFFFF'))).toBe('ihex');
    expect(sniffFileKind(Buffer.from(':1000000zFFFFFFFF'))).toBe('unknown');
  });

  it('calls a renamed JPEG or a short file unknown', () => {
    expect(sniffFileKind(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 0x4a, 0x46]))).toBe('unknown');
    expect(sniffFileKind(new Uint8Array(0))).toBe('unknown');
    expect(sniffFileKind(Buffer.from('TFL3'))).toBe('unknown');
  });

  it('never throws on random bytes of any length', () => {
    for (let i = 0; i < 2000; i++) {
      const kind = sniffFileKind(randomBytes(i % 20));
      expect(['tflite', 'elf', 'ihex', 'unknown']).toContain(kind);
    }
  });
});
