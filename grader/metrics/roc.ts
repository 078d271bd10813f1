/**
 * ROC analysis for anomaly detection: exact AUC with ties counted ½ (the Mann–Whitney statistic, equal
 * to sklearn's roc_auc_score) and the ROC curve for plots.
 */

export interface RocPoint {
  fpr: number;
  tpr: number;
  threshold: number;
}

function split(scores: ArrayLike<number>, labels: ArrayLike<number>): { pos: number; neg: number } {
  if (scores.length !== labels.length) throw new RangeError(`${scores.length} scores but ${labels.length} labels`);
  let pos = 0;
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] !== 0 && labels[i] !== 1) throw new RangeError(`label ${labels[i]} at ${i}: expected 0 (normal) or 1 (anomaly)`);
    if (!Number.isFinite(scores[i]!)) throw new RangeError(`score at ${i} is not finite`);
    pos += labels[i]!;
  }
  const neg = labels.length - pos;
  if (pos === 0 || neg === 0) throw new RangeError('ROC AUC needs both normal and anomalous samples');
  return { pos, neg };
}

/** Exact ROC AUC: P(score_anomaly > score_normal) + ½·P(equal). */
export function rocAuc(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  const { pos, neg } = split(scores, labels);
  const idx = Array.from({ length: scores.length }, (_, i) => i).sort((a, b) => scores[a]! - scores[b]!);
  // Sum of (average) ranks of the positives.
  let rankSum = 0;
  for (let i = 0; i < idx.length; ) {
    let j = i;
    while (j + 1 < idx.length && scores[idx[j + 1]!] === scores[idx[i]!]) j++;
    const avgRank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) if (labels[idx[k]!] === 1) rankSum += avgRank;
    i = j + 1;
  }
  return (rankSum - (pos * (pos + 1)) / 2) / (pos * neg);
}

/** ROC curve, one point per distinct threshold, from (0,0) to (1,1), as sklearn's roc_curve (no drop). */
export function rocCurve(scores: ArrayLike<number>, labels: ArrayLike<number>): RocPoint[] {
  const { pos, neg } = split(scores, labels);
  const idx = Array.from({ length: scores.length }, (_, i) => i).sort((a, b) => scores[b]! - scores[a]!);
  const points: RocPoint[] = [{ fpr: 0, tpr: 0, threshold: Infinity }];
  let tp = 0;
  let fp = 0;
  for (let i = 0; i < idx.length; i++) {
    if (labels[idx[i]!] === 1) tp++;
    else fp++;
    if (i + 1 === idx.length || scores[idx[i + 1]!] !== scores[idx[i]!]) points.push({ fpr: fp / neg, tpr: tp / pos, threshold: scores[idx[i]!]! });
  }
  return points;
}
