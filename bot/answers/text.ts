/**
 * The one text pipeline for documents and questions: fold case and accents, split into words (keeping
 * identifiers such as `micro_speech` whole and also in parts), drop stop words, map glossary words to the
 * material's English words, stem. Documents and queries must go through the same steps or BM25 misses.
 */
import { stemmer } from 'stemmer';
import { expansionsOf, STOPWORDS } from './glossary.js';

/** Lower case without accents (`cámara` → `camara`). */
export function fold(s: string): string {
  return s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
}

/** Raw words: letters/digits/underscore runs; `max_pool_2d` also yields `max`, `pool`, `2d`. */
export function words(s: string): string[] {
  const out: string[] = [];
  // "C++" would lose its only letter to the length filter: it becomes one word. "Course 3" is one word
  // too, so that the number names the course rather than matching every "course" and every "3".
  const folded = fold(s).replace(/\bc\+\+/g, 'cplusplus').replace(/\b(courses|cursos) ([1-4]),? (and|&|y|e|or|o|to|a) ([1-4])\b/g, 'course$2 $3 course$4').replace(/\b(course|curso|kors)\s*#?\s*([1-4])\b/g, 'course$2');
  for (const m of folded.matchAll(/[a-z0-9_]+/g)) {
    const w = m[0].replace(/^_+|_+$/g, '');
    if (!w) continue;
    out.push(w);
    if (w.includes('_')) out.push(...w.split('_').filter((p) => p.length > 1));
  }
  return out;
}

const stemCache = new Map<string, string>();
/** Porter stem, cached (stemming dominates indexing time otherwise). */
export function stem(w: string): string {
  let s = stemCache.get(w);
  if (s === undefined) {
    s = /\d/.test(w) || w.length <= 3 ? w : stemmer(w);
    stemCache.set(w, s);
  }
  return s;
}

/** Index terms of a document: every non-stop word, stemmed. */
export function docTerms(s: string): string[] {
  return words(s).filter((w) => !STOPWORDS.has(w) && w.length > 1).map(stem);
}

/** A question's terms: the learner's own words (stemmed) and the glossary's expansions of them. */
export interface QueryTerms {
  /** Stems of the question's own content words. */
  own: string[];
  /** Stems the glossary adds (synonyms, translations), not already among `own`. */
  expanded: string[];
  /** Per content word: the stems that stand for it (own stem + expansions); used for coverage. */
  groups: string[][];
}

/**
 * @param correct optional spelling correction applied to each word first (the retriever's corpus
 *   vocabulary knows what "quantizaton" meant).
 */
export function queryTerms(s: string, correct?: (w: string) => string): QueryTerms {
  s = rewritePhrases(s);
  const own = new Set<string>();
  const expanded = new Set<string>();
  const groups: string[][] = [];
  for (const raw of words(s)) {
    const w = correct ? correct(raw) : raw;
    if (STOPWORDS.has(w) || w.length < 2) continue;
    const group = new Set<string>([stem(w)]);
    own.add(stem(w));
    for (const e of expansionsOf(w)) for (const t of docTerms(e)) group.add(t);
    for (const t of group) if (!own.has(t)) expanded.add(t);
    groups.push([...group]);
  }
  for (const t of own) expanded.delete(t);
  return { own: [...own], expanded: [...expanded], groups };
}

/**
 * Phrases whose words alone mislead the index, rewritten in questions only: a "wake word" without
 * "visual" is keyword spotting (not Visual Wake Words), two models "at the same time" is multi-tenancy.
 */
function rewritePhrases(s: string): string {
  return s
    .replace(/(?<!visual\s)\bwake[\s-]?words?\b/gi, 'keyword spotting')
    .replace(/\b(at the same time|at once|in parallel|side by side|together on one board)\b/gi, 'multitenancy');
}

/** Levenshtein distance, or `max + 1` as soon as it must exceed `max` (cheap for the typo check). */
export function boundedDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      cur.push(v);
      rowMin = Math.min(rowMin, v);
    }
    if (rowMin > max) return max + 1;
    prev = cur;
  }
  return prev[b.length]!;
}
