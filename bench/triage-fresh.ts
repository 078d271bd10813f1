/**
 * Triage on freshly written posts (`npx tsx bench/triage-fresh.ts <posts.jsonl> [-v] [--cv]`): trains the
 * model on the corpus's train rows (posts.jsonl split==='train' plus train-more.jsonl), leaving out any row
 * whose id the given file also holds, and triages the file's posts with it: kind accuracy, spam recall and
 * section accuracy overall and per language. That is the honest figure for wordings the corpus never
 * showed (write the posts, measure, then append them). `--cv [--seed N]` also prints 5-fold train-only CV per
 * language (as bench/qa-cv.ts, seed 18 by default), to see what the corpus's own non-English rows get.
 * It never loads the test split.
 */
import { readFileSync } from 'node:fs';
import { fromRoot } from '../core/paths.js';
import { KnowledgeBase } from '../bot/answers/knowledge-base.js';
import { loadCorpus, type CorpusPost } from '../bot/discourse/triage/corpus.js';
import { crossValidateTriage, evaluateTriage, trainOn, type TriageFigures } from '../bot/discourse/triage/evaluate.js';

const file = process.argv.slice(2).find((a, i, all) => !a.startsWith('-') && all[i - 1] !== '--seed');
const verbose = process.argv.includes('-v');
const kb = KnowledgeBase.fromDirs([fromRoot('..', 'shared', 'course')]);
const train = loadCorpus().posts.filter((p) => p.split === 'train');
const f = (x: number) => x.toFixed(3);
const line = (name: string, r: TriageFigures) => `${name} n=${r.n} kind ${f(r.kindAccuracy)} spam ${f(r.spamRecall)} (of ${r.perKind.spam.n}) bug ${f(r.coursewareBugRecall)} section ${f(r.sectionAccuracy)} P@1 ${f(r.answerPrecisionAt1)}`;
const langOf = (p: CorpusPost) => p.meta?.lang ?? 'en';

if (file) {
  const fresh = readFileSync(file, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as CorpusPost);
  const held = new Set(fresh.map((p) => p.id));
  const rows = train.filter((p) => !held.has(p.id));
  const t0 = performance.now();
  const model = trainOn(kb, rows);
  console.log(`trained on ${rows.length} train rows in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  const all = evaluateTriage(kb, fresh, { model });
  console.log(line('fresh all', all));
  for (const lang of [...new Set(fresh.map(langOf))].sort()) console.log(line(`fresh ${lang}`, evaluateTriage(kb, fresh.filter((p) => langOf(p) === lang), { model })));
  if (verbose) console.log(all.misses.filter((m) => /: (kind|section) /.test(m)).join('\n'));
}

if (process.argv.includes('--cv')) {
  // One CV run; the per-language figures are read off its misses (each row is triaged once).
  const at = process.argv.indexOf('--seed');
  const r = crossValidateTriage(kb, train, 5, at > 0 ? Number(process.argv[at + 1]) : 18);
  console.log(line('CV all', r));
  const missed = (what: string) => new Set(r.misses.filter((m) => m.includes(`: ${what} `)).map((m) => m.slice(0, m.indexOf(':'))));
  const kindMiss = missed('kind');
  const sectionMiss = missed('section');
  const groups: [string, (p: CorpusPost) => boolean][] = [['posts.jsonl', (p) => p.id.startsWith('fp-')], ...['en', 'es', 'pt', 'hi-en', 'fr', 'de', 'it'].map((l): [string, (p: CorpusPost) => boolean] => [l, (p) => langOf(p) === l])];
  for (const [lang, pick] of groups) {
    const rows = train.filter(pick);
    if (!rows.length) continue;
    const spam = rows.filter((p) => p.kind === 'spam');
    const share = (set: Set<string>, of: CorpusPost[]) => (of.length ? of.filter((p) => !set.has(p.id)).length / of.length : 1);
    console.log(`CV ${lang} n=${rows.length} kind ${f(share(kindMiss, rows))} spam ${f(share(kindMiss, spam))} (of ${spam.length}) section ${f(share(sectionMiss, rows))}`);
    if (verbose && !['en', 'posts.jsonl'].includes(lang)) console.log(r.misses.filter((m) => /: (kind|section) /.test(m) && rows.some((p) => m.startsWith(`${p.id}:`))).join('\n'));
  }
}
