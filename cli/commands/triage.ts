import { triagePost } from '../../bot/discourse/triage/classify.js';
import { metaOf } from '../../bot/discourse/triage/corpus.js';
import type { TriageResult } from '../../bot/discourse/triage/types.js';
import { CliError } from '../errors.js';
import { knowledgeFromConfig, readJsonl } from './ask.js';
import type { RegisterCommand } from './types.js';

/** The §5 JSON shape: exactly these fields. */
const wire = (t: TriageResult) => ({ kind: t.kind, course_section: t.course_section, tags: t.tags, duplicate_of: t.duplicate_of, answer: { citations: t.answer.citations, abstained: t.answer.abstained } });

const register: RegisterCommand = (program) => {
  program
    .command('triage')
    .description('triage forum posts offline ({"title","body"} per line): kind, course section, tags, duplicate, drafted answer (exit 0, 2 bad input)')
    .requiredOption('--file <posts.jsonl>', 'one forum post per line: {"title": …, "body": …} (optional "meta": {"author_trust_level", "author_post_count"})')
    .option('--json', 'one JSON line per post: { kind, course_section, tags, duplicate_of, answer:{ citations, abstained } }')
    .action(async (opts: { file: string; json?: boolean }) => {
      const rows = await readJsonl(opts.file);
      rows.forEach((r, i) => {
        if (typeof r.title !== 'string' || typeof r.body !== 'string') throw new CliError(`${opts.file}: line ${i + 1} needs "title" and "body" strings`, 2);
      });
      const kb = knowledgeFromConfig();
      const out = rows.map((r) => {
        const t = triagePost(kb, { title: r.title as string, body: r.body as string, tags: Array.isArray(r.tags) ? r.tags.filter((x): x is string => typeof x === 'string') : undefined, meta: metaOf(r) });
        if (opts.json) return JSON.stringify(wire(t));
        const cites = t.answer.citations.map((c) => c.id).join(', ') || '—';
        return `${r.title as string}\n  kind ${t.kind}  section ${t.course_section ?? '—'}  tags ${t.tags.join(', ') || '—'}${t.duplicate_of ? `  duplicate of ${t.duplicate_of}` : ''}\n  answer ${t.answer.abstained ? 'abstained' : `confidence ${t.answer.confidence}`}  cites ${cites}`;
      });
      process.stdout.write(out.join('\n') + '\n');
    });
};
export default register;
