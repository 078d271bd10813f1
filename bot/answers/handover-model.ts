/**
 * A learned "needs a person" signal next to the hand-written patterns of `handover.ts`: a multinomial
 * logistic regression over nine classes (answerable, or one of the eight hand-over reasons) on word
 * unigrams and bigrams and character 3–4-grams of the folded question. Character n-grams carry the
 * multilingual and misspelt forms ("certificado", "meri", "reembolso", "refnd"); word bigrams carry the
 * owner and the administrative object together ("my grade", "mi nota", "next run").
 *
 * It is trained at first use from the labelled TRAIN questions only (`corpus/questions.jsonl` rows with
 * `split: "train"`, and all of `corpus/train-more.jsonl`), deterministically: fixed feature order, a
 * seeded example order, no randomness elsewhere. Training at load instead of shipping weights keeps
 * the model in step with the corpus without a generated file to refresh (an artifact of hashed weights
 * would be megabytes and need its own freshness test). Loading the ~970 questions and training takes
 * about 0.2 s of CPU once per process (180–370 ms wall on a loaded 2-core machine; `trainMs` says), on
 * the first question the patterns let through; scoring a question then takes ~0.02 ms.
 */
import { readFileSync } from 'node:fs';
import { fromRoot } from '../../core/paths.js';
import type { HandoverReason } from './handover.js';
import { fold } from './text.js';
import { seededUniform } from '../../lib/rng.js';

/** One labelled example: the question and its hand-over reason, or null when it is answerable. */
export interface HandoverExample {
  question: string;
  reason: HandoverReason | null;
}

/** What the model says about one question. */
export interface HandoverScore {
  /** Probability that the question needs a person (1 − P(answerable)). */
  probability: number;
  /**
   * The reason to give: the most likely one when it holds at least {@link REASON_SHARE_FLOOR} of the
   * hand-over probability, else 'other' (a neutral "flagged for the moderators" beats a confident
   * wrong direction such as "grades are kept by edX" for a request to remove a photo).
   */
  reason: HandoverReason;
  /** The most likely hand-over reason, however unsure. */
  likeliest: HandoverReason;
  /** Its share of the hand-over probability (how sure the model is of the reason itself). */
  reasonShare: number;
}

/**
 * Below this share the reason is 'other'. On held-out folds (bench/handover-cv.ts) the likeliest reason was
 * right for 60 % of hand-overs with a share under 0.4 and for 87 % above it.
 */
export const REASON_SHARE_FLOOR = 0.4;

/** Training settings; the defaults were chosen by cross-validation over the train questions (bench/handover-cv.ts). */
export interface HandoverModelOptions {
  /** Passes over the examples. */
  epochs?: number;
  /** Initial step size (decays as 1/(1 + t/decay)). */
  rate?: number;
  /** L2 penalty per step on the weights an example touches. */
  l2?: number;
  /** Features seen in fewer training questions than this are dropped. */
  minCount?: number;
  /** Seed of the example order. */
  seed?: number;
}

const REASONS: readonly HandoverReason[] = ['grades', 'certificate', 'account', 'payment', 'personal-data', 'unannounced-plans', 'outside-course', 'other'];
/** Class 0 is "answerable"; class i + 1 is REASONS[i]. */
const CLASSES = REASONS.length + 1;

const DEFAULTS: Required<HandoverModelOptions> = { epochs: 8, rate: 1, l2: 1e-4, minCount: 2, seed: 18 };

/**
 * The features of a question as 32-bit hashes (FNV-1a, one salt per kind): word unigrams and bigrams and
 * character 3–4-grams of its folded text, each counted once. Hashing instead of building strings keeps
 * training on ~1,000 questions well under the budget; a collision merges two rare features at worst.
 */
export function handoverFeatures(question: string): number[] {
  const text = ` ${fold(question).replace(/[^a-z0-9'%?]+/g, ' ').trim()} `;
  const out = new Set<number>();
  // Word starts and ends in the padded text (every word is preceded and followed by one space).
  const starts: number[] = [];
  for (let i = 1; i < text.length; i++) if (text[i - 1] === ' ' && text[i] !== ' ') starts.push(i);
  const wordEnd = (i: number) => text.indexOf(' ', i);
  for (let k = 0; k < starts.length; k++) {
    const a = starts[k]!;
    const e = wordEnd(a);
    out.add(fnv(text, a, e, 0x11));
    const next = starts[k + 1];
    if (next !== undefined) out.add(fnv(text, a, wordEnd(next), 0x22));
  }
  for (let n = 3; n <= 4; n++) for (let i = 0; i + n <= text.length; i++) out.add(fnv(text, i, i + n, 0x30 + n));
  return [...out];
}

/** FNV-1a of text[from, to), salted so that a word and a character n-gram with the same letters differ. */
function fnv(text: string, from: number, to: number, salt: number): number {
  let h = (0x811c9dc5 ^ salt) >>> 0;
  for (let i = from; i < to; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return (h >>> 0) & (BUCKETS - 1);
}

/** Hash buckets: ~45,000 distinct features of the train questions rarely share one at 2^20. */
const BUCKETS = 1 << 20;

/** A trained hand-over classifier. */
export class HandoverModel {
  private constructor(
    private readonly index: Int32Array,
    /** CLASSES weights per feature, feature-major. */
    private readonly weights: Float64Array,
    private readonly bias: Float64Array,
    /** Milliseconds the training took. */
    readonly trainMs: number,
  ) {}

  /** Train on labelled examples (deterministic for the same examples and options). */
  static train(examples: readonly HandoverExample[], options: HandoverModelOptions = {}): HandoverModel {
    const o = { ...DEFAULTS, ...options };
    const started = performance.now();
    const docs = examples.map((e) => handoverFeatures(e.question));
    // Bucket → compact feature number (-1: seen in fewer than minCount questions).
    const df = new Uint16Array(BUCKETS);
    for (const d of docs) for (const f of d) df[f]!++;
    const index = new Int32Array(BUCKETS).fill(-1);
    let size = 0;
    for (const d of docs) for (const f of d) if (index[f] === -1 && df[f]! >= o.minCount) index[f] = size++;
    const encoded = docs.map((d) => encode(d, index));
    const labels = examples.map((e) => (e.reason === null ? 0 : REASONS.indexOf(e.reason) + 1));
    const weights = new Float64Array(size * CLASSES);
    const bias = new Float64Array(CLASSES);
    const order = examples.map((_, i) => i);
    const random = seededUniform(o.seed);
    const p = new Float64Array(CLASSES);
    const decay = Math.max(1, examples.length);
    let t = 0;
    for (let epoch = 0; epoch < o.epochs; epoch++) {
      // Fisher–Yates with the seeded generator: a fixed but well-mixed order each pass.
      for (let i = order.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [order[i], order[j]] = [order[j]!, order[i]!];
      }
      for (const k of order) {
        const x = encoded[k]!;
        if (!x.length) continue;
        // Features are binary and scaled to unit length, so long questions do not take larger steps.
        const scale = 1 / Math.sqrt(x.length);
        softmax(weights, bias, x, scale, p);
        const step = o.rate / (1 + t++ / decay);
        const y = labels[k]!;
        const shrink = 1 - step * o.l2;
        for (let c = 0; c < CLASSES; c++) {
          p[c] = step * (p[c]! - (c === y ? 1 : 0));
          bias[c]! -= p[c]!;
          p[c]! *= scale;
        }
        for (let i = 0; i < x.length; i++) {
          const base = x[i]! * CLASSES;
          for (let c = 0; c < CLASSES; c++) weights[base + c] = weights[base + c]! * shrink - p[c]!;
        }
      }
    }
    return new HandoverModel(index, weights, bias, performance.now() - started);
  }

  /** The probability that a question needs a person, and its most likely reason. */
  score(question: string): HandoverScore {
    const x = encode(handoverFeatures(question), this.index);
    const p = new Float64Array(CLASSES);
    softmax(this.weights, this.bias, x, x.length ? 1 / Math.sqrt(x.length) : 0, p);
    let best = 1;
    for (let c = 2; c < CLASSES; c++) if (p[c]! > p[best]!) best = c;
    const likeliest = REASONS[best - 1]!;
    const reasonShare = p[best]! / Math.max(1e-12, 1 - p[0]!);
    return { probability: 1 - p[0]!, reason: reasonShare >= REASON_SHARE_FLOOR ? likeliest : 'other', likeliest, reasonShare };
  }
}

/** A question's features as compact feature numbers, unknown ones dropped. */
function encode(features: readonly number[], index: Int32Array): Int32Array {
  const out: number[] = [];
  for (const f of features) if (index[f]! >= 0) out.push(index[f]!);
  return Int32Array.from(out);
}

/** Class probabilities of one encoded question into `out`. */
function softmax(weights: Float64Array, bias: Float64Array, x: Int32Array, scale: number, out: Float64Array): void {
  out.fill(0);
  for (let i = 0; i < x.length; i++) {
    const base = x[i]! * CLASSES;
    for (let c = 0; c < CLASSES; c++) out[c]! += weights[base + c]!;
  }
  for (let c = 0; c < CLASSES; c++) out[c] = out[c]! * scale + bias[c]!;
  let max = -Infinity;
  for (let c = 0; c < CLASSES; c++) max = Math.max(max, out[c]!);
  let sum = 0;
  for (let c = 0; c < CLASSES; c++) sum += out[c] = Math.exp(out[c]! - max);
  for (let c = 0; c < CLASSES; c++) out[c]! /= sum;
}

interface CorpusRow {
  question: string;
  should_abstain: boolean;
  handover_reason?: string | null;
  split?: string;
}

const readRows = (path: string): CorpusRow[] => readFileSync(path, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as CorpusRow);

/**
 * The training examples: questions.jsonl rows of the train split (the frozen test split is filtered out
 * here and never seen) and every train-more.jsonl row.
 */
export function loadHandoverExamples(): HandoverExample[] {
  const rows = [...readRows(fromRoot('bot', 'answers', 'corpus', 'questions.jsonl')), ...readRows(fromRoot('bot', 'answers', 'corpus', 'train-more.jsonl'))];
  return rows
    .filter((r) => r.split === 'train')
    .map((r) => ({ question: r.question, reason: r.should_abstain ? ((REASONS as readonly string[]).includes(r.handover_reason ?? '') ? (r.handover_reason as HandoverReason) : 'other') : null }));
}

let shared: HandoverModel | null | undefined;
/**
 * The model trained on every train question, built once per process on first use; null when the corpus
 * files are not there (a deployment without bot/answers/corpus keeps the patterns and the backstop).
 */
export function defaultHandoverModel(): HandoverModel | null {
  if (shared === undefined) {
    try {
      shared = HandoverModel.train(loadHandoverExamples());
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      shared = null;
    }
  }
  return shared;
}
