/**
 * Contracts of the answer bot: citable chunks of course knowledge, a retriever over them, and the answer
 * shape `tinyarena ask` prints (ARCHITECTURE.md §5).
 */

/** Where a chunk came from. `id` is the source's own id (FAQ id, syllabus id such as `4.2`, forum topic id). */
export interface Citation {
  id: string;
  title: string;
  url: string;
}

/** What kind of source a chunk belongs to. */
export type SourceKind = 'faq' | 'syllabus-section' | 'syllabus-item' | 'forum' | 'organizer';

/** One searchable unit of knowledge (a FAQ entry or one of its headed parts, a syllabus section, …). */
export interface Chunk {
  /** Unique per chunk (a source split by headings yields `<id>#<anchor>`). */
  key: string;
  citation: Citation;
  source: SourceKind;
  /** Heading path inside the source, empty for the whole entry. */
  heading: string;
  text: string;
  tags: string[];
  /** Syllabus section ids the chunk relates to (a section cites itself). */
  sections: string[];
  /** Literal error strings quoted in the source (matched against pasted logs). */
  errorStrings: string[];
}

/** A retrieved chunk with its score (higher is better; the scale is the retriever's own). */
export interface Hit {
  chunk: Chunk;
  score: number;
  /** Share of the query's content terms the chunk contains (0–1), for confidence. */
  coverage: number;
  /** True when an error string from the chunk occurs in the query. */
  errorMatch: boolean;
  /** A syllabus item that matched for its section: the item's own citation. */
  item?: Citation;
}

/** Options for one search. */
export interface SearchOptions {
  limit?: number;
  /** Only these source kinds. */
  sources?: SourceKind[];
}

/**
 * Retrieval behind one interface, so a deployment can back it with an embedding model instead of BM25.
 * Implementations must be safe to call concurrently and fast once built (the warm `ask` budget is 200 ms).
 */
export interface Retriever {
  /** Replace the indexed chunk set (added, changed and removed chunks by `key`). */
  index(chunks: readonly Chunk[]): void;
  search(query: string, opts?: SearchOptions): Hit[];
  /** Number of query content terms the corpus knows (0 means the question is about something else). */
  knownTerms(query: string): { known: number; total: number };
}

/** The answer to one question (`tinyarena ask --json`). */
export interface Answer {
  answer: string;
  citations: Citation[];
  confidence: number;
  abstained: boolean;
  /** ISO 639-1 code of the question's language (best guess). */
  language: string;
  /** Set when the question needs a person (grades, account, payment, …): why, before any retrieval. */
  needsPerson?: string;
}
