#!/usr/bin/env bash
# Time-ordered check of the /ask reranker (TRAIN rows only): the answerer as it was at COMMIT, before the
# train-more questions from lm-CUT on were written, answers those later questions with and without the
# current reranker trained on the rows that existed before them. The old code never saw the later rows,
# so unlike the k-fold CV (where the regex rules are in-sample) neither arm has been tuned on them.
#   bench/answers-prospective.sh [COMMIT=2c01efe] [CUT=237]   (2c01efe added lm-237…lm-385 and nothing else)
set -euo pipefail
commit=${1:-2c01efe}
cut=${2:-237}
root=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
git -C "$root" archive "$commit" | tar -x -C "$tmp"
ln -s "$(readlink -f "$root/node_modules")" "$tmp/node_modules"
cp "$root/bot/answers/reranker.ts" "$tmp/bot/answers/reranker.ts"
# The hook, as in today's answerer: rerank after the confidence is taken.
node -e '
const fs = require("fs"); const p = process.argv[1]; let s = fs.readFileSync(p, "utf8");
const a = "  const { hits } = retrieve(retriever, question, opts.lookup);\n  let confidence = confidenceOf(hits, retriever.knownTerms(question));";
if (!s.includes(a)) { console.error("answerer.ts at this commit has no hook point"); process.exit(1); }
s = s.replace(a, "  const { hits: retrieved } = retrieve(retriever, question, opts.lookup);\n  let confidence = confidenceOf(retrieved, retriever.knownTerms(question));\n  const hits = (opts as { reranker?: { rerank(q: string, h: Hit[]): Hit[] } }).reranker?.rerank(question, retrieved) ?? retrieved;");
fs.writeFileSync(p, s);' "$tmp/bot/answers/answerer.ts"
cat > "$tmp/bench/_prospective.ts" <<TS
import { readFileSync } from 'node:fs';
import { KnowledgeBase } from '../bot/answers/knowledge-base.js';
import { Reranker } from '../bot/answers/reranker.js';
interface Row { id: string; question: string; expected_sources: string[]; should_abstain: boolean; split: string }
// Train rows only: the test split is dropped as the files are read.
const load = (p: string) => readFileSync(p, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as Row).filter((r) => r.split === 'train');
const rows = [...load('$root/bot/answers/corpus/questions.jsonl'), ...load('$root/bot/answers/corpus/train-more.jsonl')];
const lm = (r: Row) => (r.id.startsWith('lm-') ? Number(r.id.slice(3)) : 0);
const early = rows.filter((r) => lm(r) < $cut);
const late = rows.filter((r) => lm(r) >= $cut);
const kb = KnowledgeBase.fromDirs(['$root/../shared/course']);
const reranker = Reranker.train(early.filter((r) => !r.should_abstain).map((r) => ({ question: r.question, sources: r.expected_sources })), kb.chunks);
const fig = (r?: Reranker) => {
  let n = 0, right = 0, fh = 0, ho = 0, caught = 0;
  for (const q of late) {
    const a = kb.ask(q.question, (r ? { reranker: r } : {}) as Parameters<typeof kb.ask>[1]);
    if (q.should_abstain) { ho++; if (a.abstained) caught++; continue; }
    n++;
    if (a.abstained) fh++;
    else if (q.expected_sources.includes(a.citations[0]?.id ?? '')) right++;
  }
  return \`P@1 \${(right / n).toFixed(3)} (\${right}/\${n})  hand-over \${caught}/\${ho}  false hand-overs \${fh}\`;
};
console.log(\`code $commit; reranker trained on the \${early.length} train rows before lm-$cut; scored on the \${late.length} from lm-$cut on\`);
console.log('baseline          ', fig());
console.log('with the reranker ', fig(reranker));
TS
(cd "$tmp" && npx tsx bench/_prospective.ts)
