/**
 * A ready-to-query knowledge base: chunks from the configured folders, indexed by a retriever.
 * Built once per process (the CLI builds it in memory from the folders; the server keeps it warm).
 */
import { Bm25Retriever } from './bm25-retriever.js';
import { answerQuestion, type AnswerOptions, type KnowledgeLookup } from './answerer.js';
import { loadKnowledgeDirs } from './load.js';
import { loadTrainingExamples, Reranker } from './reranker.js';
import type { Answer, Chunk, Retriever } from './types.js';

export class KnowledgeBase {
  private readonly byId = new Map<string, Chunk[]>();
  /** Whole entries and section citations for the answerer. */
  readonly lookup: KnowledgeLookup;
  /** The learned reranker of the first citation, or null when off. */
  readonly reranker: Reranker | null;

  /**
   * @param reranker the first-citation reranker; by default one is trained here, deterministically, from
   *   the corpus's answerable train questions and these chunks (50–150 ms), or none if the corpus files are
   *   absent; `null` turns it off.
   */
  constructor(
    readonly chunks: readonly Chunk[],
    readonly retriever: Retriever = new Bm25Retriever(),
    reranker?: Reranker | null,
  ) {
    retriever.index(chunks);
    for (const c of chunks) {
      const list = this.byId.get(c.citation.id) ?? [];
      list.push(c);
      this.byId.set(c.citation.id, list);
    }
    this.lookup = {
      chunksOf: (id) => this.byId.get(id) ?? [],
      sectionCitation: (id) => this.byId.get(id)?.find((c) => c.source === 'syllabus-section')?.citation,
    };
    if (reranker === undefined) {
      // Without labelled questions (a deployment without the corpus) the model would be a second BM25: off.
      const examples = loadTrainingExamples();
      this.reranker = examples.length ? Reranker.train(examples, chunks) : null;
    } else this.reranker = reranker;
  }

  /** Read and index every folder in `dirs` (config.knowledgeDirs). No folders means an empty base. */
  static fromDirs(dirs: readonly string[], retriever?: Retriever, reranker?: Reranker | null): KnowledgeBase {
    return new KnowledgeBase(loadKnowledgeDirs(dirs), retriever, reranker);
  }

  ask(question: string, opts?: AnswerOptions): Answer {
    return answerQuestion(this.retriever, question, { lookup: this.lookup, ...(this.reranker ? { reranker: this.reranker } : {}), ...opts });
  }
}
