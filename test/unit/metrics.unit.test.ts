import { describe, expect, it } from 'vitest';
import { argmax, classificationReport, fBeta } from '../../grader/metrics/classification.js';
import { rocAuc, rocCurve } from '../../grader/metrics/roc.js';
import { isPrivate } from '../../grader/metrics/split.js';

describe('ROC AUC (values as sklearn.metrics.roc_auc_score computes them)', () => {
  it('matches the textbook example', () => {
    expect(rocAuc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1])).toBeCloseTo(0.75, 12);
  });
  it('counts ties as one half', () => {
    expect(rocAuc([1, 1, 1, 1], [0, 1, 0, 1])).toBe(0.5);
    // positives 0.5, 0.5, 0.9 vs negatives 0.2, 0.5: (1 + ½) + (1 + ½) + 2 = 5 of 6 pairs
    expect(rocAuc([0.2, 0.5, 0.5, 0.5, 0.9], [0, 0, 1, 1, 1])).toBeCloseTo(5 / 6, 12);
    // all scores tied in two blocks
    // positive 3 ties both negative 3s (½ + ½); each positive 7 beats two 3s and ties the 7: 1 + 2·2.5 = 6 of 9
    expect(rocAuc([3, 3, 3, 7, 7, 7], [0, 0, 1, 0, 1, 1])).toBeCloseTo(6 / 9, 12);
  });
  it('is 1 for perfect and 0 for inverted separation', () => {
    expect(rocAuc([1, 2, 3, 4], [0, 0, 1, 1])).toBe(1);
    expect(rocAuc([4, 3, 2, 1], [0, 0, 1, 1])).toBe(0);
  });
  it('gives the curve for plots and refuses one-class input', () => {
    expect(rocCurve([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1]).map((p) => [p.fpr, p.tpr])).toEqual([[0, 0], [0, 0.5], [0.5, 0.5], [0.5, 1], [1, 1]]);
    expect(() => rocAuc([1, 2], [1, 1])).toThrow(/both normal and anomalous/);
    expect(() => rocAuc([1, 2], [0, 2])).toThrow(/expected 0 \(normal\) or 1 \(anomaly\)/);
  });
});

describe('classification', () => {
  it('computes top-1, confusion and per-class precision/recall/F1', () => {
    const r = classificationReport([0, 0, 1, 1, 2, 2], [0, 1, 1, 1, 2, 0], 3);
    expect(r.top1).toBeCloseTo(4 / 6, 12);
    expect(r.confusion).toEqual([[1, 1, 0], [0, 2, 0], [1, 0, 1]]);
    expect(r.perClass[1]).toMatchObject({ support: 2, precision: 2 / 3, recall: 1 });
    expect(r.perClass[1]!.f1).toBeCloseTo(0.8, 12);
    expect(fBeta(0.5, 1, 2)).toBeCloseTo((5 * 0.5) / (4 * 0.5 + 1), 12);
    expect(() => classificationReport([0, 5], [0, 1], 3)).toThrow(/outside 0…2/);
  });
  it('argmax takes the first maximum', () => {
    expect(argmax([1, 5, 5, 2])).toBe(1);
    expect(argmax([9, 1, 2, 9, 3], 1, 3)).toBe(2);
  });
});

describe('public/private split', () => {
  it('is deterministic, seeded and close to the requested fraction', () => {
    const ids = Array.from({ length: 2000 }, (_, i) => `sample_${i}.bin`);
    const a = ids.filter((id) => isPrivate('kws-demo', id, 0.3));
    expect(ids.filter((id) => isPrivate('kws-demo', id, 0.3))).toEqual(a);
    expect(a.length / ids.length).toBeGreaterThan(0.26);
    expect(a.length / ids.length).toBeLessThan(0.34);
    expect(ids.filter((id) => isPrivate('other-seed', id, 0.3))).not.toEqual(a);
  });
});
