/**
 * A multinomial naive Bayes over a post's words: the second opinion in the triage ensemble (model.ts).
 * It reads the word features of `featuresOf` (`w:` stems, `t:` title stems) and which forum signals
 * (`s:`) fired, as events that occur or not, counts which kinds have them, and smooths the counts. It is trained from scratch in milliseconds (no warm start is needed when moderators add
 * examples), and it errs differently from the softmax model: it weighs every word a little instead of a
 * few words a lot, which is what posts in unseen phrasing need. Pure: no I/O.
 */
import type { Example, Features } from './linear-model.js';

/** Serialised model (shipped with the softmax weights and stored in the database). */
export interface NaiveBayesJson {
  classes: string[];
  /** Feature-name prefixes the model reads. */
  prefixes: string[];
  /** Additive (Lidstone) smoothing per feature and class. */
  alpha: number;
  /** Weighted number of training posts per class. */
  docs: number[];
  /** feature → weighted number of posts per class that have it. */
  counts: Record<string, number[]>;
}

/**
 * Words and signals. Not character n-grams (too many, too alike for independent counts), retrieval
 * scores, nor rule votes (they restate the signals; with them, fresh posts were classified worse).
 * Chosen by cross-validation on the train split and on posts written after the model was trained: the
 * signals add courseware-bug and spam recall for about half a point of kind accuracy.
 */
export const NB_PREFIXES: readonly string[] = ['w:', 't:', 's:'];

export class NaiveBayesModel {
  private readonly index: Map<string, number>;
  private docs: Float64Array;
  private readonly counts = new Map<string, Float64Array>();
  /** log P(feature | class) and log P(class), rebuilt after training or loading. */
  private logLik = new Map<string, Float64Array>();
  private logPrior: Float64Array;

  constructor(
    readonly classes: readonly string[],
    readonly prefixes: readonly string[] = NB_PREFIXES,
    readonly alpha = 0.5,
  ) {
    this.index = new Map(classes.map((c, i) => [c, i]));
    this.docs = new Float64Array(classes.length);
    this.logPrior = new Float64Array(classes.length);
  }

  private reads(feature: string): boolean {
    return this.prefixes.some((p) => feature.startsWith(p));
  }

  /** Count the examples (negative examples say nothing about which words a kind uses, so they are skipped). */
  train(examples: readonly Example[]): this {
    const K = this.classes.length;
    for (const ex of examples) {
      const k = this.index.get(ex.y);
      if (k === undefined || ex.negative) continue;
      const w = ex.weight ?? 1;
      this.docs[k]! += w;
      for (const f of ex.x.keys()) {
        if (!this.reads(f)) continue;
        let c = this.counts.get(f);
        if (!c) this.counts.set(f, (c = new Float64Array(K)));
        c[k]! += w;
      }
    }
    return this.prepare();
  }

  /** Turn the counts into log probabilities (multinomial over feature occurrences, Lidstone-smoothed). */
  private prepare(): this {
    const K = this.classes.length;
    const totals = new Float64Array(K);
    for (const c of this.counts.values()) for (let k = 0; k < K; k++) totals[k]! += c[k]!;
    const V = this.counts.size || 1;
    const docsAll = this.docs.reduce((a, b) => a + b, 0);
    for (let k = 0; k < K; k++) this.logPrior[k] = Math.log((this.docs[k]! + 1) / (docsAll + K));
    this.logLik = new Map();
    for (const [f, c] of this.counts) {
      const l = new Float64Array(K);
      for (let k = 0; k < K; k++) l[k] = Math.log((c[k]! + this.alpha) / (totals[k]! + this.alpha * V));
      this.logLik.set(f, l);
    }
    return this;
  }

  /** Log posterior per class (normalised, so the values are ≤ 0 and exp() sums to 1). */
  logProbs(x: Features): Float64Array {
    const z = Float64Array.from(this.logPrior);
    for (const f of x.keys()) {
      const l = this.logLik.get(f);
      if (l) for (let k = 0; k < z.length; k++) z[k]! += l[k]!;
    }
    let max = -Infinity;
    for (const v of z) max = Math.max(max, v);
    let sum = 0;
    for (const v of z) sum += Math.exp(v - max);
    const norm = max + Math.log(sum);
    for (let k = 0; k < z.length; k++) z[k]! -= norm;
    return z;
  }

  toJSON(): NaiveBayesJson {
    const counts: Record<string, number[]> = {};
    for (const f of [...this.counts.keys()].sort()) counts[f] = [...this.counts.get(f)!].map((v) => Math.round(v * 100) / 100);
    return { classes: [...this.classes], prefixes: [...this.prefixes], alpha: this.alpha, docs: [...this.docs].map((v) => Math.round(v * 100) / 100), counts };
  }

  static fromJSON(json: NaiveBayesJson): NaiveBayesModel {
    const m = new NaiveBayesModel(json.classes, json.prefixes, json.alpha);
    m.docs = Float64Array.from(json.docs);
    for (const [f, c] of Object.entries(json.counts)) m.counts.set(f, Float64Array.from(c));
    return m.prepare();
  }
}
