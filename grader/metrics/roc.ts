/**
 * ROC analysis for anomaly detection: exact AUC with ties counted ½ (the Mann–Whitney statistic, equal
 * to sklearn's roc_auc_score), the ROC curve for plots, and partial AUC up to a false-positive rate
 * with sklearn's McClish standardisation.
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

/**
 * Partial AUC over FPR ∈ [0, maxFpr], standardised as sklearn's roc_auc_score(max_fpr=…):
 * ½·(1 + (A − min)/(max − min)) with min = maxFpr²/2 and max = maxFpr.
 */
export function partialRocAuc(scores: ArrayLike<number>, labels: ArrayLike<number>, maxFpr: number): number {
  if (!(maxFpr > 0 && maxFpr <= 1)) throw new RangeError('maxFpr must be in (0, 1]');
  if (maxFpr === 1) return rocAuc(scores, labels);
  const pts = rocCurve(scores, labels);
  let area = 0;
  for (let i = 1; i < pts.length; i++) {
    const a = pts[i - 1]!;
    const b = pts[i]!;
    if (a.fpr >= maxFpr) break;
    const x1 = Math.min(b.fpr, maxFpr);
    // Linear interpolation of TPR at the cut, as sklearn does.
    const y1 = b.fpr === a.fpr ? b.tpr : a.tpr + ((b.tpr - a.tpr) * (x1 - a.fpr)) / (b.fpr - a.fpr);
    area += ((x1 - a.fpr) * (a.tpr + y1)) / 2;
  }
  const minArea = (maxFpr * maxFpr) / 2;
  return 0.5 * (1 + (area - minArea) / (maxFpr - minArea));
}
