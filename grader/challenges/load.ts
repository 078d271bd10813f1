import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import { fromRoot } from '../../core/paths.js';
import { FIRMWARE_OP_SET } from '../validate/op-set.js';
import { taskPlugin } from '../tasks/index.js';
import type { PreflightRules } from '../validate/rules.js';
import { allowedKeysAt } from './allowed-keys.js';
import { challengeSchema, crossFieldProblems, type ChallengeDefinition } from './schema.js';

export const CHALLENGES_DIR = fromRoot('challenges');

/** A challenge file that cannot be used; the message names the file, line or field. */
export class ChallengeError extends Error {
  override name = 'ChallengeError';
}

export interface LoadedChallenge {
  definition: ChallengeDefinition;
  yaml: string;
  sha256: string;
  file: string;
}

/** Parse and validate one challenge.yaml text. Pure apart from nothing: `file` is for messages. */
export function parseChallenge(yaml: string, file: string): LoadedChallenge {
  const doc = parseDocument(yaml, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    const where = e.linePos?.[0] ? ` line ${e.linePos[0].line}, column ${e.linePos[0].col}` : '';
    throw new ChallengeError(`${file}:${where} ${e.message.split('\n')[0]}`);
  }
  const parsed = challengeSchema.safeParse(doc.toJS());
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => {
      if (i.code === 'unrecognized_keys') {
        // Name the allowed fields at that level: a typo is then one glance away from its fix.
        const where = (key: string) => [...i.path, key].join('.');
        return i.keys.map((k) => `${where(k)}: unknown field; allowed here: ${allowedKeysAt(i.path).join(', ')}`).join('; ');
      }
      return `${i.path.join('.') || '(top level)'}: ${i.message}`;
    });
    throw new ChallengeError(`${file}: ${issues.join('; ')}`);
  }
  const definition = parsed.data;
  const problems = crossFieldProblems(definition);
  if (problems.length) throw new ChallengeError(`${file}: ${problems.join('; ')}`);
  for (const op of definition.budgets.allowedOps ?? []) {
    if (!FIRMWARE_OP_SET.has(op)) throw new ChallengeError(`${file}: budgets.allowedOps: ${op} is not in the firmware op set (firmware/op-set.json)`);
  }
  return { definition, yaml, sha256: createHash('sha256').update(yaml).digest('hex'), file };
}

/** Load challenges/<id>/challenge.yaml. */
export function loadChallenge(id: string, dir = CHALLENGES_DIR): LoadedChallenge {
  if (!/^[a-z0-9][a-z0-9-]{1,62}$/.test(id)) throw new ChallengeError(`"${id}" is not a challenge id`);
  const file = join(dir, id, 'challenge.yaml');
  if (!existsSync(file)) {
    const known = listChallengeIds(dir);
    throw new ChallengeError(`no challenge "${id}"${known.length ? ` (known: ${known.join(', ')})` : ''}`);
  }
  const loaded = parseChallenge(readFileSync(file, 'utf8'), file);
  if (loaded.definition.id !== id) throw new ChallengeError(`${file}: id is "${loaded.definition.id}" but the folder is "${id}"`);
  return loaded;
}

export function listChallengeIds(dir = CHALLENGES_DIR): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(dir, d.name, 'challenge.yaml')))
    .map((d) => d.name)
    .sort();
}

/** The preflight rules a challenge sets. */
export function rulesForChallenge(c: ChallengeDefinition): PreflightRules {
  const signature = c.signature ?? taskPlugin(c.task).signature;
  const allowed = c.budgets.allowedOps ? new Map(c.budgets.allowedOps.map((op) => [op, FIRMWARE_OP_SET.get(op)!])) : FIRMWARE_OP_SET;
  return {
    source: `challenge ${c.id}`,
    task: c.task,
    inputs: signature.inputs,
    outputs: signature.outputs,
    maxModelBytes: c.budgets.maxModelBytes,
    maxArenaBytes: c.budgets.maxArenaBytes,
    maxMacs: c.budgets.maxMacs ?? null,
    int8Required: c.budgets.int8Required,
    allowEdgeQuantize: c.budgets.edgeQuantize,
    allowedOps: allowed,
  };
}
