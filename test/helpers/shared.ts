import { existsSync } from 'node:fs';
import { fromRoot } from '../../core/paths.js';

/** Absolute path of a file in ../shared, or undefined when the folder is absent (tests then skip). */
export function sharedPath(rel: string): string | undefined {
  const p = fromRoot('..', 'shared', rel);
  return existsSync(p) ? p : undefined;
}
