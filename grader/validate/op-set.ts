import { readFileSync } from 'node:fs';
import { fromRoot } from '../../core/paths.js';

export interface SupportedOp {
  op: string;
  maxVersion: number;
}

/**
 * The board firmware's registered op set, read from firmware/op-set.json: the one list preflight,
 * the host engine and the harness firmware share.
 */
export const FIRMWARE_OP_SET: ReadonlyMap<string, SupportedOp> = new Map(
  (JSON.parse(readFileSync(fromRoot('firmware', 'op-set.json'), 'utf8')) as { ops: SupportedOp[] }).ops.map((o) => [o.op, o]),
);
