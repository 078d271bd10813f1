/** A held-out set's labels are the organizers' secret: written owner-only (0600), also over an older file. */
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export function writeHeldOutLabels(outDir: string, text: string): void {
  const file = join(outDir, 'y_labels.csv');
  writeFileSync(file, text, { mode: 0o600 });
  // `mode` applies only when the file is created.
  chmodSync(file, 0o600);
}
