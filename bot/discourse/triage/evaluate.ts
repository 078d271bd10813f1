/**
 * Quality figures for triage on a labelled set (the triage-examples.jsonl / corpus format): kind
 * accuracy and per-kind precision/recall (spam and courseware-bug recall among them), section accuracy,
 * tag Jaccard, duplicates, and the drafted answer's first citation. Cross-validation trains the learned
 * model per fold on the other folds only. Used by the tests (regression floors) and bench/qa.ts.
 */
import type { KnowledgeBase } from '../../answers/knowledge-base.js';
import { analysePost, triagePost } from './classify.js';
import { metaOf, stratifiedFolds, type LabelledPost } from './corpus.js';
import { trainTriage, type KindClassifier, type LearnedTriage, type TrainingExample } from './model.js';
import { KINDS, type Kind } from './types.js';

/** One labelled post. */
export interface TriageFigures {
  n: number;
  kindAccuracy: number;
  perKind: Record<Kind, { precision: number; recall: number; n: number }>;
  spamRecall: number;
  coursewareBugRecall: number;
  sectionAccuracy: number;
  tagJaccard: number;
  answerPrecisionAt1: number;
  answerable: number;
  abstainedOnUnanswerable: number;
  duplicates: { truePositive: number; falsePositive: number; falseNegative: number };
  misses: string[];
}

/** Figures of a triage run (`predict` gives the proposal for a post). */
function figures(rows: readonly LabelledPost[], predict: (r: LabelledPost) => ReturnType<typeof triagePost>): TriageFigures {
  let kindOk = 0;
  let sectionOk = 0;
  let jaccard = 0;
  let p1 = 0;
  let answerable = 0;
  let abst = 0;
  let unanswerable = 0;
  const dup = { truePositive: 0, falsePositive: 0, falseNegative: 0 };
  const misses: string[] = [];
  const tp = new Map<Kind, number>();
  const predicted = new Map<Kind, number>();
  const actual = new Map<Kind, number>();
  const inc = (m: Map<Kind, number>, k: Kind) => m.set(k, (m.get(k) ?? 0) + 1);
  for (const r of rows) {
    const t = predict(r);
    inc(predicted, t.kind);
    inc(actual, r.kind);
    if (t.kind === r.kind) {
      kindOk++;
      inc(tp, r.kind);
    } else misses.push(`${r.id}: kind ${t.kind} (expected ${r.kind})`);
    if (t.course_section === r.course_section) sectionOk++;
    else misses.push(`${r.id}: section ${t.course_section} (expected ${r.course_section})`);
    const a = new Set(t.tags);
    const b = new Set(r.tags);
    const union = new Set([...a, ...b]).size;
    jaccard += union ? [...a].filter((x) => b.has(x)).length / union : 1;
    if (r.answer_source) {
      answerable++;
      if (t.answer.citations[0]?.id === r.answer_source) p1++;
      else misses.push(`${r.id}: cited ${t.answer.citations[0]?.id ?? 'nothing'} (expected ${r.answer_source})`);
    } else {
      unanswerable++;
      if (t.answer.abstained) abst++;
    }
    if (t.duplicate_of && t.duplicate_of === r.duplicate_of) dup.truePositive++;
    else if (t.duplicate_of) dup.falsePositive++;
    if (r.duplicate_of && t.duplicate_of !== r.duplicate_of) dup.falseNegative++;
  }
  const n = rows.length;
  const perKind = Object.fromEntries(
    KINDS.map((k) => [k, { precision: predicted.get(k) ? (tp.get(k) ?? 0) / predicted.get(k)! : 1, recall: actual.get(k) ? (tp.get(k) ?? 0) / actual.get(k)! : 1, n: actual.get(k) ?? 0 }]),
  ) as TriageFigures['perKind'];
  return {
    n,
    kindAccuracy: kindOk / n,
    perKind,
    spamRecall: perKind.spam.recall,
    coursewareBugRecall: perKind['courseware-bug'].recall,
    sectionAccuracy: sectionOk / n,
    tagJaccard: jaccard / n,
    answerPrecisionAt1: answerable ? p1 / answerable : 1,
    answerable,
    abstainedOnUnanswerable: unanswerable ? abst / unanswerable : 1,
    duplicates: dup,
    misses,
  };
}

const asPost = (r: LabelledPost) => ({ title: r.title, body: r.body, meta: metaOf(r) });

/** Triage every post with the given classifier (default: the shipped model; null: rules only). */
export function evaluateTriage(kb: KnowledgeBase, rows: readonly LabelledPost[], opts: { model?: KindClassifier | null } = {}): TriageFigures {
  return figures(rows, (r) => triagePost(kb, asPost(r), { model: opts.model }));
}

/** Training examples from labelled posts (each also trains with its author unknown). */
export function trainingExamples(kb: KnowledgeBase, rows: readonly LabelledPost[]): TrainingExample[] {
  return rows.map((r) => {
    const a = analysePost(kb, asPost(r));
    return { analysis: a, withoutMeta: r.meta ? a.withoutMeta() : undefined, kind: r.kind, section: r.course_section, sectionEvidence: a.sectionEvidence };
  });
}

/** A model trained on these posts only. */
export function trainOn(kb: KnowledgeBase, rows: readonly LabelledPost[]): LearnedTriage {
  return trainTriage(trainingExamples(kb, rows));
}

/**
 * k-fold cross-validation: each fold triaged by a model trained on the other folds. `report` limits the
 * figures to some of the rows (e.g. the original corpus posts) while every row still trains.
 */
export function crossValidateTriage(kb: KnowledgeBase, rows: readonly LabelledPost[], k = 5, seed = 18, report: (r: LabelledPost) => boolean = () => true): TriageFigures {
  const folds = stratifiedFolds(rows, k, seed);
  const examples = new Map(rows.map((r) => [r.id, trainingExamples(kb, [r])[0]!] as const));
  const modelFor = new Map<string, LearnedTriage>();
  folds.forEach((fold, i) => {
    const rest = folds.filter((_, j) => j !== i).flat();
    const model = trainTriage(rest.map((r) => examples.get(r.id)!));
    for (const r of fold) modelFor.set(r.id, model);
  });
  return figures(rows.filter(report), (r) => triagePost(kb, asPost(r), { model: modelFor.get(r.id)! }));
}

export type { LabelledPost } from './corpus.js';
