/**
 * Row schemas of the labelled corpora (forum posts for triage, learner questions for answers), shared by
 * the corpus tests and the blind set's test; each file narrows `id` and `split` with `.extend`.
 */
import { z } from 'zod';
import { KINDS, TAGS } from '../../bot/discourse/triage/types.js';

export const POST_LANGS = ['en', 'es', 'pt', 'hi-en', 'fr', 'de', 'it'] as const;
export const QUESTION_LANGS = ['en', 'es', 'pt', 'hi-en'] as const;
export const HANDOVER_REASONS = ['grades', 'certificate', 'account', 'payment', 'personal-data', 'unannounced-plans', 'outside-course', 'other'] as const;

/** One forum post of bot/discourse/triage/corpus/posts.jsonl. */
export const Post = z.strictObject({
  id: z.string().regex(/^fp-\d{3}$/),
  title: z.string().trim().min(1),
  body: z.string().trim().min(1),
  kind: z.enum(KINDS),
  course_section: z.string().regex(/^\d+\.\d+$/).nullable(),
  tags: z.array(z.enum(TAGS)),
  answer_source: z.string().min(1).nullable(),
  duplicate_of: z.string().min(1).nullable(),
  split: z.enum(['train', 'test']),
  meta: z.strictObject({
    author_trust_level: z.number().int().min(0).max(4),
    author_post_count: z.number().int().min(0),
    lang: z.enum(POST_LANGS),
  }),
});

/** One learner question of bot/answers/corpus/questions.jsonl. */
export const Question = z.strictObject({
  id: z.string().regex(/^lq-\d{3}$/),
  question: z.string().trim().min(3),
  lang: z.enum(QUESTION_LANGS),
  expected_sources: z.array(z.string().min(1)),
  should_abstain: z.boolean(),
  handover_reason: z.enum(HANDOVER_REASONS).nullable(),
  split: z.enum(['train', 'test']),
  must_mention: z.array(z.string().trim().min(1)).min(1).max(3).optional(),
});
