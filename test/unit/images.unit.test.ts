import { readFileSync } from 'node:fs';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { DatasetError } from '../../grader/datasets/dataset.js';
import { decodeImage, resizeRgb } from '../../grader/datasets/images.js';
import { sharedPath } from '../helpers/shared.js';

function png(w: number, h: number, rgb: [number, number, number]): Uint8Array {
  const img = new PNG({ width: w, height: h });
  for (let i = 0; i < w * h; i++) img.data.set([...rgb, 255], i * 4);
  return new Uint8Array(PNG.sync.write(img));
}

describe('images', () => {
  it('decodes PNG and JPEG to RGB and resizes to 96×96', () => {
    const p = decodeImage(png(50, 30, [10, 200, 30]), 'a.png');
    expect([p.width, p.height]).toEqual([50, 30]);
    const r = resizeRgb(p);
    expect(r).toHaveLength(96 * 96 * 3);
    expect(Array.from(r.subarray(0, 3))).toEqual([10, 200, 30]);
    const j = jpeg.encode({ width: 64, height: 64, data: Buffer.alloc(64 * 64 * 4, 128) }, 90);
    const d = decodeImage(new Uint8Array(j.data), 'b.jpg');
    expect(Math.abs(d.data[0]! - 128)).toBeLessThanOrEqual(2);
  });

  it.skipIf(!sharedPath('samples/person.bmp'))('decodes the 8-bit palette BMP samples', () => {
    const img = decodeImage(new Uint8Array(readFileSync(sharedPath('samples/person.bmp')!)), 'person.bmp');
    expect([img.width, img.height]).toEqual([96, 96]);
    // Grayscale: equal channels.
    for (let i = 0; i < 96 * 96; i += 97) expect(img.data[i * 3]).toBe(img.data[i * 3 + 2]);
  });

  it('refuses unknown formats and hostile headers without decoding them', () => {
    expect(() => decodeImage(new Uint8Array([1, 2, 3, 4]), 'x.gif')).toThrow(new DatasetError('x.gif: not a JPEG, PNG or BMP image'));
    const bmp = new Uint8Array(64);
    bmp.set([0x42, 0x4d]);
    const dv = new DataView(bmp.buffer);
    dv.setInt32(18, 100000, true);
    dv.setInt32(22, 100000, true);
    expect(() => decodeImage(bmp, 'huge.bmp')).toThrow(/100000×100000 pixels is empty or too large/);
    const p = png(4, 4, [0, 0, 0]);
    expect(() => decodeImage(p.subarray(0, 40), 'cut.png')).toThrow(/cut\.png: cannot decode image/);
  });
});
