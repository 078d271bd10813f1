/**
 * The shape of a task plug-in (keyword spotting, visual wake words, anomaly detection, …): everything
 * the grader, the validator, the rack and the report need to know about one MLPerf Tiny-style task,
 * as plain data and pure functions. One file per task in this folder, listed in ./index.ts.
 */
import type { ClassMetrics } from '../metrics/classification.js';
import type { RocPoint } from '../metrics/roc.js';
import type { TensorType } from '../tflite/schema.js';

export interface TensorSpec {
  shape: number[];
  dtype: TensorType;
}

/** How stored sample bytes encode real values. */
export type StoredEncoding = { dtype: 'int8' | 'uint8'; scale: number; zeroPoint: number } | { dtype: 'float32' };

/** What a metric makes of a set's outputs. Higher is better. */
export interface MetricResult {
  metric: 'top1' | 'auc';
  value: number;
  perClass?: ClassMetrics[];
  confusion?: number[][];
  auc?: number;
  roc?: RocPoint[];
}

export interface TaskMetric {
  id: MetricResult['metric'];
  /** As a report or a plot axis names it ("top-1 accuracy", "ROC AUC"). */
  label: string;
  /**
   * The metric over a set: `outputs[i][k]` is what the model (or a firmware) answered for the k-th
   * input of sample i (class scores, or one anomaly score per window).
   */
  score(labels: readonly number[], outputs: readonly (readonly ArrayLike<number>[])[]): MetricResult;
}

/** Report sections a task's results have, in order (the web report draws them). */
export type ReportSection = 'confusion' | 'per-class' | 'roc';

export interface TaskPlugin {
  /** The id challenges and datasets use (`task: kws`). */
  id: string;
  /** What people call it ("keyword spotting"). */
  title: string;
  /** The MLPerf Tiny model id a firmware answers to `profile` (`kws01`). */
  modelId: string;
  /** The model signature a challenge of this task expects. */
  signature: { inputs: TensorSpec[]; outputs: TensorSpec[] };
  /** Preflight's explanation of the expected input or output (`shape` is the expected one, as text). */
  describeTensor(what: 'input' | 'output', shape: string): string;
  /** Class names by label (AD: normal, anomaly). */
  labels: readonly string[];
  /** What a firmware prints per input in `m-results-[…]`: how many values, and what they are (for its error messages). */
  results: { perInput: number; description: string };
  /** The reference encoding of stored samples, when a dataset folder states none. */
  storedEncoding: StoredEncoding;
  /** A stored sample holds several model inputs (AD: a file of frames, scored window by window). */
  window?: { bytes: number; stride: number };
  /**
   * What the host makes of one raw model output before the metric sees it; absent: the output as it
   * is (class scores). AD: the reconstruction error of the input window.
   */
  hostOutput?(input: Uint8Array, output: Int8Array, quant: { scale: number; zeroPoint: number }): ArrayLike<number>;
  metric: TaskMetric;
  /** The metric is defined only on sets holding both classes (ROC AUC): splits and subsets keep both. */
  needsBothClasses: boolean;
  /** The reference front end from raw signal to model input, as the report and docs describe it. */
  frontEnd: string;
  reportSections: readonly ReportSection[];
}
