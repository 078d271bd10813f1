/**
 * Regression floors for course answers and forum triage on the labelled corpora (issue 18). The triage
 * model is trained here on the train split only and measured on the frozen test split, as bench/qa.ts
 * reports it; the floors sit a little under the figures in BENCHMARKS.md so a change that makes them
 * worse fails `npm test`. They are floors, not targets: nothing is tuned on the test split or on the
 * blind set (whose misses these tests never print).
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { evaluateAnswers, loadQuestions, TRAIN_MORE_QUESTIONS_PATH, type LabelledQuestion } from '../../bot/answers/evaluate.js';
import { KnowledgeBase } from '../../bot/answers/knowledge-base.js';
import { loadCorpus } from '../../bot/discourse/triage/corpus.js';
import { evaluateTriage, trainOn, type LabelledPost } from '../../bot/discourse/triage/evaluate.js';
import { FEATURE_VERSION } from '../../bot/discourse/triage/features.js';
import { SHIPPED_MODEL_PATH, type TriageModelJson } from '../../bot/discourse/triage/model.js';
import { fromRoot } from '../../core/paths.js';
import { sharedPath } from '../helpers/shared.js';

const COURSE = sharedPath('course');
const jsonl = <T>(path: string) => readFileSync(path, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as T);

describe('the shipped triage model', () => {
  it('was trained on the current corpus with the current features (re-run bot/discourse/triage/train.ts)', () => {
    const shipped = JSON.parse(readFileSync(SHIPPED_MODEL_PATH, 'utf8')) as TriageModelJson;
    expect(shipped.featureVersion).toBe(FEATURE_VERSION);
    expect(shipped.corpusHash).toBe(loadCorpus().hash);
    expect(shipped.examples.corpus).toBe(loadCorpus().posts.length);
  });
});

describe.skipIf(!COURSE)('quality floors on the frozen test split', () => {
  let kb: KnowledgeBase;
  beforeAll(() => {
    kb = KnowledgeBase.fromDirs([COURSE!]);
  });

  it('triage: kind, spam and courseware-bug recall, section (model trained on the train split only)', () => {
    const { posts } = loadCorpus();
    const f = evaluateTriage(kb, posts.filter((p) => p.split === 'test'), { model: trainOn(kb, posts.filter((p) => p.split === 'train')) });
    const why = f.misses.join('\n');
    expect(f.kindAccuracy, why).toBeGreaterThanOrEqual(0.89);
    expect(f.spamRecall, why).toBeGreaterThanOrEqual(0.9);
    expect(f.coursewareBugRecall, why).toBeGreaterThanOrEqual(0.9);
    // 0.847 after the fifth round (French/German/Italian and the first-citation reranker; CV 0.897 -> 0.901):
    // two of 118 posts fewer than the fourth round's 0.864. Not tuned back on this split.
    expect(f.sectionAccuracy, why).toBeGreaterThanOrEqual(0.84);
  }, 120_000);

  it('the blind set (test/fixtures/blind): triage with the shipped model, and answers; misses never printed', () => {
    const rows = <T>(file: string) => jsonl<T>(fromRoot('test', 'fixtures', 'blind', file));
    const t = evaluateTriage(kb, rows<LabelledPost>('posts.jsonl'));
    expect(t.kindAccuracy).toBeGreaterThanOrEqual(0.95);
    expect(t.spamRecall).toBeGreaterThanOrEqual(0.9);
    expect(t.coursewareBugRecall).toBeGreaterThanOrEqual(0.9);
    expect(t.sectionAccuracy).toBeGreaterThanOrEqual(0.87);
    const a = evaluateAnswers(kb, rows<LabelledQuestion>('questions.jsonl'));
    expect(a.precisionAt1).toBeGreaterThanOrEqual(0.95);
    expect(a.handOverRecall).toBeGreaterThanOrEqual(0.95);
    expect(a.falseHandOvers).toBeLessThanOrEqual(1);
  }, 60_000);

  it('triage: the dev posts written for new phrasings, with the shipped model', () => {
    const rows = jsonl<LabelledPost>(fromRoot('test', 'fixtures', 'triage', 'dev-posts.jsonl'));
    expect(evaluateTriage(kb, rows).kindAccuracy).toBeGreaterThanOrEqual(0.9);
  }, 60_000);

  it('answers: first citation, every must-hand-over question handed over, the fix words kept', () => {
    const f = evaluateAnswers(kb, loadQuestions().filter((q) => q.split === 'test'));
    const why = f.misses.join('\n');
    expect(f.precisionAt1, why).toBeGreaterThanOrEqual(0.84);
    expect(f.handOverRecall, why).toBe(1);
    expect(f.falseHandOvers, why).toBeLessThanOrEqual(4);
    expect(f.mustMention, why).toBeGreaterThanOrEqual(0.89);
    // The training-only questions (every hand-over class found so far): a regression guard, not a held-out figure.
    // lm-001…lm-236 keep their floor; the later, harder ones (written as fresh probes) have their own.
    const all = loadQuestions(TRAIN_MORE_QUESTIONS_PATH);
    const more = evaluateAnswers(kb, all);
    expect(more.handOverRecall, more.misses.join('\n')).toBe(1);
    expect(more.falseHandOvers, more.misses.join('\n')).toBe(0);
    const first = evaluateAnswers(kb, all.filter((q) => Number(q.id.slice(3)) <= 236));
    expect(first.precisionAt1, first.misses.join('\n')).toBeGreaterThanOrEqual(0.93);
    expect(evaluateAnswers(kb, all.filter((q) => Number(q.id.slice(3)) > 236)).precisionAt1).toBeGreaterThanOrEqual(0.87);
    const dev = evaluateAnswers(kb, jsonl<LabelledQuestion>(fromRoot('test', 'fixtures', 'answers', 'dev-questions.jsonl')));
    expect(dev.handOverRecall).toBe(1);
    // 22 of 26 since the first-citation reranker (see answers.unit.test.ts).
    expect(dev.precisionAt1).toBeGreaterThanOrEqual(0.84);
  });
});
