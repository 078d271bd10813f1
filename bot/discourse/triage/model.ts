/**
 * The learned part of triage: a softmax regression over {@link featuresOf} (words, forum signals,
 * retrieval, rule votes), plus a memory of the moderators' own decisions: a new post very like one a
 * moderator filed follows that decision at once, before any retraining.
 *
 * A fresh install uses the shipped model (`model/shipped-model.json`, trained on the whole labelled
 * corpus by `npx tsx bot/discourse/triage/train.ts`); a server retrains from the corpus plus the
 * moderators' examples and keeps the result in the database (learning.ts).
 */
import { existsSync, readFileSync } from 'node:fs';
import { fromRoot } from '../../../core/paths.js';
import { FEATURE_VERSION, featuresOf, termSimilarity, textTerms, type PostAnalysis } from './features.js';
import { SoftmaxModel, type SoftmaxModelJson, type TrainOptions } from './linear-model.js';
import { NaiveBayesModel, type NaiveBayesJson } from './naive-bayes.js';
import { SECTIONLESS, SectionRanker, type SectionEvidence, type SectionRankerJson } from './sections.js';
import { KINDS, type Kind } from './types.js';

/** A classifier over analysed posts (the learned model in model.ts, or a test double). */
export interface KindClassifier {
  classify(a: PostAnalysis): { probs: Record<Kind, number>; evidence: string[] };
  /** The section ranker trained with it (default: hand-set weights, no prior). */
  sections?: SectionRanker;
}

/** Where the shipped model lives. */
export const SHIPPED_MODEL_PATH = fromRoot('bot', 'discourse', 'triage', 'model', 'shipped-model.json');

/** Training settings, chosen by 5-fold cross-validation on the corpus's train split (BENCHMARKS.md). */
export const TRAINING: Required<TrainOptions> = { epochs: 40, l2: 2e-4, rate: 0.4, seed: 18 };

/** A serialised triage model with what it was trained on. */
export interface TriageModelJson {
  featureVersion: number;
  /** sha256 of the corpus lines it was trained on (freshness check for the shipped file). */
  corpusHash: string;
  /** Corpus examples, moderator examples. */
  examples: { corpus: number; moderator: number };
  trainedAt: string;
  model: SoftmaxModelJson;
  sections?: SectionRankerJson;
  /** The ensemble's naive Bayes over words and signals (absent in models saved before it existed). */
  naiveBayes?: NaiveBayesJson;
}

/** One labelled example for training: an analysed post and its kind. */
export interface TrainingExample {
  analysis: PostAnalysis;
  /** The same post with the author unknown (held-out and CLI posts carry no trust level). */
  withoutMeta?: PostAnalysis;
  kind: Kind;
  weight?: number;
  /** A dismissed proposal: the post is NOT of this kind. */
  negative?: boolean;
  /** The section a moderator filed it under, with the evidence the ranker reads. */
  section?: string | null;
  sectionEvidence?: SectionEvidence;
}

/** A moderator's decision remembered for near-identical posts. */
export interface MemoryItem {
  terms: string[];
  kind: Kind;
  negative: boolean;
  /** For the evidence ("topic 123"). */
  ref: string;
}

/**
 * The rules' votes also enter the decision directly (logit += RULE_BLEND × vote), not only as learned
 * features: the rules were written for classes of posts, and keep their say on phrasing the corpus
 * never showed the model. Chosen by cross-validation on the train split.
 */
export const BLEND = { rules: 0 };

/**
 * The ensemble: logit += ENSEMBLE.naiveBayes × the naive Bayes log posterior (a product of the two
 * models' probabilities, the word model's tempered). Chosen by cross-validation on the train split: a
 * small share corrects the softmax on posts whose phrasing it never saw; more lets the overconfident
 * word counts decide.
 */
export const ENSEMBLE = { naiveBayes: 0.2 };

/** How alike (cosine over stems) a post must be to a moderator's example to follow it outright. */
export const MEMORY_SIMILARITY = 0.5;
/** Logit added per unit of similarity above the threshold (at 0.5 similarity: +3). */
const MEMORY_BOOST = 6;

/** Train a fresh model (or continue `from`) on the examples; every example also trains without its meta. */
export function trainKindModel(examples: readonly TrainingExample[], opts: { from?: SoftmaxModel; train?: TrainOptions } = {}): SoftmaxModel {
  const model = opts.from ?? new SoftmaxModel(KINDS);
  const rows = examples.flatMap((e) => {
    const w = e.weight ?? 1;
    const withMeta = { x: featuresOf(e.analysis), y: e.kind, weight: e.withoutMeta ? w / 2 : w, negative: e.negative };
    return e.withoutMeta ? [withMeta, { x: featuresOf(e.withoutMeta), y: e.kind, weight: w / 2, negative: e.negative }] : [withMeta];
  });
  return model.train(rows, { ...TRAINING, ...opts.train });
}

/** Fit a section ranker on the examples' sections (prior counts from the same examples). */
export function trainSectionRanker(examples: readonly TrainingExample[]): SectionRanker {
  const ranker = new SectionRanker();
  const usable = examples.filter((e) => !e.negative && e.section && e.sectionEvidence && !SECTIONLESS.has(e.kind));
  for (const e of usable) ranker.count(e.kind, e.section!);
  return ranker.fit(usable.map((e) => ({ ev: e.sectionEvidence!, kind: e.kind, section: e.section! })));
}

/** Count the examples' words into a fresh naive Bayes (cheap: it is always trained from scratch). */
export function trainNaiveBayes(examples: readonly TrainingExample[]): NaiveBayesModel {
  return new NaiveBayesModel(KINDS).train(examples.map((e) => ({ x: featuresOf(e.analysis), y: e.kind, weight: e.weight, negative: e.negative })));
}

/** Train every part on the examples. */
export function trainTriage(examples: readonly TrainingExample[], info: Omit<TriageModelJson, 'model' | 'sections' | 'naiveBayes'> | null = null): LearnedTriage {
  return new LearnedTriage(trainKindModel(examples), [], info, trainSectionRanker(examples), trainNaiveBayes(examples));
}

/** The learned classifier: the softmax model with the naive Bayes' opinion, nudged by the moderators' memory. */
export class LearnedTriage implements KindClassifier {
  private readonly memory: MemoryItem[];

  constructor(
    readonly model: SoftmaxModel,
    memory: readonly MemoryItem[] = [],
    readonly info: Omit<TriageModelJson, 'model' | 'sections' | 'naiveBayes'> | null = null,
    readonly sections: SectionRanker = new SectionRanker(),
    readonly naiveBayes: NaiveBayesModel | null = null,
  ) {
    this.memory = [...memory];
  }

  /** Remember one more moderator decision (takes effect for the next post). */
  remember(item: MemoryItem): void {
    this.memory.push(item);
  }

  get memorySize(): number {
    return this.memory.length;
  }

  classify(a: PostAnalysis): { probs: Record<Kind, number>; evidence: string[] } {
    const extra = new Float64Array(KINDS.length);
    KINDS.forEach((k, i) => (extra[i] = BLEND.rules * Math.min(4, a.votes[k] ?? 0)));
    const evidence: string[] = [];
    if (this.memory.length) {
      const terms = textTerms(`${a.title}\n${a.body}`);
      let best: { item: MemoryItem; sim: number } | null = null;
      for (const item of this.memory) {
        const sim = termSimilarity(terms, item.terms);
        if (sim >= MEMORY_SIMILARITY && (!best || sim > best.sim)) best = { item, sim };
      }
      if (best) {
        const k = KINDS.indexOf(best.item.kind);
        const boost = MEMORY_BOOST * best.sim;
        extra[k]! += best.item.negative ? -boost : boost;
        evidence.push(`moderators: ${best.item.ref} (similarity ${best.sim.toFixed(2)}) was ${best.item.negative ? 'not' : 'filed as'} ${best.item.kind}`);
      }
    }
    const x = featuresOf(a);
    if (this.naiveBayes && ENSEMBLE.naiveBayes) {
      const lp = this.naiveBayes.logProbs(x);
      for (let k = 0; k < KINDS.length; k++) extra[k]! += ENSEMBLE.naiveBayes * lp[k]!;
    }
    const p = this.model.predict(x, extra);
    const probs = Object.fromEntries(KINDS.map((k, i) => [k, p[i]!])) as Record<Kind, number>;
    const ranked = KINDS.map((k, i) => [k, p[i]!] as const).sort((x, y) => y[1] - x[1]);
    evidence.push(`model: ${ranked.slice(0, 3).map(([k, v]) => `${k} ${v.toFixed(2)}`).join(', ')}`);
    return { probs, evidence };
  }

  toJSON(): TriageModelJson {
    return { ...(this.info ?? { featureVersion: FEATURE_VERSION, corpusHash: '', examples: { corpus: 0, moderator: 0 }, trainedAt: new Date(0).toISOString() }), model: this.model.toJSON(), sections: this.sections.toJSON(), ...(this.naiveBayes ? { naiveBayes: this.naiveBayes.toJSON() } : {}) };
  }

  static fromJSON(json: TriageModelJson, memory: readonly MemoryItem[] = []): LearnedTriage {
    const { model, sections, naiveBayes, ...info } = json;
    return new LearnedTriage(SoftmaxModel.fromJSON(model), memory, info, sections ? SectionRanker.fromJSON(sections) : new SectionRanker(), naiveBayes ? NaiveBayesModel.fromJSON(naiveBayes) : null);
  }
}

let shipped: LearnedTriage | null | undefined;

/** The shipped model (loaded once), or null when the file is missing or from an older feature version. */
export function shippedClassifier(): LearnedTriage | null {
  if (shipped !== undefined) return shipped;
  shipped = null;
  if (existsSync(SHIPPED_MODEL_PATH)) {
    const json = JSON.parse(readFileSync(SHIPPED_MODEL_PATH, 'utf8')) as TriageModelJson;
    if (json.featureVersion === FEATURE_VERSION) shipped = LearnedTriage.fromJSON(json);
  }
  return shipped;
}
