/**
 * Quality figures for triage and answers on a labelled set (the shared triage-examples.jsonl format):
 * kind accuracy, section accuracy, tag Jaccard, duplicate precision/recall, answer precision@1 and
 * abstention. Used by the tests (as a regression floor) and for BENCHMARKS.md.
 */
import type { KnowledgeBase } from '../../answers/knowledge-base.js';
import { triagePost } from './classify.js';
import type { Kind } from './types.js';

/** One labelled post. */
export interface LabelledPost {
  id: string;
  title: string;
  body: string;
  kind: Kind;
  course_section: string | null;
  tags: string[];
  answer_source: string | null;
  duplicate_of: string | null;
}

export interface TriageFigures {
  n: number;
  kindAccuracy: number;
  sectionAccuracy: number;
  tagJaccard: number;
  answerPrecisionAt1: number;
  answerable: number;
  abstainedOnUnanswerable: number;
  duplicates: { truePositive: number; falsePositive: number; falseNegative: number };
  misses: string[];
}

export function evaluateTriage(kb: KnowledgeBase, rows: readonly LabelledPost[]): TriageFigures {
  let kindOk = 0;
  let sectionOk = 0;
  let jaccard = 0;
  let p1 = 0;
  let answerable = 0;
  let abst = 0;
  let unanswerable = 0;
  const dup = { truePositive: 0, falsePositive: 0, falseNegative: 0 };
  const misses: string[] = [];
  for (const r of rows) {
    const t = triagePost(kb, r);
    if (t.kind === r.kind) kindOk++;
    else misses.push(`${r.id}: kind ${t.kind} (expected ${r.kind})`);
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
  return { n, kindAccuracy: kindOk / n, sectionAccuracy: sectionOk / n, tagJaccard: jaccard / n, answerPrecisionAt1: answerable ? p1 / answerable : 1, answerable, abstainedOnUnanswerable: unanswerable ? abst / unanswerable : 1, duplicates: dup, misses };
}
