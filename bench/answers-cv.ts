/**
 * Cross-validated figures for the first-citation reranker (`npx tsx bench/answers-cv.ts [--k 5] [--seed 18] [-v]`),
 * TRAIN rows only (questions.jsonl rows with split 'train', filtered in code, plus train-more.jsonl).
 *
 * Rows are split into k seeded folds. For each held-out fold the reranker is trained on the other k-1 folds'
 * answerable questions (plus the sources' own text) and the held-out fold is answered by the real answerer
 * with and without it: P@1 of the first citation, hand-over recall, false hand-overs.
 *
 * The options are chosen by nested CV: inside each outer training part, an inner (k-1)-fold CV picks the
 * training options and combination weights from a small grid, so the held-out fold never influences the
 * choice; the outer figures are the honest ones. The grid's winner over all k folds (`best on all folds`) is
 * what RERANKER_DEFAULTS should hold; its figure is optimistic (chosen on the same folds) and printed apart.
 */
import { fromRoot } from '../core/paths.js';
import { retrieve } from '../bot/answers/answerer.js';
import { KnowledgeBase } from '../bot/answers/knowledge-base.js';
import { loadQuestions, QUESTIONS_PATH, TRAIN_MORE_QUESTIONS_PATH, type LabelledQuestion } from '../bot/answers/evaluate.js';
import { Reranker, RERANKER_DEFAULTS, type RerankerOptions } from '../bot/answers/reranker.js';
import type { Answer, Hit } from '../bot/answers/types.js';
import { seededUniform } from '../lib/rng.js';

const arg = (name: string, dflt: number) => {
  const at = process.argv.indexOf(name);
  return at > 0 ? Number(process.argv[at + 1]) : dflt;
};
const K = arg('--k', 5);
const SEED = arg('--seed', 18);
const verbose = process.argv.includes('-v');

// Train rows only: the test split is dropped before anything else sees the rows.
const rows: LabelledQuestion[] = [...loadQuestions(QUESTIONS_PATH), ...loadQuestions(TRAIN_MORE_QUESTIONS_PATH)].filter((q) => q.split === 'train');

function foldsOf(n: number, k: number, seed: number): number[] {
  const order = Array.from({ length: n }, (_, i) => i);
  const r = seededUniform(seed);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  const fold = new Array<number>(n);
  order.forEach((row, i) => (fold[row] = i % k));
  return fold;
}

const course = fromRoot('..', 'shared', 'course');
const kb = KnowledgeBase.fromDirs([course], undefined, null);

// What retrieval does for each row does not depend on the reranker: computed once.
interface Cached {
  q: LabelledQuestion;
  base: Answer;
  hits: Hit[];
}
const t0 = performance.now();
const cached: Cached[] = rows.map((q) => ({ q, base: kb.ask(q.question), hits: retrieve(kb.retriever, q.question, kb.lookup).hits }));
console.log(`rows ${rows.length} (answerable ${rows.filter((r) => !r.should_abstain).length}), retrieval cached in ${Math.round(performance.now() - t0)} ms`);

type Train = Pick<RerankerOptions, 'alpha' | 'pseudoWeight' | 'expansionWeight' | 'withinKind' | 'perWord'>;
type Combo = Pick<RerankerOptions, 'topK' | 'wModel' | 'wBm25' | 'wFirst'>;
const TRAIN_GRID: Train[] = [];
for (const withinKind of [true, false]) for (const perWord of [false, true]) for (const alpha of [0.001, 0.003, 0.01]) for (const pseudoWeight of [4, 8, 16]) TRAIN_GRID.push({ alpha, pseudoWeight, expansionWeight: 0.45, withinKind, perWord });
const COMBOS: Combo[] = [];
const MAX_K = 6;
for (const topK of [2, 3, 4, 6]) for (const wModel of [0.25, 0.5, 1, 2, 4, 8]) for (const wBm25 of [0, 0.5, 1, 2, 4, 8]) for (const wFirst of [0, 0.5, 1, 2, 4, 8]) COMBOS.push({ topK, wModel, wBm25, wFirst });

const examplesOf = (idx: number[]) => idx.map((i) => cached[i]!.q).filter((q) => !q.should_abstain).map((q) => ({ question: q.question, sources: q.expected_sources }));
/** Rows whose first citation the reranker can change: answerable and answered (not handed over). */
const scorable = (idx: number[]) => idx.filter((i) => !cached[i]!.q.should_abstain && !cached[i]!.base.abstained);

/** Correct first citations on `test` for every combo, with the reranker trained on `train`. */
function correctByCombo(train: number[], test: number[], t: Train): number[] {
  const correct = new Array<number>(COMBOS.length).fill(0);
  const r = Reranker.train(examplesOf(train), kb.chunks, t);
  for (const i of scorable(test)) {
    const { q, hits } = cached[i]!;
    const cands = r.candidates(q.question, hits, MAX_K);
    COMBOS.forEach((c, ci) => {
      if (q.expected_sources.includes(r.choose(cands, c) ?? '')) correct[ci]!++;
    });
  }
  return correct;
}

/** The grid point with the most correct first citations over a CV of `idx` (ties: first in grid order). */
function choose(idx: number[], folds: number[], k: number): { t: Train; c: Combo; correct: number } {
  let best = { t: TRAIN_GRID[0]!, c: COMBOS[0]!, correct: -1 };
  for (const t of TRAIN_GRID) {
    const sum = new Array<number>(COMBOS.length).fill(0);
    for (let f = 0; f < k; f++) {
      const tr = idx.filter((i) => folds[i] !== f);
      const te = idx.filter((i) => folds[i] === f);
      correctByCombo(tr, te, t).forEach((v, ci) => (sum[ci]! += v));
    }
    sum.forEach((v, ci) => {
      if (v > best.correct) best = { t, c: COMBOS[ci]!, correct: v };
    });
  }
  return best;
}

interface Figures {
  answerable: number;
  right: number;
  handOvers: number;
  caught: number;
  falseHandOvers: number;
}
const empty = (): Figures => ({ answerable: 0, right: 0, handOvers: 0, caught: 0, falseHandOvers: 0 });
function score(fig: Figures, q: LabelledQuestion, a: Answer): string | null {
  if (q.should_abstain) {
    fig.handOvers++;
    if (a.abstained) fig.caught++;
    return null;
  }
  fig.answerable++;
  if (a.abstained) {
    fig.falseHandOvers++;
    return null;
  }
  if (q.expected_sources.includes(a.citations[0]?.id ?? '')) {
    fig.right++;
    return null;
  }
  return a.citations[0]?.id ?? 'nothing';
}
const show = (name: string, f: Figures) =>
  `${name.padEnd(34)} P@1 ${(f.right / f.answerable).toFixed(3)} (${f.right}/${f.answerable})  hand-over ${f.caught}/${f.handOvers}  false hand-overs ${f.falseHandOvers}`;

const all = cached.map((_, i) => i);
const folds = foldsOf(rows.length, K, SEED);
const baseline = empty();
const nested = empty();
const fixed = empty();
const changes: string[] = [];
const t1 = performance.now();
for (let f = 0; f < K; f++) {
  const tr = all.filter((i) => folds[i] !== f);
  const te = all.filter((i) => folds[i] === f);
  // Inner CV on the outer training part only.
  const innerFolds = foldsOf(rows.length, K - 1, SEED + 1 + f);
  const pick = choose(tr, innerFolds, K - 1);
  const nestedR = Reranker.train(examplesOf(tr), kb.chunks, { ...pick.t, ...pick.c });
  const fixedR = Reranker.train(examplesOf(tr), kb.chunks);
  console.log(`fold ${f}: inner pick ${JSON.stringify({ ...pick.t, ...pick.c })}`);
  for (const i of te) {
    const { q, base } = cached[i]!;
    const bMiss = score(baseline, q, base);
    // The real answerer with the reranker hooked in (not the cached shortcut).
    const withN = kb.ask(q.question, { reranker: nestedR });
    const nMiss = score(nested, q, withN);
    score(fixed, q, kb.ask(q.question, { reranker: fixedR }));
    if (bMiss !== nMiss) changes.push(`${q.id}: ${bMiss ? `${bMiss} -> ${nMiss ?? 'RIGHT'}` : `right -> ${nMiss}`} (expected ${q.expected_sources.join('|')}) ${JSON.stringify(q.question.slice(0, 90))}`);
  }
}
console.log(`${K}-fold CV, seed ${SEED} (${Math.round(performance.now() - t1)} ms):`);
console.log(show('baseline (no reranker)', baseline));
console.log(show('reranker, nested-CV options', nested));
console.log(show('reranker, RERANKER_DEFAULTS', fixed));
if (verbose) console.log(changes.join('\n'));
if (process.argv.includes('--grid')) {
  const best = choose(all, folds, K);
  console.log(`best on all folds (optimistic): ${JSON.stringify({ ...best.t, ...best.c })} P@1 ${(best.correct / scorable(all).length).toFixed(3)} of answered; defaults ${JSON.stringify(RERANKER_DEFAULTS)}`);
}
