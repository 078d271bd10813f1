/**
 * The hand-over check on wordings nobody had tuned for (`npx tsx bench/handover-fresh.ts [-v]`): each probe
 * batch of train-more.jsonl was written before the system answered it, then used for tuning. Here every
 * batch meets the patterns as they were just before it was added (handover.ts at the parent of the commit
 * that added the batch, read from git) and a classifier trained only on the train rows that existed then
 * (questions.jsonl train split, train-more rows before the batch). The retrieval backstop is today's
 * (it was tuned on these rows too, so "backstop" rows flatter the past a little). Train rows only: the
 * test split of questions.jsonl is filtered out on load.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { fromRoot } from '../core/paths.js';
import { LEARNED_FAIRLY, LEARNED_LOW_CONFIDENCE, LEARNED_SURE, LONG_POST_WORDS } from '../bot/answers/answerer.js';
import { loadQuestions, TRAIN_MORE_QUESTIONS_PATH, type LabelledQuestion } from '../bot/answers/evaluate.js';
import type { HandoverReason } from '../bot/answers/handover.js';
import { HandoverModel, type HandoverExample } from '../bot/answers/handover-model.js';
import { KnowledgeBase } from '../bot/answers/knowledge-base.js';

const verbose = process.argv.includes('-v');
const git = (...args: string[]) => execFileSync('git', args, { cwd: fromRoot(), encoding: 'utf8', maxBuffer: 1 << 26 });
const base = loadQuestions().filter((q) => q.split === 'train');
const more = loadQuestions(TRAIN_MORE_QUESTIONS_PATH);
const num = (id: string) => Number(id.slice(3));
const example = (q: LabelledQuestion): HandoverExample => ({ question: q.question, reason: q.should_abstain ? ((q.handover_reason ?? 'other') as HandoverReason) : null });
const kb = KnowledgeBase.fromDirs([fromRoot('..', 'shared', 'course')]);
const tmp = mkdtempSync(join(tmpdir(), 'handover-fresh-'));
const textUrl = pathToFileURL(fromRoot('bot', 'answers', 'text.ts')).href;

// Commits that added train-more rows, oldest first, with the ids each added.
const commits = git('log', '--reverse', '--format=%h', '--', 'bot/answers/corpus/train-more.jsonl').trim().split('\n');
const records: { ho: boolean; pattern: boolean; backstop: boolean; p: number; conf: number; short: boolean }[] = [];
const totals = { n: 0, ho: 0, an: 0, pat: [0, 0], before: [0, 0], clf: [0, 0], after: [0, 0] };
console.log('batch            n  ho/an | patterns then    | + backstop       | classifier p>=0.5 | after (shipped rule)');
for (const c of commits) {
  const added = [...git('show', c, '--format=', '--', 'bot/answers/corpus/train-more.jsonl').matchAll(/^\+\{"id": "(lm-\d+)"/gm)].map((m) => m[1]!);
  if (added.length < 20) continue;
  const ids = new Set(added);
  const batch = more.filter((q) => ids.has(q.id));
  const first = Math.min(...added.map(num));
  let oldPatterns: (q: string) => string | null;
  try {
    const src = git('show', `${c}^:bot/answers/handover.ts`).replace("from './text.js'", `from '${textUrl}'`);
    const file = join(tmp, `handover-${c}.ts`);
    writeFileSync(file, src);
    oldPatterns = ((await import(pathToFileURL(file).href)) as { needsPerson: (q: string) => string | null }).needsPerson;
  } catch {
    continue; // no hand-over module yet at that commit
  }
  const model = HandoverModel.train([...base, ...more.filter((q) => num(q.id) < first)].map(example));
  const counts = { pat: [0, 0], before: [0, 0], clf: [0, 0], after: [0, 0] };
  for (const q of batch) {
    const pattern = oldPatterns(q.question) !== null;
    const a = pattern ? undefined : kb.ask(q.question, { handoverModel: null, patterns: () => null });
    const s = model.score(q.question);
    const short = (q.question.match(/\S+/g) ?? []).length <= LONG_POST_WORDS;
    const before = pattern || (a?.abstained ?? true);
    const after = before || (short && (s.probability >= LEARNED_SURE || (s.probability >= LEARNED_FAIRLY && (a?.confidence ?? 0) < LEARNED_LOW_CONFIDENCE)));
    records.push({ ho: q.should_abstain, pattern, backstop: a?.abstained ?? true, p: s.probability, conf: a?.confidence ?? 0, short });
    const col = q.should_abstain ? 0 : 1;
    counts.pat[col]! += +pattern;
    counts.before[col]! += +before;
    counts.clf[col]! += +(s.probability >= 0.5);
    counts.after[col]! += +after;
    if (verbose && before !== after) console.log(`  ${after ? '+' : '-'} ${q.id} ${q.should_abstain ? q.handover_reason : 'answerable'} p=${s.probability.toFixed(2)} conf=${a?.confidence}: ${q.question.slice(0, 100)}`);
  }
  const ho = batch.filter((q) => q.should_abstain).length;
  const an = batch.length - ho;
  const cell = (x: number[]) => `${String(x[0]).padStart(3)}/${ho} false ${String(x[1]).padStart(2)}/${an}`.padEnd(17);
  console.log(`${`${added[0]}…${added.at(-1)!.slice(3)}`.padEnd(14)} ${String(batch.length).padStart(3)} ${ho}/${an} | ${cell(counts.pat)}| ${cell(counts.before)}| ${cell(counts.clf)} | ${cell(counts.after)}`);
  totals.n += batch.length;
  totals.ho += ho;
  totals.an += an;
  for (const k of ['pat', 'before', 'clf', 'after'] as const) for (const i of [0, 1]) totals[k][i]! += counts[k][i]!;
}
const pct = (a: number, b: number) => `${a}/${b} (${((100 * a) / b).toFixed(1)} %)`;
for (const k of ['pat', 'before', 'clf', 'after'] as const) console.log(`all batches ${k.padEnd(7)} hand-over recall ${pct(totals[k][0]!, totals.ho)}  false hand-overs ${pct(totals[k][1]!, totals.an)}`);
if (process.argv.includes('--sweep')) {
  for (const sure of [0.7, 0.8, 0.85, 0.9, 0.95])
    for (const fairly of [0.3, 0.4, 0.5, 0.6])
      for (const low of [0.5, 0.6, 0.7]) {
        const rule = (r: (typeof records)[number]) => r.pattern || r.backstop || (r.short && (r.p >= sure || (r.p >= fairly && r.conf < low)));
        console.log(`sweep ${sure}/${fairly}/${low}: ${records.filter((r) => r.ho && rule(r)).length}/${totals.ho} false ${records.filter((r) => !r.ho && rule(r)).length}/${totals.an}`);
      }
}
rmSync(tmp, { recursive: true, force: true });
