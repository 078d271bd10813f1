/**
 * Compose an answer's text from whole steps of a source entry: the entry is split into blocks
 * (paragraphs, a list with its lead-in line, code blocks, headed parts), and whole blocks are chosen by
 * how much they speak to the question and whether they carry a fix, then printed in the entry's order.
 * A list is never cut (an answer that stops at "1. Preprocessing mismatch…" helps nobody), and the fix
 * stays with the cause. Markdown line breaks are kept. Pure.
 */
import { queryTerms, docTerms } from './text.js';
import type { Chunk } from './types.js';

/** Characters an answer body aims to stay under (Discord allows 2,000 per message, with the header and sources). */
export const ANSWER_BUDGET = 1300;

/** One block of an entry. */
interface Block {
  text: string;
  order: number;
  list: boolean;
}

const LIST_ITEM = /^\s*(?:[-*+]|\d+[.)])\s+/;
/** Words that mark a step the learner can take. */
const FIX_WORDS = /\b(fix|try|close|select|choose|pick|install|uninstall|set|use|run|add|change|check|make sure|update|upgrade|downgrade|remove|delete|rename|re-?select|double-tap|tap|press|upload|print|restart|reconnect|replace|increase|reduce|lower|raise|move|copy|open|enable|disable|call|pass|convert|retrain|record|save|mount|download|pin|register|allocate|keep|avoid|switch)\b/i;

/** Split an entry's Markdown into blocks; a list keeps its lead-in line ("Common causes and fixes:"). */
export function blocksOf(markdown: string): Block[] {
  const out: Block[] = [];
  const lines = markdown.replace(/\r\n/g, '\n').split('\n');
  let cur: string[] = [];
  let curList = false;
  let inCode = false;
  const flush = () => {
    const text = cur.join('\n').trim();
    if (text) out.push({ text, order: out.length, list: curList });
    cur = [];
    curList = false;
  };
  for (const line of lines) {
    if (/^```/.test(line)) {
      if (!inCode) {
        // A code block belongs to the paragraph or list step that introduces it.
        inCode = true;
      } else inCode = false;
      cur.push(line);
      continue;
    }
    if (inCode) {
      cur.push(line);
      continue;
    }
    if (!line.trim()) {
      // A blank line ends a paragraph; inside a list (between items) it does not end the list.
      // A lead-in line ending with a colon waits for its list.
      if (!curList && !/:\s*$/.test(cur[cur.length - 1] ?? '')) flush();
      continue;
    }
    if (/^#{1,4}\s/.test(line)) {
      flush();
      cur.push(line.replace(/^#{1,4}\s+/, '**').replace(/\s*#*$/, '**'));
      continue;
    }
    const item = LIST_ITEM.test(line);
    const continuation = /^\s{2,}\S/.test(line) && curList;
    if (item || continuation) {
      if (!curList) {
        // Keep a lead-in sentence that ends with a colon with its list; start a new block otherwise.
        const last = cur[cur.length - 1];
        const leadIn = last !== undefined && /:\s*$/.test(last);
        if (!leadIn) flush();
        curList = true;
      }
      cur.push(line);
      continue;
    }
    if (curList) flush();
    cur.push(line);
  }
  flush();
  return out;
}

/** The whole entry's Markdown from its chunks (the first chunk is the untitled intro). */
export function entryMarkdown(chunks: readonly Chunk[]): string {
  return chunks.map((c) => (c.heading ? `## ${c.text}` : c.text)).join('\n\n');
}

/**
 * The answer body: the entry whole when it fits the budget, else its most useful whole blocks (the
 * intro, the blocks that share the question's words, the steps that fix things), in the entry's order.
 */
export function composeAnswer(markdown: string, question: string, budget = ANSWER_BUDGET): string {
  const blocks = blocksOf(markdown);
  const full = blocks.map((b) => b.text).join('\n\n');
  if (full.length <= budget) return full;
  const q = new Set([...queryTerms(question).own, ...queryTerms(question).expanded]);
  const scored = blocks.map((b) => {
    const terms = new Set(docTerms(b.text));
    const overlap = [...q].filter((t) => terms.has(t)).length;
    const fix = FIX_WORDS.test(b.text) ? 1.5 : 0;
    const score = overlap * 2 + fix + (b.list ? 1.5 : 0) + (b.order === 0 ? 2.5 : 0) - b.order * 0.1;
    return { b, score };
  });
  const chosen = new Set<Block>();
  let used = 0;
  for (const { b } of scored.sort((x, y) => y.score - x.score)) {
    if (used + b.text.length > budget && chosen.size) continue;
    chosen.add(b);
    used += b.text.length + 2;
  }
  return blocks.filter((b) => chosen.has(b)).map((b) => b.text).join('\n\n');
}
