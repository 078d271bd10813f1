/** The pure parts of grading a firmware on the board: results parsing, metrics, and AD windows. */
import { describe, expect, it } from 'vitest';
import { spreadWindows } from '../../grader/datasets/dataset.js';
import { seededSubset } from '../../grader/metrics/split.js';
import { parseResults, scoreFirmwareOutputs } from '../../grader/rack/firmware-run.js';
import { FirmwareRunError } from '../../grader/rack/rack-job.js';

const meta = { durationMs: 5, arithmetic: 'tflite' as const };
const onehot = (k: number, n = 12) => Array.from({ length: n }, (_, i) => (i === k ? 0.9 : 0.01));

describe('firmware results', () => {
  it('parses m-results items as numbers and names the sample of a bad one', () => {
    expect(parseResults(['0.996', '1.234e-01', '-2', '0'], 'x')).toEqual([0.996, 0.1234, -2, 0]);
    expect(() => parseResults(['0.5', 'nan'], 'sample s7')).toThrow(FirmwareRunError);
    expect(() => parseResults(['0.5', 'abc'], 'sample s7')).toThrow(/"abc" is not a number \(sample s7\)/);
    expect(() => parseResults(['Infinity'], 'x')).toThrow(/not a number/);
  });

  it('top-1 from printed class scores (argmax, first of ties) with a confusion matrix', () => {
    const samples = [0, 3, 3, 11].map((label, i) => ({ id: `s${i}`, label }));
    const r = scoreFirmwareOutputs('kws', samples, [[onehot(0)], [onehot(3)], [onehot(5)], [onehot(11)]], meta);
    expect(r).toMatchObject({ task: 'kws', metric: 'top1', value: 0.75, n: 4 });
    expect(r.confusion![3]![5]).toBe(1);
    // Ties go to the first class, as the host engine's argmax does.
    const tie = scoreFirmwareOutputs('vww', [{ id: 'a', label: 0 }], [[[0.5, 0.5]]], meta);
    expect(tie.value).toBe(1);
  });

  it('AD: ROC AUC of per-file means of the printed window errors', () => {
    const samples = [0, 0, 1, 1].map((label, i) => ({ id: `f${i}`, label }));
    // File means: 0.1, 0.3, 0.2, 0.5 → pairs (anomalous > normal): 0.2>0.1 ✓, 0.2>0.3 ✗, 0.5 ✓✓ → 3/4.
    const results = [[[0.1], [0.1]], [[0.2], [0.4]], [[0.2]], [[0.4], [0.6]]];
    const r = scoreFirmwareOutputs('ad', samples, results, meta);
    expect(r).toMatchObject({ metric: 'auc', value: 0.75, auc: 0.75 });
    expect(r.roc!.length).toBeGreaterThan(1);
  });

  it('rejects output of the wrong shape with what a firmware of the task prints', () => {
    expect(() => scoreFirmwareOutputs('kws', [{ id: 's0', label: 0 }], [[[0.1, 0.9]]], meta)).toThrow(/printed 2 value\(s\) .* for sample s0; a kws firmware prints 12 class scores/);
    expect(() => scoreFirmwareOutputs('ad', [{ id: 'f0', label: 0 }], [[[0.1, 0.2]]], meta)).toThrow(/an? ad firmware prints one reconstruction error/);
  });
});

describe('seeded subsets (device stage) and AD windows', () => {
  const sample = (id: string, label: number) => ({ id, label, data: new Uint8Array(1) });
  const set = Array.from({ length: 40 }, (_, i) => sample(`s${i}`, i < 34 ? 0 : 1));

  it('is fixed by the seed and the same for every submission', () => {
    const a = seededSubset(set, 'firmware', 'seed', 10).map((s) => s.id);
    expect(seededSubset([...set].reverse(), 'firmware', 'seed', 10).map((s) => s.id)).toEqual(a);
    expect(seededSubset(set, 'firmware', 'other', 10).map((s) => s.id)).not.toEqual(a);
    expect(a).toHaveLength(10);
  });

  it('AD takes half from each class, the other class filling in when one is short', () => {
    const half = seededSubset(set, 'firmware', 'seed', 8, { bothClasses: true });
    expect(half.filter((s) => s.label === 1)).toHaveLength(4);
    expect(half.filter((s) => s.label === 0)).toHaveLength(4);
    const short = seededSubset(set, 'firmware', 'seed', 20, { bothClasses: true });
    expect(short.filter((s) => s.label === 1)).toHaveLength(6);
    expect(short).toHaveLength(20);
    expect(seededSubset(set, 'firmware', 'seed', 100, { bothClasses: true })).toHaveLength(40);
  });

  it('AD windows are evenly spaced, first and last included', () => {
    const w = { bytes: 4, stride: 2 };
    const data = Uint8Array.from({ length: 20 }, (_, i) => i); // 9 windows at 0,2,…,16
    expect(spreadWindows(data, w, 3).map((x) => x[0])).toEqual([0, 8, 16]);
    expect(spreadWindows(data, w, 1).map((x) => x[0])).toEqual([0]);
    expect(spreadWindows(data, w, 50)).toHaveLength(9);
    // Every window, as a model is scored on (what the firmware stage sends).
    expect(spreadWindows(data, w, Number.POSITIVE_INFINITY).map((x) => x[0])).toEqual([0, 2, 4, 6, 8, 10, 12, 14, 16]);
    expect(spreadWindows(data, w, 3).every((x) => x.length === 4)).toBe(true);
    expect(() => spreadWindows(new Uint8Array(3), w, 2)).toThrow(/shorter than one 4-byte window/);
  });
});
