/**
 * Quality and speed of course answers and forum triage (`npx tsx bench/qa.ts [--course <dir>]`):
 *
 * - triage on the labelled corpus: 5-fold cross-validation on the train split (the model trained on the
 *   other folds each time), and the frozen test split triaged by a model trained on the train split only;
 *   kind accuracy, spam and courseware-bug recall, per-kind precision/recall, section accuracy, the
 *   drafted answer's first citation; also the shipped model on the shared triage examples;
 * - answers on the labelled questions, train and test splits, and the dev questions: precision@1 of the
 *   first citation, hand-over recall and false hand-overs, must_mention coverage (answers have no learned
 *   part, so the train figures need no folds);
 * - speed: warm `ask` per question against its peer in the same run, the retriever's search alone.
 *
 * The test split and the blind set (test/fixtures/blind) are frozen: look at their figures to report them,
 * never to tune; their misses are never printed.
 */
import { readFileSync } from 'node:fs';
import { fromRoot } from '../core/paths.js';
import { evaluateAnswers, loadQuestions, TRAIN_MORE_QUESTIONS_PATH, type AnswerFigures, type LabelledQuestion } from '../bot/answers/evaluate.js';
import { KnowledgeBase } from '../bot/answers/knowledge-base.js';
import { loadCorpus } from '../bot/discourse/triage/corpus.js';
import { crossValidateTriage, evaluateTriage, trainOn, type LabelledPost, type TriageFigures } from '../bot/discourse/triage/evaluate.js';

const at = process.argv.indexOf('--course');
const course = at > 0 ? process.argv[at + 1]! : fromRoot('..', 'shared', 'course');
const kb = KnowledgeBase.fromDirs([course]);
const pct = (x: number) => x.toFixed(3);
const out: string[] = [];
const say = (s = '') => {
  out.push(s);
  process.stdout.write(`${s}\n`);
};

const { posts } = loadCorpus();
const train = posts.filter((p) => p.split === 'train');
const test = posts.filter((p) => p.split === 'test');
const cv = crossValidateTriage(kb, train, 5, 18);
// The same folds, reported on the original corpus posts only (the training-only posts train but are not counted).
const cvOriginal = crossValidateTriage(kb, train, 5, 18, (p) => p.id.startsWith('fp-'));
const testFig = evaluateTriage(kb, test, { model: trainOn(kb, train) });
const shared = readFileSync(`${course}/triage-examples.jsonl`, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as LabelledPost);
const sharedFig = evaluateTriage(kb, shared);
const rulesOnly = evaluateTriage(kb, test, { model: null });
// The blind set (test/fixtures/blind/README.md): written without sight of the corpora; never tuned on.
const blindRows = <T>(file: string) => readFileSync(fromRoot('test', 'fixtures', 'blind', file), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as T);
const blindFig = evaluateTriage(kb, blindRows<LabelledPost>('posts.jsonl'));

const triageRow = (name: string, f: TriageFigures) => `| ${name} | ${f.n} | ${pct(f.kindAccuracy)} | ${pct(f.spamRecall)} | ${pct(f.coursewareBugRecall)} | ${pct(f.sectionAccuracy)} | ${pct(f.answerPrecisionAt1)} | ${pct(f.tagJaccard)} |`;
say('## Triage');
say('| set | posts | kind | spam recall | courseware-bug recall | section | answer P@1 | tag Jaccard |');
say('|---|---|---|---|---|---|---|---|');
say(triageRow('train, 5-fold CV', cv));
say(triageRow('train, 5-fold CV, posts.jsonl rows only', cvOriginal));
say(triageRow('test (model trained on train)', testFig));
say(triageRow('test, rules only (no model)', rulesOnly));
say(triageRow('shared examples (shipped model)', sharedFig));
say(triageRow('blind set (independent writer, shipped model)', blindFig));
say();
say('| kind | CV precision | CV recall | test precision | test recall |');
say('|---|---|---|---|---|');
for (const k of Object.keys(cv.perKind) as (keyof TriageFigures['perKind'])[]) say(`| ${k} | ${pct(cv.perKind[k].precision)} | ${pct(cv.perKind[k].recall)} | ${pct(testFig.perKind[k].precision)} | ${pct(testFig.perKind[k].recall)} |`);

const questions = loadQuestions();
const dev = readFileSync(fromRoot('test', 'fixtures', 'answers', 'dev-questions.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as LabelledQuestion);
const answerRow = (name: string, f: AnswerFigures) => `| ${name} | ${f.answerable} | ${pct(f.precisionAt1)} | ${f.handOvers ? `${Math.round(f.handOverRecall * f.handOvers)}/${f.handOvers}` : '—'} | ${f.falseHandOvers} | ${f.mustMentionQuestions ? pct(f.mustMention) : '—'} |`;
say();
say('## Answers');
say('| set | answerable | first-citation P@1 | handed over (must) | false hand-overs | must_mention |');
say('|---|---|---|---|---|---|');
const trainQ = evaluateAnswers(kb, questions.filter((q) => q.split === 'train'));
const testQ = evaluateAnswers(kb, questions.filter((q) => q.split === 'test'));
const moreQ = evaluateAnswers(kb, loadQuestions(TRAIN_MORE_QUESTIONS_PATH));
say(answerRow('train', trainQ));
say(answerRow('train-more (training-only questions)', moreQ));
say(answerRow('test', testQ));
say(answerRow('dev questions', evaluateAnswers(kb, dev)));
say(answerRow('blind set (independent writer)', evaluateAnswers(kb, blindRows<LabelledQuestion>('questions.jsonl'))));
say(`Confidence of the lowest correctly answered train question: ${trainQ.margin.lowestAnswered}`);

// Speed: warm ask per question vs the retriever's search alone (the peer), same questions, same process.
const qs = questions.map((q) => q.question);
for (const q of qs.slice(0, 20)) kb.ask(q);
const time = (fn: (q: string) => unknown) => {
  const t: number[] = [];
  for (const q of qs) {
    const t0 = performance.now();
    fn(q);
    t.push(performance.now() - t0);
  }
  t.sort((a, b) => a - b);
  return { median: t[t.length >> 1]!, p95: t[Math.floor(t.length * 0.95)]! };
};
const ask = time((q) => kb.ask(q));
const peer = time((q) => kb.retriever.search(q, { limit: 8 }));
say();
say('## Speed (warm, one process)');
say(`| measure (ms) | median | p95 |`);
say('|---|---|---|');
say(`| ask | ${ask.median.toFixed(2)} | ${ask.p95.toFixed(2)} |`);
say(`| peer: retriever search alone | ${peer.median.toFixed(2)} | ${peer.p95.toFixed(2)} |`);
say(`ask / search (median): ${(ask.median / peer.median).toFixed(1)}×`);
if (process.argv.includes('-v')) {
  say();
  say([...cv.misses.map((m) => `cv ${m}`), ...trainQ.misses.map((m) => `train ${m}`)].join('\n'));
}
