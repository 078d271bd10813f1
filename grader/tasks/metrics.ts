/** The two metrics the tasks use, as {@link TaskMetric}s over per-input outputs. */
import { argmax, classificationReport } from '../metrics/classification.js';
import { rocAuc, rocCurve } from '../metrics/roc.js';
import type { TaskMetric } from './types.js';

/** Top-1 accuracy of the first output of each sample (argmax over its class scores). */
export const top1: TaskMetric = {
  id: 'top1',
  label: 'top-1 accuracy',
  score(labels, outputs) {
    const classes = outputs[0]?.[0]?.length ?? 0;
    const predictions = outputs.map((perInput) => argmax(perInput[0]!));
    const report = classificationReport(labels, predictions, classes);
    return { metric: 'top1', value: report.top1, perClass: report.perClass, confusion: report.confusion };
  },
};

/** Exact ROC AUC (ties ½) of the per-sample mean of the per-input anomaly scores. */
export const rocAucOfMeans: TaskMetric = {
  id: 'auc',
  label: 'ROC AUC',
  score(labels, outputs) {
    const scores = outputs.map((perInput) => perInput.reduce((a, v) => a + v[0]!, 0) / perInput.length);
    const auc = rocAuc(scores, labels);
    return { metric: 'auc', value: auc, auc, roc: rocCurve(scores, labels) };
  },
};
