/**
 * A small multinomial logistic regression (softmax) over sparse features, written for triage: sample
 * weights (a moderator's decision counts more than a corpus post), negative examples ("not this kind",
 * from a dismissed proposal: loss −log(1 − p_k)), warm starts (incremental retraining from the current
 * weights) and a deterministic, seeded training run. Pure: no I/O.
 *
 * Why our own and not a library: the packages available (ml-logistic-regression, naive Bayes
 * classifiers) train dense one-vs-rest models without sample weights, negative labels or warm starts;
 * this is about 100 lines and trains the whole corpus in well under a second.
 */

import { seededUniform } from '../../../lib/rng.js';

/** Sparse feature vector: feature name → value. */
export type Features = ReadonlyMap<string, number>;

/** One training example. */
export interface Example {
  x: Features;
  /** Class name. */
  y: string;
  /** Sample weight (default 1). */
  weight?: number;
  /** True: the example says the post is NOT of class `y`. */
  negative?: boolean;
}

/** Training options. */
export interface TrainOptions {
  epochs?: number;
  /** L2 penalty per example step (default 1e-4). */
  l2?: number;
  /** AdaGrad base learning rate (default 0.5). */
  rate?: number;
  seed?: number;
}

/** Serialised model (stored in the database and shipped as JSON). */
export interface SoftmaxModelJson {
  classes: string[];
  /** feature → one weight per class (rounded). */
  weights: Record<string, number[]>;
}

export class SoftmaxModel {
  private readonly w = new Map<string, Float64Array>();
  private readonly index: Map<string, number>;

  constructor(readonly classes: readonly string[]) {
    this.index = new Map(classes.map((c, i) => [c, i]));
  }

  static fromJSON(json: SoftmaxModelJson): SoftmaxModel {
    const m = new SoftmaxModel(json.classes);
    for (const [f, ws] of Object.entries(json.weights)) m.w.set(f, Float64Array.from(ws));
    return m;
  }

  /** Weights rounded to 4 decimals; features whose weights are all ≈ 0 are left out. */
  toJSON(): SoftmaxModelJson {
    const weights: Record<string, number[]> = {};
    for (const f of [...this.w.keys()].sort()) {
      const ws = this.w.get(f)!;
      if (ws.every((v) => Math.abs(v) < 5e-4)) continue;
      weights[f] = [...ws].map((v) => Math.round(v * 1e4) / 1e4);
    }
    return { classes: [...this.classes], weights };
  }

  /** Raw class scores (logits). */
  scores(x: Features): Float64Array {
    const z = new Float64Array(this.classes.length);
    for (const [f, v] of x) {
      const ws = this.w.get(f);
      if (!ws) continue;
      for (let k = 0; k < z.length; k++) z[k]! += v * ws[k]!;
    }
    return z;
  }

  /** Class probabilities. */
  predict(x: Features, extra?: Float64Array): Float64Array {
    const z = this.scores(x);
    if (extra) for (let k = 0; k < z.length; k++) z[k]! += extra[k]!;
    return softmax(z);
  }

  /** The weight of a feature for a class (0 when unknown). */
  weight(feature: string, cls: string): number {
    const k = this.index.get(cls);
    return k === undefined ? 0 : (this.w.get(feature)?.[k] ?? 0);
  }

  /**
   * Train on the examples with AdaGrad SGD, starting from the current weights (so calling it again with
   * new examples retrains incrementally). Deterministic for a given seed and example order.
   */
  train(examples: readonly Example[], opts: TrainOptions = {}): this {
    const epochs = opts.epochs ?? 30;
    const l2 = opts.l2 ?? 1e-4;
    const rate = opts.rate ?? 0.5;
    const rand = seededUniform(opts.seed ?? 1);
    const K = this.classes.length;
    const g2 = new Map<string, Float64Array>();
    const order = examples.map((_, i) => i);
    const grad = new Float64Array(K);
    for (let e = 0; e < epochs; e++) {
      for (let i = order.length - 1; i > 0; i--) {
        const j = Math.floor(rand() * (i + 1));
        [order[i], order[j]] = [order[j]!, order[i]!];
      }
      for (const i of order) {
        const ex = examples[i]!;
        const k = this.index.get(ex.y);
        if (k === undefined) continue;
        const p = this.predict(ex.x);
        const sw = ex.weight ?? 1;
        if (ex.negative) {
          // d/dz_j of −log(1 − p_k) = p_k (δ_jk − p_j) / (1 − p_k)
          const c = p[k]! / Math.max(1e-6, 1 - p[k]!);
          for (let j = 0; j < K; j++) grad[j] = sw * c * ((j === k ? 1 : 0) - p[j]!);
        } else for (let j = 0; j < K; j++) grad[j] = sw * (p[j]! - (j === k ? 1 : 0));
        for (const [f, v] of ex.x) {
          let ws = this.w.get(f);
          if (!ws) this.w.set(f, (ws = new Float64Array(K)));
          let acc = g2.get(f);
          if (!acc) g2.set(f, (acc = new Float64Array(K).fill(1e-8)));
          for (let j = 0; j < K; j++) {
            const g = grad[j]! * v + l2 * ws[j]!;
            acc[j]! += g * g;
            ws[j]! -= (rate * g) / Math.sqrt(acc[j]!);
          }
        }
      }
    }
    return this;
  }
}

export function softmax(z: Float64Array): Float64Array {
  let max = -Infinity;
  for (const v of z) max = Math.max(max, v);
  const out = new Float64Array(z.length);
  let sum = 0;
  for (let k = 0; k < z.length; k++) sum += out[k] = Math.exp(z[k]! - max);
  for (let k = 0; k < z.length; k++) out[k]! /= sum;
  return out;
}
