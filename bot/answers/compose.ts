/**
 * Compose an answer's text from whole steps of a source entry: the entry is split into blocks
 * (paragraphs, a list with its lead-in line, code blocks, headed parts), and whole blocks are chosen by
 * how much they speak to the question and whether they carry a fix, then printed in the entry's order.
 * A list is never cut (an answer that stops at "1. Preprocessing mismatch…" helps nobody), and the fix
 * stays with the cause. Markdown line breaks are kept. Pure.
 */
import { queryTerms, docTerms } from './text.js';
import type { Chunk } from './types.js';

/** Characters an answer body aims to stay under at least (Discord allows 2,000 per message, with the header and sources). */
export const ANSWER_BUDGET = 1300;
/** Characters of one whole answer message (Discord's limit): the body may use what the header and sources leave. */
export const MESSAGE_LIMIT = 2000;

/** One block of an entry. */
interface Block {
  text: string;
  order: number;
  list: boolean;
}

const LIST_ITEM = /^\s*(?:[-*+]|\d+[.)])\s+/;
/** Words that mark a step the learner can take. */
const FIX_WORDS = /\b(fix|try|close|select|choose|pick|install|uninstall|set|use|run|add|change|check|make sure|update|upgrade|downgrade|remove|delete|rename|re-?select|double-tap|tap|press|upload|print|restart|reconnect|replace|increase|reduce|lower|raise|move|copy|open|enable|disable|call|pass|convert|retrain|record|save|mount|download|pin|register|allocate|keep|avoid|switch)\b/i;

/** Blocks as the lines split them, before numbered lists interrupted by code or a note are joined again. */
function rawBlocks(markdown: string): Block[] {
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

/** The number of a list block's first and last numbered items (undefined for bullets). */
function numbering(text: string): { first?: number; last?: number } {
  const nums = [...text.matchAll(/^\s{0,1}(\d+)[.)]\s/gm)].map((m) => Number(m[1]));
  return { first: nums[0], last: nums.at(-1) };
}

/**
 * Split an entry's Markdown into blocks; a list keeps its lead-in line ("Common causes and fixes:"), and a
 * numbered list that a note or a code block interrupts ("2. Register each op" … a note … "3. For a first
 * test") stays one block with what interrupts it: the steps of one fix are never split apart.
 */
export function blocksOf(markdown: string): Block[] {
  const raw = rawBlocks(markdown);
  const out: Block[] = [];
  for (const b of raw) {
    const { first } = b.list ? numbering(b.text) : {};
    if (first !== undefined && first > 1) {
      // Walk back over at most two interrupting blocks to the list this one continues.
      for (let back = 1; back <= 3 && back <= out.length; back++) {
        const prev = out[out.length - back]!;
        if (prev.list && numbering(prev.text).last === first - 1) {
          const merged = out.splice(out.length - back, back).map((x) => x.text);
          out.push({ text: [...merged, b.text].join('\n\n'), order: prev.order, list: true });
          break;
        }
      }
      if (out.at(-1)?.text.endsWith(b.text)) continue;
    }
    out.push({ ...b, order: out.length });
  }
  return out.map((b, i) => ({ ...b, order: i }));
}

/**
 * Join the hard-wrapped lines of each paragraph and list item (the material wraps at ~110 columns; Discord
 * shows every newline, and a phrase such as "extra library" must not be split over two lines). Code
 * blocks, tables, headings and the start of each list item keep their own lines.
 */
export function unwrap(markdown: string): string {
  const out: string[] = [];
  let inCode = false;
  for (const line of markdown.split('\n')) {
    const fence = /^\s*```/.test(line);
    const prev = out.at(-1);
    const joinable =
      !inCode && !fence && line.trim() !== '' && !LIST_ITEM.test(line) && !/^\s*(\||#|>)/.test(line) &&
      prev !== undefined && prev.trim() !== '' && !/^\s*(```|\||#)/.test(prev) && !/:\s*$/.test(prev);
    if (joinable) out[out.length - 1] = `${prev.replace(/\s+$/, '')} ${line.trim()}`;
    else out.push(line);
    if (fence) inCode = !inCode;
  }
  return out.join('\n');
}

/** The whole entry's Markdown from its chunks (the first chunk is the untitled intro). */
export function entryMarkdown(chunks: readonly Chunk[]): string {
  return chunks.map((c) => (c.heading ? `## ${c.text}` : c.text)).join('\n\n');
}

/** A lead-in that announces the steps of a fix ("Fix:", "Common causes and fixes:", "How to size it:"). */
const FIX_LEAD = /\b(fix|fixes|fixing|how to|ways to|steps?|checks?|recipe|solution|solutions|what to do|try|in order)\b[^\n]*:\s*(\n|$)/i;

/**
 * The answer body: the entry whole when it fits the budget, else its most useful whole blocks, in the
 * entry's order. The steps of the fix come first (the list that a "Fix:"-style lead-in announces, or the
 * list with the most steps), then the intro that names the cause, then the blocks that share the
 * question's words. A block is never cut, and the fix is kept even when it alone exceeds the budget.
 */
export function composeAnswer(markdown: string, question: string, budget = ANSWER_BUDGET): string {
  const blocks = blocksOf(markdown);
  const full = blocks.map((b) => b.text).join('\n\n');
  if (full.length <= budget) return full;
  const qt = queryTerms(question);
  const q = new Set([...qt.own, ...qt.expanded]);
  const steps = (b: Block) => (b.text.match(/^\s*(?:[-*+]|\d+[.)])\s+/gm) ?? []).length;
  const fixSteps = (b: Block) => b.text.split('\n').filter((l) => LIST_ITEM.test(l) && FIX_WORDS.test(l)).length;
  const overlapOf = (b: Block) => {
    const terms = new Set(docTerms(b.text));
    return [...q].filter((t) => terms.has(t)).length;
  };
  // The fix: the list a fix lead-in announces, else the list with the most actionable steps.
  const lists = blocks.filter((b) => b.list && fixSteps(b) > 0);
  const fix = lists.find((b) => FIX_LEAD.test(b.text.split('\n', 1)[0] ?? '') || FIX_LEAD.test(b.text)) ?? [...lists].sort((a, b) => fixSteps(b) - fixSteps(a) || steps(b) - steps(a))[0];
  const scored = blocks.map((b) => ({ b, score: overlapOf(b) * 2 + (FIX_WORDS.test(b.text) ? 1.5 : 0) + (b.list ? 1.5 : 0) - b.order * 0.1 }));
  const chosen = new Set<Block>();
  let used = 0;
  const take = (b: Block, force = false) => {
    if (chosen.has(b) || (!force && used + b.text.length > budget)) return;
    chosen.add(b);
    used += b.text.length + 2;
  };
  if (fix) take(fix, true);
  if (blocks[0]) take(blocks[0], !fix);
  for (const { b } of scored.sort((x, y) => y.score - x.score)) take(b);
  return blocks.filter((b) => chosen.has(b)).map((b) => b.text).join('\n\n');
}
