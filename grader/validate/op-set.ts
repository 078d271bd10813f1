import opSet from '../../firmware/op-set.json' with { type: 'json' };

export interface SupportedOp {
  op: string;
  maxVersion: number;
}

/**
 * The board firmware's registered op set, firmware/op-set.json: the one list preflight, the host
 * engine and the harness firmware share. A JSON import, so the module stays pure (no file read).
 */
export const FIRMWARE_OP_SET: ReadonlyMap<string, SupportedOp> = new Map((opSet as { ops: SupportedOp[] }).ops.map((o) => [o.op, o]));
