import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ChallengeError, listChallengeIds, loadChallenge, parseChallenge, rulesForChallenge } from '../../grader/challenges/load.js';
import { FIRMWARE_OP_SET } from '../../grader/validate/op-set.js';
import { tempDir } from '../helpers/tmp.js';
import { challengeYaml } from '../fixtures/challenge-yaml.js';

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

  const rest =
    'scoring:\n  gate: { metric: top1, min: 0.9 }\n  weights: { quality: 100, latency: 20, flash: 20 }\n  latency: { bestMs: 10, worstMs: 100 }\n  flash: { bestBytes: 100, worstBytes: 1000 }\n' +
    'timeline: { opens: "2026-12-01T00:00:00Z", closes: "2027-01-01T00:00:00Z" }\nquotas: { perDay: 5 }\n';
  // budgets last, so tests can append budget keys.
  const base = 'id: x-demo\ntitle: X\ntask: kws\n' + rest + 'budgets:\n  maxModelBytes: 1000\n  maxArenaBytes: 1000\n';

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

describe('challenge rules beyond the budgets', () => {
  const full = (extra = '') => challengeYaml({ gateMin: 0.9, closes: '2027-01-01T00:00:00+01:00', extra });

  it('loads with defaults for team, device, reset time and zones', () => {
    const c = parseChallenge(full(), 'c.yaml').definition;
    expect(c.team.maxSize).toBe(1);
    expect(c.device).toMatchObject({ enabled: true, arithmetic: 'tflm' });
    expect(c.quotas).toMatchObject({ resetAt: '00:00', timeZone: 'UTC' });
  });

  it('requires explicit time zones and sane orderings', () => {
    expect(() => parseChallenge(full().replace('"2026-12-01T00:00:00Z"', '"2026-12-01T00:00:00"'), 'c.yaml')).toThrow(/timeline\.opens: an ISO 8601 time with an explicit offset/);
    expect(() => parseChallenge(full().replace('"2026-12-01T00:00:00Z"', '"2027-06-01T00:00:00Z"'), 'c.yaml')).toThrow(/opens must be before closes/);
    expect(() => parseChallenge(full('').replace('quotas: { perDay: 5 }', 'quotas: { perDay: 5, timeZone: Mars/Olympus }'), 'c.yaml')).toThrow(/an IANA time zone/);
    expect(() => parseChallenge(full().replace('metric: top1', 'metric: auc'), 'c.yaml')).toThrow(/a kws challenge is gated on top1/);
    expect(() => parseChallenge(full().replace('bestMs: 10', 'bestMs: 500'), 'c.yaml')).toThrow(/bestMs must be below worstMs/);
  });
});

describe('composite score', () => {
  it('adds clipped, normalised terms with the challenge weights', async () => {
    const { compositeScore, normalise } = await import('../../grader/challenges/composite.js');
    const scoring = loadChallenge('kws-demo').definition.scoring;
    expect(normalise(20, 20, 400)).toBe(1);
    expect(normalise(210, 20, 400)).toBe(0.5);
    expect(normalise(9999, 20, 400)).toBe(0);
    const s = compositeScore(scoring, { quality: 0.92, latencyMs: 210, modelBytes: 262144 });
    expect(s).toMatchObject({ eligible: true, terms: { quality: 0.92, latency: 0.5, flash: 0 }, missing: [] });
    expect(s.score).toBeCloseTo(92 + 10, 9);
    // Under kws-demo's demo gate (top1 ≥ 0.85).
    const noDevice = compositeScore(scoring, { quality: 0.84, modelBytes: 20000 });
    expect(noDevice).toMatchObject({ eligible: false, missing: ['latency'] });
    expect(noDevice.score).toBeCloseTo(84 + 20, 9);
  });
});
