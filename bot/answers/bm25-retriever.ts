/**
 * The default {@link Retriever}: BM25 over title, heading, text and tags with MiniSearch, queries expanded
 * through the course glossary (expansions weigh less than the learner's own words), and literal error
 * strings from the material matched against pasted logs.
 */
import MiniSearch from 'minisearch';
import { normalizeErrorText } from './load.js';
import { expansionsOf, STOPWORDS } from './glossary.js';
import { boundedDistance, docTerms, queryTerms, stem, words } from './text.js';
import type { Chunk, Hit, Retriever, SearchOptions } from './types.js';

interface Doc {
  key: string;
  title: string;
  text: string;
  tags: string;
}

/** Weight of a glossary expansion relative to a word the learner typed. */
const EXPANSION_WEIGHT = 0.45;
/** Words of an error string that must appear together in a question to count as the same error. */
const ERROR_WINDOW = 5;
/** How much an error-string match multiplies a chunk's score (a pasted error is the strongest signal). */
const ERROR_BOOST = 1.6;

export class Bm25Retriever implements Retriever {
  private search_ = this.build([]);
  private chunks = new Map<string, Chunk>();
  private termSets = new Map<string, Set<string>>();
  private vocabulary = new Set<string>();
  private errorWindows: { key: string; window: string }[] = [];
  /** Corpus words of 5+ letters by first letter, for spelling correction. */
  private spellings = new Map<string, string[]>();
  private corrections = new Map<string, string>();

  private build(docs: Doc[]): MiniSearch<Doc> {
    const ms = new MiniSearch<Doc>({
      idField: 'key',
      fields: ['title', 'text', 'tags'],
      tokenize: (s) => docTerms(s),
      processTerm: (t) => t,
      searchOptions: { boost: { title: 2.5, tags: 1.5 }, bm25: { k: 1.2, b: 0.6, d: 0.5 } },
    });
    ms.addAll(docs);
    return ms;
  }

  index(chunks: readonly Chunk[]): void {
    this.chunks = new Map(chunks.map((c) => [c.key, c]));
    const docs = chunks.map((c) => ({ key: c.key, title: [c.citation.title, c.heading].join(' '), text: c.text, tags: c.tags.join(' ') }));
    this.search_ = this.build(docs);
    this.termSets = new Map(docs.map((d) => [d.key, new Set(docTerms(`${d.title} ${d.text} ${d.tags}`))]));
    this.vocabulary = new Set([...this.termSets.values()].flatMap((s) => [...s]));
    this.spellings = new Map();
    this.corrections = new Map();
    const seen = new Set<string>();
    for (const d of docs) {
      for (const w of words(`${d.title} ${d.text}`)) {
        if (w.length < 5 || /[\d_]/.test(w) || seen.has(w)) continue;
        seen.add(w);
        const list = this.spellings.get(w[0]!) ?? [];
        list.push(w);
        this.spellings.set(w[0]!, list);
      }
    }
    this.errorWindows = [];
    for (const c of chunks) {
      for (const e of c.errorStrings) {
        const ws = e.split(' ');
        if (ws.length <= ERROR_WINDOW) this.errorWindows.push({ key: c.key, window: e });
        else for (let i = 0; i + ERROR_WINDOW <= ws.length; i++) this.errorWindows.push({ key: c.key, window: ws.slice(i, i + ERROR_WINDOW).join(' ') });
      }
    }
  }

  /**
   * A misspelt word → the corpus word one edit away (two for long words), same first letter. Words the
   * corpus or glossary knows, short words and identifiers are left alone.
   */
  private readonly correct = (w: string): string => {
    if (w.length < 5 || /[\d_]/.test(w) || STOPWORDS.has(w) || expansionsOf(w).length || this.vocabulary.has(stem(w))) return w;
    const cached = this.corrections.get(w);
    if (cached !== undefined) return cached;
    const max = w.length >= 8 ? 2 : 1;
    let best = w;
    let bestD = max + 1;
    for (const cand of this.spellings.get(w[0]!) ?? []) {
      const d = boundedDistance(w, cand, max);
      if (d < bestD) {
        bestD = d;
        best = cand;
      }
    }
    this.corrections.set(w, best);
    return best;
  };

  search(query: string, opts: SearchOptions = {}): Hit[] {
    const limit = opts.limit ?? 5;
    const sources = opts.sources ? new Set(opts.sources) : null;
    const q = queryTerms(query, this.correct);
    const own = new Set(q.own);
    const terms = [...q.own, ...q.expanded];
    const filter = sources ? (r: { id: string }) => sources.has(this.chunks.get(r.id)!.source) : undefined;
    const results = terms.length
      ? this.search_.search(terms.join(' '), {
          tokenize: (s) => s.split(' '),
          processTerm: (t) => t,
          boostTerm: (t) => (own.has(t) ? 1 : EXPANSION_WEIGHT),
          filter,
        })
      : [];
    const scores = new Map<string, number>(results.map((r) => [r.id as string, r.score]));
    // Error strings: a pasted log line names its FAQ better than any bag of words.
    const normalized = ` ${normalizeErrorText(query)} `;
    const errorKeys = new Set(this.errorWindows.filter((w) => normalized.includes(` ${w.window} `)).map((w) => w.key));
    const top = results[0]?.score ?? 1;
    for (const key of errorKeys) {
      if (sources && !sources.has(this.chunks.get(key)!.source)) continue;
      scores.set(key, Math.max((scores.get(key) ?? 0) * ERROR_BOOST, top * ERROR_BOOST * 0.9));
    }
    return [...scores.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, limit)
      .map(([key, score]) => {
        const set = this.termSets.get(key)!;
        const covered = q.groups.filter((g) => g.some((t) => set.has(t))).length;
        return { chunk: this.chunks.get(key)!, score, coverage: q.groups.length ? covered / q.groups.length : 0, errorMatch: errorKeys.has(key) };
      });
  }

  knownTerms(query: string): { known: number; total: number } {
    const q = queryTerms(query, this.correct);
    return { known: q.groups.filter((g) => g.some((t) => this.vocabulary.has(t))).length, total: q.groups.length };
  }
}
