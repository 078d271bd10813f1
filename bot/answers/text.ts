/**
 * The one text pipeline for documents and questions: fold case and accents, split into words (keeping
 * identifiers such as `micro_speech` whole and also in parts), drop stop words, map glossary words to the
 * material's English words, stem. Documents and queries must go through the same steps or BM25 misses.
 */
import { stemmer } from 'stemmer';
import { GLOSSARY, STOPWORDS } from './glossary.js';

/** Lower case without accents (`cámara` → `camara`). */
export function fold(s: string): string {
  return s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
}

/** Raw words: letters/digits/underscore runs; `max_pool_2d` also yields `max`, `pool`, `2d`. */
export function words(s: string): string[] {
  const out: string[] = [];
  for (const m of fold(s).matchAll(/[a-z0-9_]+/g)) {
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

export function queryTerms(s: string): QueryTerms {
  const own = new Set<string>();
  const expanded = new Set<string>();
  const groups: string[][] = [];
  for (const w of words(s)) {
    if (STOPWORDS.has(w) || w.length < 2) continue;
    const group = new Set<string>([stem(w)]);
    own.add(stem(w));
    for (const e of GLOSSARY[w] ?? []) for (const t of docTerms(e)) group.add(t);
    for (const t of group) if (!own.has(t)) expanded.add(t);
    groups.push([...group]);
  }
  for (const t of own) expanded.delete(t);
  return { own: [...own], expanded: [...expanded], groups };
}
