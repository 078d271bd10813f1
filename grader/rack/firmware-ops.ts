/**
 * The harness firmware's op registrations, generated from the one shared op list
 * (firmware/op-set.json, read by grader/validate/op-set.ts). `npx tsx grader/rack/firmware-ops.ts`
 * rewrites firmware/harness/src/ops_gen.h; a test fails when the header and the list disagree, so the
 * board never registers an op preflight rejects, or misses one it allows.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { fromRoot } from '../../core/paths.js';
import { FIRMWARE_OP_SET } from '../validate/op-set.js';

/** TFLite builtin name → MicroMutableOpResolver method: CONV_2D → AddConv2D, RELU6 → AddRelu6. */
export function resolverMethod(op: string): string {
  return `Add${op
    .split('_')
    .map((part) => (/^\d+D$/.test(part) ? part : part[0]! + part.slice(1).toLowerCase()))
    .join('')}`;
}

/** The header text for a list of op names (order kept). */
export function firmwareOpsHeader(ops: readonly string[]): string {
  return `// GENERATED from firmware/op-set.json by grader/rack/firmware-ops.ts: do not edit.
// X(op name, MicroMutableOpResolver method) for every op the harness registers.
#pragma once
#define TINYARENA_OP_COUNT ${ops.length}
#define TINYARENA_OPS(X) \\
${ops.map((op) => `  X(${op}, ${resolverMethod(op)})`).join(' \\\n')}
`;
}

export const OPS_HEADER_PATH = fromRoot('firmware', 'harness', 'src', 'ops_gen.h');

export const currentOpsHeader = () => firmwareOpsHeader([...FIRMWARE_OP_SET.keys()]);

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(OPS_HEADER_PATH, currentOpsHeader());
  process.stdout.write(`wrote ${OPS_HEADER_PATH}\n`);
}
