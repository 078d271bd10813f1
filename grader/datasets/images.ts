/**
 * Image decoding and resizing for VWW sets: JPEG (jpeg-js), PNG (pngjs), BMP (bmp-js) — pure-JS
 * decoders, so nothing native to build — to 96×96 RGB uint8 with bilinear resampling (half-pixel
 * centres, as tf.image.resize). Dimensions are checked before decoding so a hostile header cannot
 * make a decoder allocate gigabytes.
 */
import { decode as decodeBmp } from 'bmp-js';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { DatasetError } from './dataset.js';

export const VWW_SIZE = 96;
const MAX_PIXELS = 40_000_000;

export interface Rgb {
  width: number;
  height: number;
  /** width × height × 3 bytes, row-major. */
  data: Uint8Array;
}

function checkDims(w: number, h: number, name: string): void {
  if (!(w > 0 && h > 0) || w * h > MAX_PIXELS) throw new DatasetError(`${name}: image of ${w}×${h} pixels is empty or too large`);
}

export function decodeImage(bytes: Uint8Array, name = 'image'): Rgb {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  try {
    if (bytes[0] === 0xff && bytes[1] === 0xd8) {
      const img = jpeg.decode(buf, { useTArray: true, formatAsRGBA: true, maxResolutionInMP: MAX_PIXELS / 1e6, maxMemoryUsageInMB: 512 });
      return fromRgba(img.width, img.height, img.data, name);
    }
    if (bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47) {
      if (bytes.length < 24) throw new Error('truncated PNG header');
      checkDims(buf.readUInt32BE(16), buf.readUInt32BE(20), name);
      const img = PNG.sync.read(buf);
      return fromRgba(img.width, img.height, img.data, name);
    }
    if (bytes[0] === 0x42 && bytes[1] === 0x4d) {
      if (bytes.length < 26) throw new Error('truncated BMP header');
      checkDims(Math.abs(buf.readInt32LE(18)), Math.abs(buf.readInt32LE(22)), name);
      const img = decodeBmp(buf);
      const rgb = new Uint8Array(img.width * img.height * 3);
      for (let i = 0; i < img.width * img.height; i++) {
        rgb[i * 3] = img.data[i * 4 + 3]!;
        rgb[i * 3 + 1] = img.data[i * 4 + 2]!;
        rgb[i * 3 + 2] = img.data[i * 4 + 1]!;
      }
      return { width: img.width, height: img.height, data: rgb };
    }
  } catch (err) {
    if (err instanceof DatasetError) throw err;
    throw new DatasetError(`${name}: cannot decode image (${(err as Error).message})`);
  }
  throw new DatasetError(`${name}: not a JPEG, PNG or BMP image`);
}

function fromRgba(width: number, height: number, rgba: Uint8Array, name: string): Rgb {
  checkDims(width, height, name);
  const rgb = new Uint8Array(width * height * 3);
  for (let i = 0; i < width * height; i++) {
    rgb[i * 3] = rgba[i * 4]!;
    rgb[i * 3 + 1] = rgba[i * 4 + 1]!;
    rgb[i * 3 + 2] = rgba[i * 4 + 2]!;
  }
  return { width, height, data: rgb };
}

/** Bilinear resize with half-pixel centres (tf.image.resize, antialias off). */
export function resizeRgb(img: Rgb, width = VWW_SIZE, height = VWW_SIZE): Uint8Array {
  if (img.width === width && img.height === height) return img.data.slice();
  const out = new Uint8Array(width * height * 3);
  const sx = img.width / width;
  const sy = img.height / height;
  for (let y = 0; y < height; y++) {
    const fy = Math.min(Math.max((y + 0.5) * sy - 0.5, 0), img.height - 1);
    const y0 = Math.floor(fy);
    const y1 = Math.min(y0 + 1, img.height - 1);
    const wy = fy - y0;
    for (let x = 0; x < width; x++) {
      const fx = Math.min(Math.max((x + 0.5) * sx - 0.5, 0), img.width - 1);
      const x0 = Math.floor(fx);
      const x1 = Math.min(x0 + 1, img.width - 1);
      const wx = fx - x0;
      for (let c = 0; c < 3; c++) {
        const p = (yy: number, xx: number) => img.data[(yy * img.width + xx) * 3 + c]!;
        const top = p(y0, x0) * (1 - wx) + p(y0, x1) * wx;
        const bottom = p(y1, x0) * (1 - wx) + p(y1, x1) * wx;
        out[(y * width + x) * 3 + c] = Math.round(top * (1 - wy) + bottom * wy);
      }
    }
  }
  return out;
}
