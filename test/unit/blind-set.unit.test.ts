/**
 * The blind evaluation set (test/fixtures/blind, see its README): rows in the corpora's formats, ids in
 * order, every row in the test split, sections and FAQ ids that exist, labels consistent with the kind
 * and the hand-over flag. Only the format is checked here: the figures are in bench/qa.ts and the floors
 * in qa-quality.unit.test.ts.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { KINDS } from '../../bot/discourse/triage/types.js';
import { fromRoot } from '../../core/paths.js';
import { Post, Question } from '../helpers/corpus-schemas.js';
import { sharedPath } from '../helpers/shared.js';

const DIR = fromRoot('test', 'fixtures', 'blind');
const COURSE = sharedPath('course');
// The corpora's own row rules, with the blind set's ids and every row in the test split.
const BlindPost = Post.extend({ id: z.string().regex(/^bp-\d{3}$/), split: z.literal('test') });
const BlindQuestion = Question.extend({ id: z.string().regex(/^bq-\d{3}$/), split: z.literal('test') });

const lines = (file: string) => readFileSync(join(DIR, file), 'utf8').trim().split('\n');
const parse = <T>(schema: z.ZodType<T>, file: string): T[] =>
  lines(file).map((line, i) => {
    const r = schema.safeParse(JSON.parse(line));
    if (!r.success) throw new Error(`${file} line ${i + 1}: ${z.prettifyError(r.error)}`);
    return r.data;
  });

describe('blind evaluation set', () => {
  const posts = parse(BlindPost, 'posts.jsonl');
  const questions = parse(BlindQuestion, 'questions.jsonl');

  it('has ids in order and every kind ten times; questions with consistent hand-over labels', () => {
    posts.forEach((p, i) => expect(p.id).toBe(`bp-${String(i + 1).padStart(3, '0')}`));
    questions.forEach((q, i) => expect(q.id).toBe(`bq-${String(i + 1).padStart(3, '0')}`));
    for (const k of KINDS) expect(posts.filter((p) => p.kind === k).length, k).toBe(10);
    for (const q of questions) {
      expect(q.handover_reason === null, q.id).toBe(!q.should_abstain);
      expect(q.expected_sources.length === 0, q.id).toBe(q.should_abstain);
    }
    expect(questions.filter((q) => q.should_abstain).length).toBe(20);
  });

  it.skipIf(!COURSE)('names only sections and FAQ entries that exist', () => {
    const faq = new Set(readdirSync(join(COURSE!, 'faq')).filter((f) => f.endsWith('.md')).map((f) => f.replace(/\.md$/, '')));
    const syllabus = readFileSync(join(COURSE!, 'syllabus.yaml'), 'utf8');
    const ids = new Set<string>();
    const walk = (v: unknown): void => {
      if (Array.isArray(v)) v.forEach(walk);
      else if (v && typeof v === 'object') {
        const id = (v as { id?: unknown }).id;
        if (typeof id === 'string' || typeof id === 'number') ids.add(String(id));
        Object.values(v).forEach(walk);
      }
    };
    walk(parseYaml(syllabus));
    const known = (s: string) => faq.has(s) || ids.has(s);
    for (const p of posts) {
      if (p.course_section) expect(ids.has(p.course_section), `${p.id} section ${p.course_section}`).toBe(true);
      if (p.answer_source) expect(known(p.answer_source), `${p.id} source ${p.answer_source}`).toBe(true);
      if (p.duplicate_of) expect(faq.has(p.duplicate_of), `${p.id} duplicate ${p.duplicate_of}`).toBe(true);
    }
    for (const q of questions) for (const s of q.expected_sources) expect(known(s), `${q.id} source ${s}`).toBe(true);
  });
});
