import { basename, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

/**
 * Absolute path of the project root (the folder holding package.json): the parent of core/, also
 * when running the compiled build from dist/core/.
 */
export const PROJECT_ROOT = basename(resolve(here, '..')) === 'dist' ? resolve(here, '..', '..') : resolve(here, '..');

/** Resolve a path relative to the project root. */
export function fromRoot(...parts: string[]): string {
  return resolve(PROJECT_ROOT, ...parts);
}
