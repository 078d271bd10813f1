/**
 * Build a VWW set in the MLPerf Tiny layout from image folders `person/` and `non_person/` (or
 * `no_person/`): every image becomes 96×96×3 uint8 RGB; label 1 = person.
 */
import { mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { DatasetError } from './dataset.js';
import { decodeImage, resizeRgb } from './images.js';
import { MANIFEST_FILE } from './formats/mlperf.js';
import { writeHeldOutLabels } from './held-out-labels.js';

const IMAGE = /\.(jpe?g|png|bmp)$/i;

export function buildVwwSet(from: string, out: string, onProgress?: (done: number, total: number) => void): { samples: number; persons: number } {
  const files: { path: string; label: number; id: string }[] = [];
  for (const [folder, label] of [['person', 1], ['non_person', 0], ['no_person', 0]] as const) {
    const dir = join(from, folder);
    let entries: string[] = [];
    try {
      if (statSync(dir).isDirectory()) entries = readdirSync(dir).sort();
    } catch {
      /* optional folder */
    }
    for (const f of entries) if (IMAGE.test(f)) files.push({ path: join(dir, f), label, id: `${folder}_${basename(f, extname(f))}`.replace(/[^\w.-]+/g, '_') });
  }
  if (files.length === 0) throw new DatasetError(`${from}: no images in person/ or non_person/`);
  mkdirSync(out, { recursive: true });
  const lines: string[] = [];
  files.forEach((f, i) => {
    const rgb = resizeRgb(decodeImage(new Uint8Array(readFileSync(f.path)), f.path));
    const bin = `${f.id}.bin`;
    writeFileSync(join(out, bin), rgb);
    lines.push(`${bin}, 2, ${f.label}`);
    onProgress?.(i + 1, files.length);
  });
  writeHeldOutLabels(out, lines.join('\n') + '\n');
  writeFileSync(join(out, MANIFEST_FILE), JSON.stringify({ task: 'vww', description: `built by tinyarena dataset build from ${basename(from)}`, encoding: { dtype: 'uint8', scale: 1 / 255, zeroPoint: 0 } }, null, 2) + '\n');
  return { samples: files.length, persons: files.filter((f) => f.label === 1).length };
}
