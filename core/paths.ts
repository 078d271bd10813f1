import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Absolute path of the project root (the folder holding package.json). */
export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Resolve a path relative to the project root. */
export function fromRoot(...parts: string[]): string {
  return resolve(PROJECT_ROOT, ...parts);
}
