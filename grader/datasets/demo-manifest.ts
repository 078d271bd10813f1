/** Demo sets say what they are in their manifest, so nobody mistakes one for a real held-out set. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MANIFEST_FILE } from './formats/mlperf.js';

/** Replace the description in `outDir`/dataset.json (written by the build) with `description`. */
export function markDemo(outDir: string, description: string): void {
  const file = join(outDir, MANIFEST_FILE);
  const manifest = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  writeFileSync(file, JSON.stringify({ ...manifest, description }, null, 2) + '\n');
}
