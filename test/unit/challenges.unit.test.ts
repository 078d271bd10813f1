import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ChallengeError, listChallengeIds, loadChallenge, parseChallenge, rulesForChallenge } from '../../grader/challenges/load.js';
import { FIRMWARE_OP_SET } from '../../grader/validate/op-set.js';
import { tempDir } from '../helpers/tmp.js';

describe('challenge definitions', () => {
  it('every challenges/*/challenge.yaml loads', () => {
    const ids = listChallengeIds();
    expect(ids).toEqual(expect.arrayContaining(['ad-demo', 'kws-demo', 'vww-demo']));
    for (const id of ids) {
      const c = loadChallenge(id);
      expect(c.definition.id).toBe(id);
      expect(c.sha256).toMatch(/^[0-9a-f]{64}$/);
      const rules = rulesForChallenge(c.definition);
      expect(rules.inputs?.length).toBeGreaterThan(0);
    }
  });

  it('fills the signature from the task', () => {
    const rules = rulesForChallenge(loadChallenge('kws-demo').definition);
    expect(rules.inputs).toEqual([{ shape: [1, 49, 10, 1], dtype: 'int8' }]);
    expect(rules.outputs).toEqual([{ shape: [1, 12], dtype: 'int8' }]);
    expect(rules.allowedOps).toBe(FIRMWARE_OP_SET);
  });

  const base = 'id: x-demo\ntitle: X\ntask: kws\nbudgets:\n  maxModelBytes: 1000\n  maxArenaBytes: 1000\n';

  it('reports malformed YAML with its line', () => {
    expect(() => parseChallenge('id: a\n  title: [unclosed\n', 'c.yaml')).toThrow(/^c\.yaml: line \d+, column \d+/);
  });

  it('names bad fields, unknown fields and unknown ops', () => {
    expect(() => parseChallenge(base.replace('task: kws', 'task: asr'), 'c.yaml')).toThrow(/c\.yaml: task: /);
    expect(() => parseChallenge(base + 'budget_typo: 1\n', 'c.yaml')).toThrow(/budget_typo/);
    expect(() => parseChallenge(base.replace('maxModelBytes: 1000', 'maxModelBytes: -5'), 'c.yaml')).toThrow(/budgets\.maxModelBytes/);
    expect(() => parseChallenge(base + '  allowedOps: [CONV_2D, LSTM]\n', 'c.yaml')).toThrow(/LSTM is not in the firmware op set/);
    const ok = parseChallenge(base + '  allowedOps: [CONV_2D, SOFTMAX]\n', 'c.yaml');
    expect([...rulesForChallenge(ok.definition).allowedOps.keys()]).toEqual(['CONV_2D', 'SOFTMAX']);
  });

  it('refuses duplicate keys and a folder/id mismatch', () => {
    expect(() => parseChallenge(base + 'title: again\n', 'c.yaml')).toThrow(ChallengeError);
    const dir = tempDir();
    mkdirSync(join(dir, 'y-demo'));
    writeFileSync(join(dir, 'y-demo', 'challenge.yaml'), base);
    expect(() => loadChallenge('y-demo', dir)).toThrow(/id is "x-demo" but the folder is "y-demo"/);
    expect(() => loadChallenge('nope', dir)).toThrow(/no challenge "nope" \(known: y-demo\)/);
    expect(() => loadChallenge('../etc', dir)).toThrow(/is not a challenge id/);
  });
});
