/** Classification metrics over integer labels and predictions (pure functions). */

export interface ClassMetrics {
  label: number;
  support: number;
  precision: number;
  recall: number;
  f1: number;
}

export interface ClassificationReport {
  n: number;
  top1: number;
  /** confusion[true][predicted] */
  confusion: number[][];
  perClass: ClassMetrics[];
  macroF1: number;
}

/** F-beta from precision and recall (0 when both are 0). */
export function fBeta(precision: number, recall: number, beta = 1): number {
  const b2 = beta * beta;
  const denom = b2 * precision + recall;
  return denom === 0 ? 0 : ((1 + b2) * precision * recall) / denom;
}

export function classificationReport(labels: ArrayLike<number>, predictions: ArrayLike<number>, numClasses: number): ClassificationReport {
  if (labels.length !== predictions.length) throw new RangeError(`${labels.length} labels but ${predictions.length} predictions`);
  const confusion = Array.from({ length: numClasses }, () => new Array<number>(numClasses).fill(0));
  let correct = 0;
  for (let i = 0; i < labels.length; i++) {
    const t = labels[i]!;
    const p = predictions[i]!;
    if (!(t >= 0 && t < numClasses && p >= 0 && p < numClasses)) throw new RangeError(`sample ${i}: label ${t} / prediction ${p} outside 0…${numClasses - 1}`);
    confusion[t]![p]!++;
    if (t === p) correct++;
  }
  const perClass = confusion.map((row, c) => {
    const tp = row[c]!;
    const support = row.reduce((a, b) => a + b, 0);
    const predicted = confusion.reduce((a, r) => a + r[c]!, 0);
    const precision = predicted === 0 ? 0 : tp / predicted;
    const recall = support === 0 ? 0 : tp / support;
    return { label: c, support, precision, recall, f1: fBeta(precision, recall) };
  });
  const present = perClass.filter((c) => c.support > 0);
  return {
    n: labels.length,
    top1: labels.length === 0 ? 0 : correct / labels.length,
    confusion,
    perClass,
    macroF1: present.length === 0 ? 0 : present.reduce((a, c) => a + c.f1, 0) / present.length,
  };
}

/** Index of the largest value (first one on ties, as numpy's argmax). */
export function argmax(values: ArrayLike<number>, start = 0, length = values.length - start): number {
  let best = 0;
  for (let i = 1; i < length; i++) if (values[start + i]! > values[start + best]!) best = i;
  return best;
}
