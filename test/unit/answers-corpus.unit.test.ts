/**
 * Invariants of the labelled learner-question corpus (`bot/answers/corpus/questions.jsonl`):
 * one JSON object per line, fields and enums valid, every expected source a real FAQ id or syllabus
 * id, and the counts the corpus promises (size, hand-overs, FAQ coverage, languages, a stratified
 * ~30 % test split). The corpus is data, so these checks are what keep later edits honest.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { fromRoot } from '../../core/paths.js';
import { HANDOVER_REASONS, QUESTION_LANGS, Question } from '../helpers/corpus-schemas.js';
import { sharedPath } from '../helpers/shared.js';

const CORPUS = fromRoot('bot', 'answers', 'corpus', 'questions.jsonl');
const COURSE = sharedPath('course');
const DEV_QUESTIONS = fromRoot('test', 'fixtures', 'answers', 'dev-questions.jsonl');

const LANGS = QUESTION_LANGS;
const REASONS = HANDOVER_REASONS;

type Question = z.infer<typeof Question>;

/** Parse the corpus, naming the line of the first problem. */
function readCorpus(text: string): Question[] {
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines.map((line, i) => {
    let raw: unknown;
    try {
      raw = JSON.parse(line);
    } catch (err) {
      throw new Error(`line ${i + 1}: not JSON (${(err as Error).message})`);
    }
    const parsed = Question.safeParse(raw);
    if (!parsed.success) throw new Error(`line ${i + 1}: ${z.prettifyError(parsed.error)}`);
    return parsed.data;
  });
}

const rows = readCorpus(readFileSync(CORPUS, 'utf8'));
const answerable = rows.filter((r) => !r.should_abstain);
const handOver = rows.filter((r) => r.should_abstain);
const testShare = (group: Question[]): number => group.filter((r) => r.split === 'test').length / group.length;
const norm = (s: string): string => s.toLowerCase().replace(/\s+/g, ' ').trim();

describe('learner-question corpus: format', () => {
  it('rejects a line that is not JSON or has a bad field, naming the line', () => {
    expect(() => readCorpus('{"id":')).toThrow(/line 1: not JSON/);
    const ok = { id: 'lq-001', question: 'arena too small??', lang: 'en', expected_sources: ['x'], should_abstain: false, handover_reason: null, split: 'train' };
    expect(() => readCorpus(`${JSON.stringify(ok)}\n${JSON.stringify({ ...ok, lang: 'fr' })}\n`)).toThrow(/line 2/);
    expect(() => readCorpus(JSON.stringify({ ...ok, extra: 1 }))).toThrow(/line 1/);
    expect(() => readCorpus(JSON.stringify({ ...ok, must_mention: ['a', 'b', 'c', 'd'] }))).toThrow(/line 1/);
  });

  it('numbers the ids lq-001… in order, without gaps or repeats', () => {
    expect(rows.map((r) => r.id)).toEqual(rows.map((_, i) => `lq-${String(i + 1).padStart(3, '0')}`));
  });

  it('never asks the same question twice', () => {
    const seen = new Set<string>();
    for (const r of rows) {
      expect(seen.has(norm(r.question)), `${r.id} repeats an earlier question`).toBe(false);
      seen.add(norm(r.question));
    }
  });

  it('keeps hand-over labels consistent: a reason and no sources exactly when the question must go to a person', () => {
    for (const r of rows) {
      if (r.should_abstain) {
        expect(r.handover_reason, r.id).not.toBeNull();
        expect(r.expected_sources, r.id).toEqual([]);
        expect(r.must_mention, r.id).toBeUndefined();
      } else {
        expect(r.handover_reason, r.id).toBeNull();
        expect(r.expected_sources.length, r.id).toBeGreaterThan(0);
        expect(new Set(r.expected_sources).size, `${r.id} lists a source twice`).toBe(r.expected_sources.length);
      }
    }
  });

  it('does not copy the project dev questions', () => {
    const dev = new Set(readFileSync(DEV_QUESTIONS, 'utf8').split('\n').filter(Boolean).map((l) => norm((JSON.parse(l) as { question: string }).question)));
    for (const r of rows) expect(dev.has(norm(r.question)), r.id).toBe(false);
  });
});

describe('learner-question corpus: counts and split', () => {
  it('has at least 170 questions, at least 40 of them hand-overs, covering every hand-over reason', () => {
    expect(rows.length).toBeGreaterThanOrEqual(170);
    expect(handOver.length).toBeGreaterThanOrEqual(40);
    expect(new Set(handOver.map((r) => r.handover_reason))).toEqual(new Set(REASONS));
  });

  it('mixes languages like the forum does: Spanish and Portuguese about 15 % each, Hindi-English about 5 %', () => {
    const share = (lang: string): number => rows.filter((r) => r.lang === lang).length / rows.length;
    expect(share('es')).toBeGreaterThanOrEqual(0.12);
    expect(share('pt')).toBeGreaterThanOrEqual(0.12);
    expect(share('hi-en')).toBeGreaterThanOrEqual(0.04);
    expect(share('en')).toBeGreaterThanOrEqual(0.5);
  });

  it('holds out a stratified ~30 % test split: by answerable / hand-over and by language', () => {
    expect(testShare(rows)).toBeGreaterThanOrEqual(0.25);
    expect(testShare(rows)).toBeLessThanOrEqual(0.35);
    for (const group of [answerable, handOver]) {
      expect(testShare(group)).toBeGreaterThanOrEqual(0.25);
      expect(testShare(group)).toBeLessThanOrEqual(0.35);
      for (const lang of LANGS) {
        const inLang = group.filter((r) => r.lang === lang);
        expect(inLang.some((r) => r.split === 'test'), `no ${lang} test question`).toBe(true);
        expect(inLang.some((r) => r.split === 'train'), `no ${lang} train question`).toBe(true);
      }
    }
    // Every kind of hand-over is represented in the frozen test split.
    expect(new Set(handOver.filter((r) => r.split === 'test').map((r) => r.handover_reason))).toEqual(new Set(REASONS));
  });
});

describe.skipIf(!COURSE)('learner-question corpus: sources exist in the course material', () => {
  const faqDir = join(COURSE ?? '', 'faq');
  const faqFiles = COURSE ? readdirSync(faqDir).filter((f) => f.endsWith('.md')) : [];
  const faqIds = new Set(faqFiles.map((f) => f.slice(0, -3)));
  const faqTitles = faqFiles.map((f) => {
    const front = /^---\n([\s\S]*?)\n---/.exec(readFileSync(join(faqDir, f), 'utf8'))?.[1] ?? '';
    const title = (parseYaml(front) as { title?: unknown }).title;
    return typeof title === 'string' ? title : '';
  });
  const syllabusIds = new Set<string>();
  if (COURSE) {
    const doc = parseYaml(readFileSync(join(COURSE, 'syllabus.yaml'), 'utf8')) as {
      chapters: { sections: { id: string; items?: { id: string }[] }[] }[];
    };
    for (const ch of doc.chapters) {
      for (const sec of ch.sections) {
        syllabusIds.add(String(sec.id));
        for (const item of sec.items ?? []) syllabusIds.add(String(item.id));
      }
    }
  }

  it('reads the course material it checks against', () => {
    expect(faqIds.size).toBeGreaterThan(30);
    expect(faqTitles.every((t) => t.length > 10)).toBe(true);
    expect(syllabusIds.has('4.2')).toBe(true);
    expect(syllabusIds.has('4.2.3')).toBe(true);
  });

  it('cites only FAQ ids and syllabus section or item ids that exist', () => {
    for (const r of answerable) {
      for (const s of r.expected_sources) expect(faqIds.has(s) || syllabusIds.has(s), `${r.id}: unknown source ${s}`).toBe(true);
    }
  });

  it('asks about every FAQ entry at least twice, once or more in the train split', () => {
    for (const id of faqIds) {
      const about = answerable.filter((r) => r.expected_sources.includes(id));
      expect(about.length, `${id} is asked ${about.length} time(s)`).toBeGreaterThanOrEqual(2);
      expect(about.some((r) => r.split === 'train'), `${id} has no train question`).toBe(true);
    }
  });

  it('includes syllabus-only questions (a lab, colab or reading asked for by its subject)', () => {
    const syllabusOnly = answerable.filter((r) => r.expected_sources.every((s) => !faqIds.has(s)));
    expect(syllabusOnly.length).toBeGreaterThanOrEqual(30);
  });

  it('never repeats an FAQ title verbatim', () => {
    for (const r of rows) {
      for (const title of faqTitles) expect(norm(r.question).includes(norm(title)), `${r.id} repeats "${title}"`).toBe(false);
    }
  });
});

/**
 * The training-only questions (`train-more.jsonl`, ids `lm-…`): written after the test split was frozen,
 * all in the train split, so the test split of questions.jsonl stays exactly as it was.
 */
describe('training-only questions (train-more.jsonl)', () => {
  const MORE = fromRoot('bot', 'answers', 'corpus', 'train-more.jsonl');
  const More = Question.extend({ id: z.string().regex(/^lm-\d{3}$/), split: z.literal('train') });
  const more = readFileSync(MORE, 'utf8').split('\n').filter(Boolean).map((l, i) => {
    const parsed = More.safeParse(JSON.parse(l));
    if (!parsed.success) throw new Error(`train-more line ${i + 1}: ${z.prettifyError(parsed.error)}`);
    return parsed.data;
  });

  it('numbers lm-001… in order, all in the train split, with no question repeated here or in questions.jsonl', () => {
    expect(more.map((r) => r.id)).toEqual(more.map((_, i) => `lm-${String(i + 1).padStart(3, '0')}`));
    const seen = new Set(rows.map((r) => norm(r.question)));
    for (const r of more) {
      expect(seen.has(norm(r.question)), `${r.id} repeats a question`).toBe(false);
      seen.add(norm(r.question));
    }
  });

  it('keeps hand-over labels consistent', () => {
    for (const r of more) {
      expect(r.should_abstain, r.id).toBe(r.handover_reason !== null);
      expect(r.should_abstain ? r.expected_sources.length === 0 : r.expected_sources.length > 0, r.id).toBe(true);
    }
  });

  it.skipIf(!COURSE)('cites sources that exist, and its fix words are in the cited FAQ entries', () => {
    const faqDir = join(COURSE!, 'faq');
    const faq = new Map(readdirSync(faqDir).filter((f) => f.endsWith('.md')).map((f) => [f.slice(0, -3), readFileSync(join(faqDir, f), 'utf8').toLowerCase()]));
    const syllabus = parseYaml(readFileSync(join(COURSE!, 'syllabus.yaml'), 'utf8')) as { chapters: { sections: { id: string; items?: { id: string }[] }[] }[] };
    const ids = new Set(syllabus.chapters.flatMap((c) => c.sections.flatMap((s) => [s.id, ...(s.items ?? []).map((i) => i.id)])));
    for (const r of more) {
      for (const s of r.expected_sources) expect(faq.has(s) || ids.has(s), `${r.id}: unknown source ${s}`).toBe(true);
      for (const m of r.must_mention ?? []) expect(r.expected_sources.some((s) => faq.get(s)?.includes(m.toLowerCase())), `${r.id}: "${m}"`).toBe(true);
    }
  });
});
