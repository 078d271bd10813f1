/**
 * The labelled forum-post corpus (corpus/posts.jsonl, see its README): loading, the author meta as the
 * webhook gives it, a content hash (freshness of the shipped model), and seeded folds for
 * cross-validation on the train split.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { fromRoot } from '../../../core/paths.js';
import type { Kind } from './types.js';
import { seededUniform } from '../../../lib/rng.js';
import type { PostMeta } from './signals.js';

/** A labelled forum post (the corpus's and triage-examples.jsonl's format). */
export interface LabelledPost {
  id: string;
  title: string;
  body: string;
  kind: Kind;
  course_section: string | null;
  tags: string[];
  answer_source: string | null;
  duplicate_of: string | null;
  meta?: CorpusPost['meta'];
}


/** The shipped corpus file. */
export const CORPUS_PATH = fromRoot('bot', 'discourse', 'triage', 'corpus', 'posts.jsonl');

/** One corpus line. */
export interface CorpusPost extends LabelledPost {
  split: 'train' | 'test';
  meta?: { author_trust_level?: number; author_post_count?: number; lang?: string };
}

/** The corpus's author fields as {@link PostMeta}. */
export function metaOf(p: { meta?: CorpusPost['meta'] }): PostMeta | undefined {
  if (!p.meta) return undefined;
  return { trustLevel: p.meta.author_trust_level ?? null, postCount: p.meta.author_post_count ?? null };
}

/**
 * Training-only posts written after the test split was frozen (corpus/train-more.jsonl, ids `fm-…`): more
 * shapes of spam, off-topic, courseware bugs and on-device problems. Every one is `split: "train"`, so the
 * frozen test split of posts.jsonl stays exactly as it was.
 */
export const TRAIN_MORE_PATH = fromRoot('bot', 'discourse', 'triage', 'corpus', 'train-more.jsonl');

/** The corpus: posts.jsonl, plus the training-only posts when the default corpus is read. */
export function loadCorpus(path = CORPUS_PATH): { posts: CorpusPost[]; hash: string } {
  const texts = [readFileSync(path, 'utf8')];
  if (path === CORPUS_PATH && existsSync(TRAIN_MORE_PATH)) texts.push(readFileSync(TRAIN_MORE_PATH, 'utf8'));
  const posts = texts.flatMap((t) => t.split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as CorpusPost));
  const hash = createHash('sha256');
  for (const t of texts) hash.update(t);
  return { posts, hash: hash.digest('hex') };
}

/** `k` folds of `rows`, stratified by kind, in a seeded order. */
export function stratifiedFolds<T extends { kind: string }>(rows: readonly T[], k = 5, seed = 18): T[][] {
  const rand = seededUniform(seed);
  const byKind = new Map<string, T[]>();
  for (const r of rows) byKind.set(r.kind, [...(byKind.get(r.kind) ?? []), r]);
  const folds: T[][] = Array.from({ length: k }, () => []);
  let next = 0;
  for (const kind of [...byKind.keys()].sort()) {
    const list = [...byKind.get(kind)!];
    for (let i = list.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [list[i], list[j]] = [list[j]!, list[i]!];
    }
    for (const r of list) folds[next++ % k]!.push(r);
  }
  return folds;
}
