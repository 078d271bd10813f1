import { existsSync, readFileSync } from 'node:fs';
import { fromRoot } from '../../core/paths.js';

/** Absolute path of a file in ../shared, or undefined when the folder is absent (tests then skip). */
export function sharedPath(rel: string): string | undefined {
  const p = fromRoot('..', 'shared', rel);
  return existsSync(p) ? p : undefined;
}

/** True when ../shared/models is present (it always is in CI). */
export const HAVE_SHARED_MODELS = sharedPath('models/kws_ref_model.tflite') !== undefined;

/**
 * Bytes of a shared model by file stem, e.g. `sharedModel('kws_ref_model')`, as a plain Uint8Array
 * (a Node Buffer's slice() is a view, not a copy, which would let mutations leak between tests).
 */
export function sharedModel(stem: string): Uint8Array {
  const p = sharedPath(`models/${stem}.tflite`);
  if (!p) throw new Error(`../shared/models/${stem}.tflite is missing`);
  return new Uint8Array(readFileSync(p));
}
