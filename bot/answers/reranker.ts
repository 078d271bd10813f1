/**
 * A learned reranker for the answerer's first citation: a multinomial naive-Bayes model from a question's
 * words (stems plus glossary expansions, which also carry Spanish, Portuguese and Hindi-English words to
 * the material's English) to the source id it should cite, trained on the labelled train questions and on
 * every source's own text as a pseudo-example (so a source nobody asked about still has a prior). It only
 * reorders the first few distinct sources retrieval found, combining its log-posterior with their BM25
 * scores and retrieval's own order; retrieval still decides what is a candidate and how confident the
 * answer is.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fromRoot } from '../../core/paths.js';
import { docTerms, queryTerms } from './text.js';
import type { Chunk, Hit } from './types.js';

/** One training example: a question and the source ids that answer it. */
export interface RerankExample {
  question: string;
  sources: readonly string[];
}

/** How the model is trained and combined with retrieval (the defaults were chosen by cross-validation on train rows). */
export interface RerankerOptions {
  /** Additive smoothing of the per-class term distribution. */
  alpha: number;
  /** Mass of a source's own text relative to one labelled question (each example's counts sum to its mass). */
  pseudoWeight: number;
  /** Weight of a glossary expansion relative to a question's own word. */
  expansionWeight: number;
  /**
   * Reorder only among sources of the first one's kind (entries among entries, outline sections among
   * sections): the outline-versus-entry choice stays retrieval's.
   */
  withinKind: boolean;
  /** Divide the log-likelihoods by the question's feature mass (a long question's evidence no longer dominates). */
  perWord: boolean;
  /** Distinct sources at the head of retrieval's list that may be reordered. */
  topK: number;
  /** Weight of the model's log-posterior (normalised over the candidates). */
  wModel: number;
  /** Weight of log(BM25 score / best score among the candidates). */
  wBm25: number;
  /** Bonus for the source retrieval (with its rules) put first. */
  wFirst: number;
}

/**
 * Defaults: the best grid point of `bench/answers-cv.ts --grid` (5-fold CV over the train rows). Options
 * picked by nested CV differ from fold to fold (the grid is flat near the top) and score about the same.
 */
export const RERANKER_DEFAULTS: RerankerOptions = {
  alpha: 0.001,
  pseudoWeight: 16,
  expansionWeight: 0.45,
  withinKind: true,
  perWord: true,
  topK: 4,
  wModel: 2,
  wBm25: 2,
  wFirst: 0.5,
};

/** Citation id a chunk is cited by in answers (a syllabus item stands for its section). */
export function classOf(chunk: Chunk): string {
  return chunk.source === 'syllabus-item' ? (chunk.sections[0] ?? chunk.citation.id) : chunk.citation.id;
}

/** Weighted feature counts of a question (own stems 1, glossary expansions less). */
function questionFeatures(question: string, o: RerankerOptions): Map<string, number> {
  const f = new Map<string, number>();
  const add = (t: string, w: number) => f.set(t, (f.get(t) ?? 0) + w);
  const q = queryTerms(question);
  for (const t of q.own) add(t, 1);
  for (const t of q.expanded) add(t, o.expansionWeight);
  return f;
}

/** Weighted feature counts of a source's own text. */
function documentFeatures(text: string): Map<string, number> {
  const f = new Map<string, number>();
  for (const t of docTerms(text)) f.set(t, (f.get(t) ?? 0) + 1);
  return f;
}

/**
 * Multinomial naive Bayes over source ids with a uniform class prior (how often a topic was labelled
 * says nothing about the next question). Every example's counts are scaled to a fixed mass, so a long
 * FAQ entry weighs like `pseudoWeight` questions and a long question like a short one.
 */
export class Reranker {
  private readonly logp = new Map<string, Map<string, number>>();
  private readonly unseen = new Map<string, number>();
  private readonly vocabulary = new Set<string>();

  private constructor(readonly options: RerankerOptions) {}

  /**
   * Train deterministically: no randomness, and the examples are sorted first, so the same examples in any
   * order give the same model, bit for bit.
   * @param examples labelled questions (train rows only)
   * @param chunks the knowledge base's chunks: every citable source gets its own text as a pseudo-example
   */
  static train(examples: readonly RerankExample[], chunks: readonly Chunk[], options: Partial<RerankerOptions> = {}): Reranker {
    const o = { ...RERANKER_DEFAULTS, ...options };
    const r = new Reranker(o);
    const counts = new Map<string, Map<string, number>>();
    const addTo = (cls: string, f: Map<string, number>, mass: number) => {
      let total = 0;
      for (const v of f.values()) total += v;
      if (!total) return;
      const c = counts.get(cls) ?? new Map<string, number>();
      for (const [t, v] of f) c.set(t, (c.get(t) ?? 0) + (mass * v) / total);
      counts.set(cls, c);
    };
    const texts = new Map<string, string[]>();
    for (const ch of chunks) {
      const cls = classOf(ch);
      const list = texts.get(cls) ?? [];
      list.push(ch.source === 'syllabus-item' || ch.source === 'syllabus-section' ? ch.citation.title : `${ch.citation.title} ${ch.heading}`, ch.text);
      texts.set(cls, list);
    }
    for (const [cls, list] of texts) addTo(cls, documentFeatures(list.join('\n')), o.pseudoWeight);
    // Only sources the knowledge base has can be cited; an item label stands for its section.
    const sectionOfItem = new Map(chunks.filter((c) => c.source === 'syllabus-item').map((c) => [c.citation.id, classOf(c)]));
    const sorted = [...examples].sort((a, b) => cmp(a.question, b.question) || cmp(a.sources.join('|'), b.sources.join('|')));
    for (const ex of sorted) {
      const classes = new Set(ex.sources.map((s) => sectionOfItem.get(s) ?? s).filter((s) => texts.has(s)));
      const f = questionFeatures(ex.question, o);
      for (const cls of classes) addTo(cls, f, 1);
    }
    const vocabulary = r.vocabulary;
    for (const c of counts.values()) for (const t of c.keys()) vocabulary.add(t);
    for (const [cls, c] of counts) {
      let total = 0;
      for (const v of c.values()) total += v;
      const denom = Math.log(total + o.alpha * vocabulary.size);
      const lp = new Map<string, number>();
      for (const [t, v] of c) lp.set(t, Math.log(v + o.alpha) - denom);
      r.logp.set(cls, lp);
      r.unseen.set(cls, Math.log(o.alpha) - denom);
    }
    return r;
  }

  /** Source ids the model knows. */
  get classes(): string[] {
    return [...this.logp.keys()];
  }

  /**
   * Log-likelihood of the question under each given source (unnormalised; compare across sources only).
   * Words no source has seen are left out: they would shift every source alike.
   */
  logLikelihoods(question: string, ids: readonly string[]): Map<string, number> {
    const f = questionFeatures(question, this.options);
    const out = new Map<string, number>();
    const known = [...f].filter(([t]) => this.vocabulary.has(t));
    let mass = 0;
    for (const [, v] of known) mass += v;
    const scale = this.options.perWord && mass > 0 ? 1 / mass : 1;
    for (const id of ids) {
      const lp = this.logp.get(id);
      const unseen = this.unseen.get(id);
      if (!lp || unseen === undefined) continue;
      let s = 0;
      for (const [t, v] of known) s += v * (lp.get(t) ?? unseen);
      out.set(id, s * scale);
    }
    return out;
  }

  /**
   * The first `topK` distinct sources of a ranked hit list with their best BM25 score and the model's
   * log-likelihood of the question under each.
   */
  candidates(question: string, hits: readonly Hit[], topK = this.options.topK, classOfHit: (h: Hit) => string = citedId): RerankCandidate[] {
    const out: RerankCandidate[] = [];
    const byId = new Map<string, RerankCandidate>();
    const outline = (h: Hit) => h.chunk.source === 'syllabus-section' || h.chunk.source === 'syllabus-item';
    const firstOutline = hits[0] ? outline(hits[0]) : false;
    for (const h of hits) {
      if (this.options.withinKind && outline(h) !== firstOutline) continue;
      const id = classOfHit(h);
      const c = byId.get(id);
      if (c) c.score = Math.max(c.score, h.score);
      else if (out.length < topK) {
        const n = { id, score: h.score, logLikelihood: Number.NaN };
        byId.set(id, n);
        out.push(n);
      }
    }
    const ll = this.logLikelihoods(question, out.map((c) => c.id));
    for (const c of out) c.logLikelihood = ll.get(c.id) ?? Number.NaN;
    return out;
  }

  /**
   * The candidate to cite first: the best `wModel·log P(source | question) + wBm25·log(score / best) +
   * wFirst·[retrieval's first]` over the first `topK` candidates (the posterior is normalised over them).
   * Retrieval's first stays first when fewer than two candidates are known to the model.
   */
  choose(cands: readonly RerankCandidate[], combine: Partial<RerankerOptions> = {}): string | undefined {
    const o = { ...this.options, ...combine };
    const head = cands.slice(0, o.topK);
    const known = head.filter((c) => !Number.isNaN(c.logLikelihood));
    if (known.length < 2) return head[0]?.id;
    const max = Math.max(...known.map((c) => c.logLikelihood));
    const lse = max + Math.log(known.reduce((a, c) => a + Math.exp(c.logLikelihood - max), 0));
    const top = Math.max(...head.map((c) => c.score));
    let chosen = head[0]!.id;
    let chosenScore = -Infinity;
    head.forEach((c, i) => {
      const post = Number.isNaN(c.logLikelihood) ? -Infinity : c.logLikelihood - lse;
      const bm = top > 0 ? Math.log(Math.max(c.score, 1e-9) / top) : 0;
      const s = o.wModel * post + o.wBm25 * bm + (i === 0 ? o.wFirst : 0);
      if (s > chosenScore) {
        chosenScore = s;
        chosen = c.id;
      }
    });
    return chosen;
  }

  /**
   * Reorder the head of a ranked hit list: the source {@link choose} picks goes first with all of its
   * hits; the rest keep their order.
   */
  rerank(question: string, hits: readonly Hit[], classOfHit: (h: Hit) => string = citedId): Hit[] {
    const chosen = this.choose(this.candidates(question, hits, this.options.topK, classOfHit));
    const first = hits[0];
    if (chosen === undefined || !first || classOfHit(first) === chosen) return [...hits];
    return [...hits.filter((h) => classOfHit(h) === chosen), ...hits.filter((h) => classOfHit(h) !== chosen)];
  }
}

/** A distinct source at the head of retrieval's list, as the reranker sees it. */
export interface RerankCandidate {
  id: string;
  /** Its best retrieval score. */
  score: number;
  /** Log-likelihood of the question under the model's source (NaN: the model does not know the source). */
  logLikelihood: number;
}

const citedId = (h: Hit) => h.chunk.citation.id;
const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** The labelled question files (the test split is filtered out when they are read). */
export const RERANK_TRAINING_FILES = [fromRoot('bot', 'answers', 'corpus', 'questions.jsonl'), fromRoot('bot', 'answers', 'corpus', 'train-more.jsonl')];

/**
 * Answerable TRAIN questions of the labelled corpus files as training examples. Rows of the test split
 * are dropped here and never reach the model. Missing files (a deployment without the corpus) give none.
 */
export function loadTrainingExamples(files: readonly string[] = RERANK_TRAINING_FILES): RerankExample[] {
  const out: RerankExample[] = [];
  for (const file of files) {
    if (!existsSync(file)) continue;
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      if (!line.trim()) continue;
      const row = JSON.parse(line) as { question?: unknown; expected_sources?: unknown; should_abstain?: unknown; split?: unknown };
      if (row.split !== 'train' || row.should_abstain !== false || typeof row.question !== 'string' || !Array.isArray(row.expected_sources)) continue;
      const sources = row.expected_sources.filter((s): s is string => typeof s === 'string');
      if (sources.length) out.push({ question: row.question, sources });
    }
  }
  return out;
}
