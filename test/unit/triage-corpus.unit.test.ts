/**
 * Invariants of the labelled forum-post corpus (`bot/discourse/triage/corpus/posts.jsonl`): one JSON
 * object per line in the triage-examples format plus `split` and `meta`, fields and enums valid,
 * sections that exist in the syllabus, answer sources that exist (FAQ id or syllabus section), and the
 * counts the corpus promises (size, every kind, a stratified ~30 % test split per kind).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { KINDS, type Kind } from '../../bot/discourse/triage/types.js';
import { fromRoot } from '../../core/paths.js';
import { Post } from '../helpers/corpus-schemas.js';
import { sharedPath } from '../helpers/shared.js';

const CORPUS = fromRoot('bot', 'discourse', 'triage', 'corpus', 'posts.jsonl');
const COURSE = sharedPath('course');

/** Kinds that carry no course labels at all. */
const UNLABELLED: readonly Kind[] = ['off-topic', 'spam'];
/** Kinds whose posts need a fix or a person, never an answer from the material. */
const NO_ANSWER: readonly Kind[] = ['courseware-bug', 'off-topic', 'spam'];

type Post = z.infer<typeof Post>;

/** Parse the corpus, naming the line of the first problem. */
function readCorpus(text: string): Post[] {
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines.map((line, i) => {
    let raw: unknown;
    try {
      raw = JSON.parse(line);
    } catch (err) {
      throw new Error(`line ${i + 1}: not JSON (${(err as Error).message})`);
    }
    const parsed = Post.safeParse(raw);
    if (!parsed.success) throw new Error(`line ${i + 1}: ${z.prettifyError(parsed.error)}`);
    return parsed.data;
  });
}

const rows = readCorpus(readFileSync(CORPUS, 'utf8'));
const byKind = (kind: Kind): Post[] => rows.filter((r) => r.kind === kind);
const testShare = (group: Post[]): number => group.filter((r) => r.split === 'test').length / group.length;
const norm = (s: string): string => s.toLowerCase().replace(/\s+/g, ' ').trim();

describe('forum-post corpus: format', () => {
  const ok = {
    id: 'fp-001', title: 't', body: 'b', kind: 'spam', course_section: null, tags: [], answer_source: null, duplicate_of: null,
    split: 'test', meta: { author_trust_level: 0, author_post_count: 0, lang: 'en' },
  };

  it('rejects a line that is not JSON or has a bad field, naming the line', () => {
    expect(readCorpus(`${JSON.stringify(ok)}\n`)).toHaveLength(1);
    expect(() => readCorpus('{"id":')).toThrow(/line 1: not JSON/);
    expect(() => readCorpus(`${JSON.stringify(ok)}\n${JSON.stringify({ ...ok, kind: 'question' })}`)).toThrow(/line 2:.*kind/s);
    expect(() => readCorpus(JSON.stringify({ ...ok, tags: ['gpu'] }))).toThrow(/line 1:.*tags/s);
    expect(() => readCorpus(JSON.stringify({ ...ok, meta: { ...ok.meta, author_trust_level: 5 } }))).toThrow(/author_trust_level/);
    expect(() => readCorpus(JSON.stringify({ ...ok, extra: 1 }))).toThrow(/extra/);
  });

  it('numbers the posts fp-001, fp-002, … in order, with unique titles and bodies', () => {
    expect(rows.map((r) => r.id)).toEqual(rows.map((_, i) => `fp-${String(i + 1).padStart(3, '0')}`));
    expect(new Set(rows.map((r) => norm(r.title))).size).toBe(rows.length);
    expect(new Set(rows.map((r) => norm(r.body))).size).toBe(rows.length);
  });

  it('keeps labels consistent with the kind', () => {
    for (const r of rows) {
      const where = `${r.id} (${r.kind})`;
      expect(new Set(r.tags).size, where).toBe(r.tags.length);
      if (UNLABELLED.includes(r.kind)) expect([r.course_section, r.tags.length], where).toEqual([null, 0]);
      if (r.kind === 'competition') expect(r.course_section, where).toBeNull();
      if (NO_ANSWER.includes(r.kind)) expect(r.answer_source, where).toBeNull();
      // A duplicate is closed with a link to the FAQ entry that also answers it.
      if (r.duplicate_of !== null) expect(r.answer_source, where).toBe(r.duplicate_of);
    }
  });
});

describe('forum-post corpus: counts and the frozen test split', () => {
  it('holds at least 320 posts and at least 30 of every kind', () => {
    expect(rows.length).toBeGreaterThanOrEqual(320);
    for (const kind of KINDS) expect(byKind(kind).length, kind).toBeGreaterThanOrEqual(30);
  });

  it('puts about 30 % of every kind in the test split', () => {
    for (const kind of KINDS) {
      const share = testShare(byKind(kind));
      expect(share, kind).toBeGreaterThanOrEqual(0.25);
      expect(share, kind).toBeLessThanOrEqual(0.35);
    }
  });
});

describe.skipIf(!COURSE)('forum-post corpus against the shared course material', () => {
  const syllabus = COURSE ? (parseYaml(readFileSync(join(COURSE, 'syllabus.yaml'), 'utf8')) as { chapters: { sections: { id: string }[] }[] }) : { chapters: [] };
  const sections = new Set(syllabus.chapters.flatMap((c) => c.sections.map((s) => s.id)));
  const faqIds = new Set(COURSE ? readdirSync(join(COURSE, 'faq')).filter((f) => f.endsWith('.md')).map((f) => f.slice(0, -3)) : []);

  it('labels only sections that exist in the syllabus', () => {
    expect(sections.size).toBeGreaterThan(40);
    for (const r of rows) if (r.course_section !== null) expect(sections.has(r.course_section), `${r.id}: ${r.course_section}`).toBe(true);
  });

  it('cites only FAQ ids or syllabus sections that exist, and closes duplicates with FAQ ids only', () => {
    expect(faqIds.size).toBeGreaterThanOrEqual(38);
    for (const r of rows) {
      if (r.answer_source !== null) expect(faqIds.has(r.answer_source) || sections.has(r.answer_source), `${r.id}: ${r.answer_source}`).toBe(true);
      if (r.duplicate_of !== null) expect(faqIds.has(r.duplicate_of), `${r.id}: ${r.duplicate_of}`).toBe(true);
    }
  });

  it('copies none of the shared triage examples', () => {
    const examples = readFileSync(join(COURSE!, 'triage-examples.jsonl'), 'utf8').split('\n').filter(Boolean)
      .map((l) => JSON.parse(l) as { title: string; body: string });
    const seen = new Set(rows.flatMap((r) => [norm(r.title), norm(r.body)]));
    for (const e of examples) expect(seen.has(norm(e.title)) || seen.has(norm(e.body)), e.title).toBe(false);
  });
});

/**
 * The training-only posts (`train-more.jsonl`, ids `fm-…`): written after the test split was frozen, all
 * in the train split (loadCorpus reads them with posts.jsonl), so the frozen test split stays as it was.
 */
describe('training-only posts (train-more.jsonl)', () => {
  const MORE = fromRoot('bot', 'discourse', 'triage', 'corpus', 'train-more.jsonl');
  const More = Post.extend({ id: z.string().regex(/^fm-\d{3}$/), split: z.literal('train') });
  const more = readFileSync(MORE, 'utf8').split('\n').filter(Boolean).map((l, i) => {
    const parsed = More.safeParse(JSON.parse(l));
    if (!parsed.success) throw new Error(`train-more line ${i + 1}: ${z.prettifyError(parsed.error)}`);
    return parsed.data;
  });

  it('numbers fm-001… in order, all train, with no title or body repeated here or in posts.jsonl', () => {
    expect(more.map((r) => r.id)).toEqual(more.map((_, i) => `fm-${String(i + 1).padStart(3, '0')}`));
    const seen = new Set(rows.flatMap((r) => [norm(r.title), norm(r.body)]));
    for (const r of more) {
      expect(seen.has(norm(r.title)) || seen.has(norm(r.body)), r.id).toBe(false);
      seen.add(norm(r.title));
      seen.add(norm(r.body));
    }
  });

  it('keeps labels consistent with the kind', () => {
    for (const r of more) {
      const where = `${r.id} (${r.kind})`;
      if (UNLABELLED.includes(r.kind)) expect([r.course_section, r.tags.length], where).toEqual([null, 0]);
      if (r.kind === 'competition') expect(r.course_section, where).toBeNull();
      if (NO_ANSWER.includes(r.kind)) expect(r.answer_source, where).toBeNull();
      if (r.duplicate_of !== null) expect(r.answer_source, where).toBe(r.duplicate_of);
    }
  });

  it.skipIf(!COURSE)('labels sections and answer sources that exist', () => {
    const syllabus = parseYaml(readFileSync(join(COURSE!, 'syllabus.yaml'), 'utf8')) as { chapters: { sections: { id: string }[] }[] };
    const sections = new Set(syllabus.chapters.flatMap((c) => c.sections.map((s) => s.id)));
    const faqIds = new Set(readdirSync(join(COURSE!, 'faq')).filter((f) => f.endsWith('.md')).map((f) => f.slice(0, -3)));
    for (const r of more) {
      if (r.course_section !== null) expect(sections.has(r.course_section), `${r.id}: ${r.course_section}`).toBe(true);
      if (r.answer_source !== null) expect(faqIds.has(r.answer_source) || sections.has(r.answer_source), `${r.id}: ${r.answer_source}`).toBe(true);
    }
  });
});
