/**
 * k-fold cross-validation of the hand-over decision over the TRAIN questions only
 * (`npx tsx bench/handover-cv.ts [--k 5] [--seed 18] [-v]`): questions.jsonl rows with split "train"
 * (the frozen test split is filtered out on load and never printed) plus all of train-more.jsonl.
 *
 * Each fold's classifier is trained on the other folds; its held-out scores are then combined with the
 * patterns and the retrieval backstop exactly as answerer.ts does. Rows:
 * - before: patterns + confidence backstop (what /ask did without the classifier);
 * - patterns alone, and the classifier alone (the honest estimate on new wordings: the patterns were
 *   tuned on these same rows, the classifier never saw the held-out fold);
 * - after: the shipped rule (LEARNED_* in answerer.ts), and a grid of alternative rules whose thresholds
 *   are chosen on the other folds' held-out scores and applied to each fold (so the choice is held out too);
 * - the 40 questions lm-757…lm-796, written for this work before tuning, with a classifier trained on
 *   every other train row.
 */
import { fromRoot } from '../core/paths.js';
import { ABSTAIN_BELOW, ABSTAIN_BELOW_LONG, LEARNED_FAIRLY, LEARNED_LOW_CONFIDENCE, LEARNED_SURE, LONG_POST_WORDS } from '../bot/answers/answerer.js';
import { loadQuestions, TRAIN_MORE_QUESTIONS_PATH, type LabelledQuestion } from '../bot/answers/evaluate.js';
import { needsPerson } from '../bot/answers/handover.js';
import { HandoverModel, type HandoverExample } from '../bot/answers/handover-model.js';
import { KnowledgeBase } from '../bot/answers/knowledge-base.js';
import type { HandoverReason } from '../bot/answers/handover.js';

const arg = (name: string, fallback: number) => {
  const at = process.argv.indexOf(name);
  return at > 0 ? Number(process.argv[at + 1]) : fallback;
};
const K = arg('--k', 5);
const SEED = arg('--seed', 18);
const verbose = process.argv.includes('-v');

// Train rows only: the test split is dropped here, before anything looks at it.
const rows: LabelledQuestion[] = [...loadQuestions().filter((q) => q.split === 'train'), ...loadQuestions(TRAIN_MORE_QUESTIONS_PATH)];
const NEW_IDS = new Set(Array.from({ length: 40 }, (_, i) => `lm-${757 + i}`));
const example = (q: LabelledQuestion): HandoverExample => ({ question: q.question, reason: q.should_abstain ? ((q.handover_reason ?? 'other') as HandoverReason) : null });
const words = (s: string) => (s.match(/\S+/g) ?? []).length;

const kb = KnowledgeBase.fromDirs([fromRoot('..', 'shared', 'course')]);

/** Per row: the pattern's verdict and what retrieval alone does (no classifier). */
interface Row {
  q: LabelledQuestion;
  pattern: HandoverReason | null;
  /** Retrieval confidence (only when the pattern did not fire). */
  confidence: number;
  /** The backstop abstains (confidence below the threshold or no citation). */
  backstop: boolean;
  short: boolean;
  fold: number;
  /** Held-out classifier score. */
  p: number;
  reason: HandoverReason;
  /** The reason's share of the hand-over probability. */
  share: number;
  /** The reason the hand-over message gives ('other' when unsure). */
  shown: HandoverReason;
}

const t0 = performance.now();
const data: Row[] = rows.map((q) => {
  const pattern = needsPerson(q.question);
  const a = pattern ? undefined : kb.ask(q.question, { handoverModel: null });
  return { q, pattern, confidence: a?.confidence ?? 0, backstop: a?.abstained ?? true, short: words(q.question) <= LONG_POST_WORDS, fold: -1, p: 0, reason: 'other', share: 0, shown: 'other' };
});
console.log(`${data.length} train questions (${data.filter((r) => r.q.should_abstain).length} hand-overs), retrieval ${((performance.now() - t0) / 1000).toFixed(1)} s; thresholds ${ABSTAIN_BELOW}/${ABSTAIN_BELOW_LONG}`);

// Stratified folds (hand-over vs answerable), seeded.
let s = SEED >>> 0;
const rand = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296);
for (const group of [data.filter((r) => r.q.should_abstain), data.filter((r) => !r.q.should_abstain)]) {
  const order = group.map((r) => ({ r, key: rand() })).sort((a, b) => a.key - b.key);
  order.forEach(({ r }, i) => (r.fold = i % K));
}
let trainMs = 0;
for (let k = 0; k < K; k++) {
  const model = HandoverModel.train(data.filter((r) => r.fold !== k).map((r) => example(r.q)));
  trainMs += model.trainMs;
  for (const r of data.filter((x) => x.fold === k)) {
    const sc = model.score(r.q.question);
    r.p = sc.probability;
    r.reason = sc.likeliest;
    r.shown = sc.reason;
    r.share = sc.reasonShare;
  }
}

/** A decision rule: does this row go to a person? */
type Rule = (r: Row) => boolean;
const before: Rule = (r) => r.pattern !== null || r.backstop;
const learnedRule = (sure: number, fairly: number, low: number): Rule => (r) => before(r) || (r.short && (r.p >= sure || (r.p >= fairly && r.confidence < low)));
const shipped = learnedRule(LEARNED_SURE, LEARNED_FAIRLY, LEARNED_LOW_CONFIDENCE);

const HO = data.filter((r) => r.q.should_abstain).length;
const AN = data.length - HO;
function figures(rule: Rule, subset: readonly Row[] = data) {
  const ho = subset.filter((r) => r.q.should_abstain);
  const an = subset.filter((r) => !r.q.should_abstain);
  return { caught: ho.filter(rule).length, ho: ho.length, falses: an.filter(rule).length, an: an.length };
}
const show = (name: string, f: ReturnType<typeof figures>) =>
  console.log(`${name.padEnd(46)} hand-over recall ${f.caught}/${f.ho} (${((100 * f.caught) / f.ho).toFixed(1)} %)  false hand-overs ${f.falses}/${f.an} (${((100 * f.falses) / f.an).toFixed(1)} %)`);

console.log(`${K}-fold CV, seed ${SEED}; classifier training ${(trainMs / K).toFixed(0)} ms per fold`);
show('before: patterns + backstop', figures(before));
show('patterns alone (tuned on these rows)', figures((r) => r.pattern !== null));
for (const t of [0.5, LEARNED_FAIRLY, LEARNED_SURE]) show(`classifier alone, held out, p >= ${t}`, figures((r) => r.p >= t));
show(`after: shipped rule (${LEARNED_SURE} | ${LEARNED_FAIRLY} & conf < ${LEARNED_LOW_CONFIDENCE})`, figures(shipped));
show('after, classifier only when very sure', figures(learnedRule(LEARNED_SURE, 2, 0)));
show('after, classifier only with low confidence', figures(learnedRule(2, LEARNED_FAIRLY, LEARNED_LOW_CONFIDENCE)));

// Reasons: the classifier's reason on held-out hand-overs it would hand over.
const handed = data.filter((r) => r.q.should_abstain && r.p >= 0.5);
console.log(`classifier reason right on held-out hand-overs with p >= 0.5: ${handed.filter((r) => r.reason === r.q.handover_reason).length}/${handed.length}`);
for (const [lo, hi] of [[0, 0.4], [0.4, 0.5], [0.5, 0.6], [0.6, 0.8], [0.8, 1.01]] as const) {
  const band = data.filter((r) => r.q.should_abstain && r.share >= lo && r.share < hi);
  console.log(`  reason share ${lo}–${Math.min(1, hi)}: right ${band.filter((r) => r.reason === r.q.handover_reason).length}/${band.length}`);
}
{
  const added = data.filter((r) => r.q.should_abstain && r.pattern === null);
  const shown = data.filter((r) => r.q.should_abstain);
  console.log(`reason given (floor: 'other' when unsure) on all held-out hand-overs: right ${shown.filter((r) => r.shown === r.q.handover_reason).length}, 'other' instead ${shown.filter((r) => r.shown === 'other' && r.q.handover_reason !== 'other').length}, wrong ${shown.filter((r) => r.shown !== 'other' && r.shown !== r.q.handover_reason).length} of ${shown.length}; ${added.length} not caught by the patterns`);
}

// Thresholds chosen on the other folds' held-out scores, applied to each fold: the rule's choice held out too.
// Objective: hand-overs caught minus 3 × false hand-overs (a wrong hand-over leaves a learner unanswered).
const grid: [number, number, number][] = [];
for (const sure of [0.8, 0.85, 0.9, 0.95, 2]) for (const fairly of [0.4, 0.5, 0.6, 0.7, 2]) for (const low of [0.5, 0.6, 0.65, 0.7, 0.75]) if (fairly <= sure) grid.push([sure, fairly, low]);
let nestedCaught = 0;
let nestedFalse = 0;
const picks: string[] = [];
for (let k = 0; k < K; k++) {
  const others = data.filter((r) => r.fold !== k);
  let best = grid[0]!;
  let bestScore = -Infinity;
  for (const g of grid) {
    const f = figures(learnedRule(...g), others);
    const score = f.caught - 3 * f.falses;
    if (score > bestScore) [best, bestScore] = [g, score];
  }
  picks.push(best.join('/'));
  const f = figures(learnedRule(...best), data.filter((r) => r.fold === k));
  nestedCaught += f.caught;
  nestedFalse += f.falses;
}
show(`after, thresholds chosen on other folds (${picks.join(', ')})`, { caught: nestedCaught, ho: HO, falses: nestedFalse, an: AN });

// The 40 questions written for this work, scored by a classifier that never saw them.
const fresh = data.filter((r) => NEW_IDS.has(r.q.id));
if (fresh.length) {
  const model = HandoverModel.train(data.filter((r) => !NEW_IDS.has(r.q.id)).map((r) => example(r.q)));
  const scored = fresh.map((r) => {
    const sc = model.score(r.q.question);
    return { ...r, p: sc.probability, reason: sc.reason };
  });
  show('lm-757…796 before', figures(before, scored));
  show('lm-757…796 classifier alone p >= 0.5', figures((r) => r.p >= 0.5, scored));
  show('lm-757…796 after (shipped rule)', figures(shipped, scored));
}

if (process.argv.includes('--veto')) {
  // Could a very unsure classifier overrule a pattern? Held-out scores of the rows the patterns hand over.
  for (const v of [0.05, 0.1, 0.15, 0.2, 0.3]) {
    const vetoed = data.filter((r) => r.pattern !== null && r.p < v);
    console.log(`veto p < ${v}: would answer ${vetoed.filter((r) => r.q.should_abstain).length} true hand-overs and ${vetoed.filter((r) => !r.q.should_abstain).length} false ones`);
  }
}
if (process.argv.includes('--sweep')) for (const g of grid) show(`sweep ${g.join('/')}`, figures(learnedRule(...g)));

if (verbose) {
  for (const r of data) {
    const was = before(r);
    const now = shipped(r);
    if (was !== now) console.log(`${now ? '+' : '-'} ${r.q.id} ${r.q.should_abstain ? `handover:${r.q.handover_reason}` : 'answerable'} p=${r.p.toFixed(2)} conf=${r.confidence} -> ${r.reason}: ${r.q.question.slice(0, 110)}`);
  }
}
