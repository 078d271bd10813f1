/**
 * Train-only figures for tuning triage and answers (`npx tsx bench/qa-cv.ts [-v] [--seed N]`): 5-fold CV on
 * the triage train split (all rows, and posts.jsonl rows only), a per-kind confusion matrix and the
 * section misses by expected section, and the answers on the train questions. It never loads the
 * test split, so it can be run as often as tuning needs (bench/qa.ts reports the test figures).
 */
import { fromRoot } from '../core/paths.js';
import { evaluateAnswers, loadQuestions, TRAIN_MORE_QUESTIONS_PATH } from '../bot/answers/evaluate.js';
import { KnowledgeBase } from '../bot/answers/knowledge-base.js';
import { loadCorpus } from '../bot/discourse/triage/corpus.js';
import { crossValidateTriage } from '../bot/discourse/triage/evaluate.js';

const course = fromRoot('..', 'shared', 'course');
const kb = KnowledgeBase.fromDirs([course]);
const at = process.argv.indexOf('--seed');
const seed = at > 0 ? Number(process.argv[at + 1]) : 18;
const train = loadCorpus().posts.filter((p) => p.split === 'train');
const f = (x: number) => x.toFixed(3);
const cv = crossValidateTriage(kb, train, 5, seed);
const cvo = crossValidateTriage(kb, train, 5, seed, (p) => p.id.startsWith('fp-'));
for (const [name, r] of [['CV all', cv], ['CV posts.jsonl', cvo]] as const)
  console.log(`${name} n=${r.n} kind ${f(r.kindAccuracy)} spam ${f(r.spamRecall)} bug ${f(r.coursewareBugRecall)} section ${f(r.sectionAccuracy)} P@1 ${f(r.answerPrecisionAt1)}`);
const conf = new Map<string, number>();
for (const m of cvo.misses) {
  const k = /: kind (\S+) \(expected (\S+)\)/.exec(m);
  if (k) conf.set(`${k[2]} -> ${k[1]}`, (conf.get(`${k[2]} -> ${k[1]}`) ?? 0) + 1);
}
console.log('kind confusions (posts.jsonl rows):', [...conf].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ${n}`).join('; '));
const qs = loadQuestions().filter((q) => q.split === 'train');
const a = evaluateAnswers(kb, qs);
const m = evaluateAnswers(kb, loadQuestions(TRAIN_MORE_QUESTIONS_PATH));
console.log(`answers train P@1 ${f(a.precisionAt1)} handover ${Math.round(a.handOverRecall * a.handOvers)}/${a.handOvers} false ${a.falseHandOvers}; train-more P@1 ${f(m.precisionAt1)} handover ${Math.round(m.handOverRecall * m.handOvers)}/${m.handOvers} false ${m.falseHandOvers}`);
if (process.argv.includes('-v')) console.log([...cv.misses.filter((x) => x.startsWith('fm-')).map((x) => `cvm ${x}`), ...cvo.misses.map((x) => `cv ${x}`), ...a.misses.map((x) => `train ${x}`), ...m.misses.map((x) => `more ${x}`)].join('\n'));
