/**
 * challenge.yaml has a reference: a JSON Schema generated from the zod schema (committed, fresh), a
 * `# yaml-language-server: $schema=` line in every challenge file, a field reference in
 * challenges/README.md covering every field, and errors that name the file, the path and what is allowed.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fromRoot } from '../../core/paths.js';
import { challengeJsonSchema, fieldsOf } from '../../grader/challenges/json-schema.js';
import { ChallengeError, CHALLENGES_DIR, listChallengeIds, parseChallenge } from '../../grader/challenges/load.js';
import { FIELD_DOCS } from '../../grader/challenges/schema-docs.js';
import { readmeWithReference, README_FILE, SCHEMA_FILE, schemaText } from '../../scripts/challenge-schema.js';

describe('challenge.yaml reference', () => {
  it('the committed JSON Schema and README reference are what `npm run schema` generates', () => {
    expect(readFileSync(SCHEMA_FILE, 'utf8'), 'stale: run npm run schema').toBe(schemaText());
    const readme = readFileSync(README_FILE, 'utf8');
    expect(readme, 'stale: run npm run schema').toBe(readmeWithReference(readme));
  });

  it('documents every field, and nothing that is not a field', () => {
    const paths = fieldsOf(challengeJsonSchema()).map((f) => f.path);
    expect(paths.filter((p) => !FIELD_DOCS[p])).toEqual([]);
    expect(Object.keys(FIELD_DOCS).filter((p) => !paths.includes(p))).toEqual([]);
    expect(readFileSync(README_FILE, 'utf8')).toContain('| `scoring.flash.runtimeBytes` | integer ≥ 0 | default `0` |');
  });

  it('every challenge file points editors at the schema', () => {
    for (const id of listChallengeIds()) {
      expect([id, readFileSync(join(CHALLENGES_DIR, id, 'challenge.yaml'), 'utf8').split('\n')[0]]).toEqual([id, '# yaml-language-server: $schema=../challenge.schema.json']);
    }
    expect(JSON.parse(readFileSync(fromRoot('challenges', 'challenge.schema.json'), 'utf8'))).toMatchObject({ properties: { task: { enum: ['kws', 'vww', 'ad'] } } });
  });

  it('errors name the file, the field path and the allowed values or fields', () => {
    const yaml = readFileSync(join(CHALLENGES_DIR, 'kws-demo', 'challenge.yaml'), 'utf8').replace('task: kws', 'task: asr').replace('  warmups: 2', '  warmup: 2');
    let message = '';
    try {
      parseChallenge(yaml, 'challenges/x/challenge.yaml');
    } catch (err) {
      expect(err).toBeInstanceOf(ChallengeError);
      message = (err as Error).message;
    }
    expect(message).toMatch(/^challenges\/x\/challenge\.yaml: /);
    expect(message).toContain('task: Invalid option: expected one of "kws"|"vww"|"ad"');
    expect(message).toContain('device.warmup: unknown field; allowed here: enabled, warmups, inferences, timeoutMs, arithmetic');
  });
});
