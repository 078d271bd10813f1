import { readFile } from 'node:fs/promises';
import { KnowledgeBase } from '../../bot/answers/knowledge-base.js';
import { LlmComposer, passagesFor } from '../../bot/answers/llm-composer.js';
import { KnowledgeError } from '../../bot/answers/load.js';
import type { Answer } from '../../bot/answers/types.js';
import { ConfigError, loadConfig } from '../../core/config.js';
import { CliError } from '../errors.js';
import type { RegisterCommand } from './types.js';

/** The §5 JSON shape: exactly these fields. */
const wire = (a: Answer) => ({ answer: a.answer, citations: a.citations, confidence: a.confidence, abstained: a.abstained });

/** Build the in-memory knowledge base from KNOWLEDGE_DIRS (exit 2 when it is unset or unreadable). */
export function knowledgeFromConfig(): KnowledgeBase {
  let dirs: string[];
  try {
    dirs = loadConfig().knowledgeDirs;
  } catch (err) {
    if (err instanceof ConfigError) throw new CliError(err.message, 2);
    throw err;
  }
  if (!dirs.length) throw new CliError('KNOWLEDGE_DIRS is not set: point it at the course material (comma-separated folders with syllabus.yaml and faq/*.md)', 2);
  try {
    return KnowledgeBase.fromDirs(dirs);
  } catch (err) {
    if (err instanceof KnowledgeError) throw new CliError(err.message, 2);
    throw err;
  }
}

/** The answers model from ANSWERS_LLM_* (exit 2 when it is not configured). */
function composerFromConfig(): LlmComposer {
  let llm;
  try {
    llm = loadConfig().answersLlm;
  } catch (err) {
    if (err instanceof ConfigError) throw new CliError(err.message, 2);
    throw err;
  }
  if (!llm) throw new CliError('--llm needs ANSWERS_LLM_URL and ANSWERS_LLM_MODEL (an OpenAI-compatible API, e.g. a local llama.cpp server)', 2);
  return new LlmComposer(llm);
}

/** Parse a JSONL file into objects; a bad line is bad input (exit 2) and names its line number. */
export async function readJsonl(file: string): Promise<Record<string, unknown>[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new CliError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`, 2);
  }
  const rows: Record<string, unknown>[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    if (!line.trim()) return;
    let v: unknown;
    try {
      v = JSON.parse(line);
    } catch {
      throw new CliError(`${file}:${i + 1}: not JSON`, 2);
    }
    if (!v || typeof v !== 'object' || Array.isArray(v)) throw new CliError(`${file}:${i + 1}: expected a JSON object`, 2);
    rows.push(v as Record<string, unknown>);
  });
  return rows;
}

const register: RegisterCommand = (program) => {
  program
    .command('ask')
    .description('answer a course question from KNOWLEDGE_DIRS with citations, or abstain (exit 0 answered or abstained, 2 bad usage)')
    .argument('[question]', 'the question (quote it)')
    .option('--file <questions.jsonl>', 'answer every line ({"question": …}) in one process, one JSON answer per line')
    .option('--json', 'print JSON: { answer, citations:[{id,title,url}], confidence, abstained }')
    .option('--llm', 'word answered questions with the model of ANSWERS_LLM_URL/ANSWERS_LLM_MODEL, from the cited sources only (what it did goes to stderr)')
    .action(async (question: string | undefined, opts: { file?: string; json?: boolean; llm?: boolean }) => {
      if (!question === !opts.file) throw new CliError('give either a question or --file <questions.jsonl>', 2);
      const composer = opts.llm ? composerFromConfig() : undefined;
      // Offline by default: the model is asked only with --llm, and any failure keeps the extractive answer.
      const word = async (kb: KnowledgeBase, q: string, a: Answer): Promise<Answer> => {
        if (!composer) return a;
        const r = await composer.word(q, a, passagesFor(a, (id) => kb.lookup.chunksOf(id)));
        process.stderr.write(r.wording.by === 'llm' ? `worded by ${r.wording.model}\n` : `kept the extractive answer: ${r.wording.reason}\n`);
        return r.answer;
      };
      if (opts.file) {
        const rows = await readJsonl(opts.file);
        rows.forEach((r, i) => {
          if (typeof r.question !== 'string') throw new CliError(`${opts.file}: line ${i + 1} has no "question" string`, 2);
        });
        const kb = knowledgeFromConfig();
        const out: string[] = [];
        for (const r of rows) {
          const a = await word(kb, r.question as string, kb.ask(r.question as string));
          out.push(opts.json ? JSON.stringify(wire(a)) : `${r.question as string}\n${render(a)}`);
        }
        process.stdout.write(out.join('\n') + '\n');
        return;
      }
      const kb = knowledgeFromConfig();
      const a = await word(kb, question!, kb.ask(question!));
      process.stdout.write(opts.json ? `${JSON.stringify(wire(a))}\n` : `${render(a)}\n`);
    });
};
export default register;

function render(a: Answer): string {
  const head = a.abstained ? `(abstained, confidence ${a.confidence})` : `(confidence ${a.confidence})`;
  return [a.answer, head, ...a.citations.map((c) => `  [${c.id}] ${c.title} — ${c.url}`)].join('\n');
}
