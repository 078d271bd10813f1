/**
 * Read course material into citable chunks: `syllabus.yaml` (one chunk per section and per item) and
 * Markdown entries with YAML front matter (`faq/*.md`, `entries/*.md`), split at their headings.
 * Pure over file contents; {@link loadKnowledgeDirs} does the reading.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { Chunk } from './types.js';

/** Thrown when a knowledge file cannot be understood; names the file. */
export class KnowledgeError extends Error {
  constructor(readonly file: string, message: string) {
    super(`${file}: ${message}`);
    this.name = 'KnowledgeError';
  }
}

interface SyllabusItem { id: string; title: string; kind?: string; link?: string | null; part?: string }
interface SyllabusSection { id: string; title: string; items?: SyllabusItem[] }
interface SyllabusChapter { id: string; title: string; course?: number | string; course_title?: string; sections?: SyllabusSection[] }

const str = (v: unknown): string => (typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : '');

/** Resolve an outline link against the syllabus base URL (absolute links are kept). */
function resolveLink(base: string, link: string | null | undefined): string {
  if (!link) return base;
  if (/^[a-z]+:\/\//i.test(link)) return link;
  try {
    return new URL(link, base).toString();
  } catch {
    return base;
  }
}

/**
 * Words learners use for each kind of course item: an item's text carries them, so "the practical with
 * the horses", "the KWS exercise" or "is there a video on …" find the item by what it is.
 */
export const ITEM_KIND_WORDS: Record<string, string> = {
  colab: 'colab notebook exercise practical lab coding hands-on assignment jupyter',
  screencast: 'screencast video walkthrough demo recording',
  video: 'video lecture talk recording',
  reading: 'reading document article pdf notes',
  slides: 'slides lecture deck presentation',
  quiz: 'quiz questions',
  test: 'test exam graded',
  forum: 'forum discussion',
};

/** Chunks of a `tinyarena-syllabus/1` document: every section, and every item under it. */
export function syllabusChunks(yamlText: string, file = 'syllabus.yaml'): Chunk[] {
  let doc: { base_url?: string; chapters?: SyllabusChapter[] };
  try {
    doc = parseYaml(yamlText) as typeof doc;
  } catch (err) {
    throw new KnowledgeError(file, `not YAML (${(err as Error).message})`);
  }
  if (!doc || !Array.isArray(doc.chapters)) throw new KnowledgeError(file, 'no chapters list');
  const base = str(doc.base_url) || 'https://example.invalid/';
  const chunks: Chunk[] = [];
  for (const ch of doc.chapters) {
    for (const sec of ch.sections ?? []) {
      const secId = str(sec.id);
      const items = sec.items ?? [];
      // A section is described by its own title, its chapter and course, and its items' titles.
      // Learners name the course by its number ("the KWS lab in course 3"), which differs from the chapter number.
      const course = str(ch.course) ? `Course ${str(ch.course)}` : '';
      const text = [[course, str(ch.course_title)].filter(Boolean).join(' '), `Chapter ${str(ch.id)}: ${str(ch.title)}`, ...items.map((i) => `${str(i.id)} ${str(i.title)}`)].join('\n');
      chunks.push({
        key: `syllabus:${secId}`,
        citation: { id: secId, title: `${secId} ${str(sec.title)}`, url: `${base}#${secId.replace(/\./g, '-')}` },
        source: 'syllabus-section',
        heading: '',
        text,
        tags: [],
        sections: [secId],
        errorStrings: [],
      });
      for (const item of items) {
        const itemId = str(item.id);
        chunks.push({
          key: `syllabus:${itemId}`,
          citation: { id: itemId, title: `${itemId} ${str(item.title)}`, url: resolveLink(base, item.link) },
          source: 'syllabus-item',
          heading: '',
          text: [str(item.title), str(item.part), ITEM_KIND_WORDS[str(item.kind)] ?? str(item.kind), str(sec.title), course].filter(Boolean).join('\n'),
          tags: [],
          sections: [secId],
          errorStrings: [],
        });
      }
    }
  }
  return chunks;
}

/** Split a Markdown file into front matter (YAML) and body. */
function splitFrontMatter(text: string, file: string): { meta: Record<string, unknown>; body: string } {
  const m = /^---\r?\n([\s\S]*?)\r?\n---\r?\n?([\s\S]*)$/.exec(text);
  if (!m) throw new KnowledgeError(file, 'no YAML front matter (--- … ---)');
  let meta: unknown;
  try {
    meta = parseYaml(m[1] ?? '');
  } catch (err) {
    throw new KnowledgeError(file, `bad front matter (${(err as Error).message})`);
  }
  if (!meta || typeof meta !== 'object') throw new KnowledgeError(file, 'front matter is not a mapping');
  return { meta: meta as Record<string, unknown>, body: m[2] ?? '' };
}

const slug = (s: string) => s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');

/**
 * Literal error strings in a text: inline code spans and double-quoted phrases long enough to be
 * distinctive. A `…` inside one splits it into fragments, since the elided part varies.
 */
export function extractErrorStrings(text: string): string[] {
  const found = new Set<string>();
  // The material is hard-wrapped: a quoted message can continue on the next line. Join the lines of each
  // paragraph (outside code blocks) before looking for quotes.
  const flat = text.split(/(```[\s\S]*?```)/).map((part, i) => (i % 2 ? part : part.replace(/([^\n])\n(?!\n)/g, '$1 '))).join('');
  // Pair the delimiters first and filter by length after, so a short span (`bossac`) cannot leave its
  // closing backtick to open a false span over the next sentence.
  const candidates = [...[...flat.matchAll(/`([^`\n]+)`/g)].map((m) => m[1] ?? '').filter((c) => c.length >= 8), ...[...flat.matchAll(/"([^"\n]+)"/g)].map((m) => m[1] ?? '').filter((c) => c.length >= 12)];
  for (const c of candidates) {
    // Statements and declarations are code, not messages.
    if (/[;{}=[\]]/.test(c)) continue;
    for (const frag of c.split(/…|\.\.\./)) {
      const n = normalizeErrorText(frag);
      // An error message has a few real words, not just identifiers.
      if (n.length >= 12 && (n.match(/\b[a-z]{3,}\b/g) ?? []).length >= 3) found.add(n);
    }
  }
  return [...found];
}

/** Lower-case, digits folded, punctuation and spacing collapsed: how error strings are compared. */
export function normalizeErrorText(s: string): string {
  return s
    .toLowerCase()
    .replace(/\d+/g, '#')
    .replace(/[^a-z#_/.]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Chunks of one Markdown entry with front matter (`id`, `title`, optional `tags`, `related_sections`, `url`). */
export function markdownChunks(text: string, file: string, source: 'faq' | 'organizer' = 'faq'): Chunk[] {
  const { meta, body } = splitFrontMatter(text, file);
  const id = str(meta.id) || basename(file, '.md');
  const title = str(meta.title);
  if (!title) throw new KnowledgeError(file, 'front matter has no title');
  const tags = Array.isArray(meta.tags) ? meta.tags.map(str) : [];
  const sections = Array.isArray(meta.related_sections) ? meta.related_sections.map(str) : [];
  const url = str(meta.url) || `faq/${id}.md`;
  // Chunk by heading: text before the first heading belongs to the entry itself.
  const parts: { heading: string; lines: string[] }[] = [{ heading: '', lines: [] }];
  let inCode = false;
  for (const line of body.split(/\r?\n/)) {
    if (/^```/.test(line)) inCode = !inCode;
    const h = inCode ? null : /^#{1,4}\s+(.+?)\s*#*\s*$/.exec(line);
    if (h) parts.push({ heading: h[1] ?? '', lines: [] });
    else parts[parts.length - 1]!.lines.push(line);
  }
  return parts
    .filter((p) => p.heading || p.lines.join('').trim())
    .map((p) => {
      const partText = p.lines.join('\n').trim();
      const anchor = p.heading ? slug(p.heading) : '';
      return {
        key: anchor ? `${source}:${id}#${anchor}` : `${source}:${id}`,
        citation: { id, title, url: anchor ? `${url}#${anchor}` : url },
        source,
        heading: p.heading,
        // The title goes with every part: it is what learners' questions resemble most.
        text: [p.heading, partText].filter(Boolean).join('\n'),
        tags,
        sections,
        errorStrings: extractErrorStrings(`${p.heading ? '' : title}\n${partText}`),
      };
    });
}

/** Read every knowledge folder: `syllabus.yaml`, `faq/*.md`, `entries/*.md` (missing parts are skipped). */
export function loadKnowledgeDirs(dirs: readonly string[]): Chunk[] {
  const chunks: Chunk[] = [];
  for (const dir of dirs) {
    if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new KnowledgeError(dir, 'not a directory');
    const syllabus = join(dir, 'syllabus.yaml');
    if (existsSync(syllabus)) chunks.push(...syllabusChunks(readFileSync(syllabus, 'utf8'), syllabus));
    for (const [sub, source] of [['faq', 'faq'], ['entries', 'organizer']] as const) {
      const folder = join(dir, sub);
      if (!existsSync(folder)) continue;
      for (const name of readdirSync(folder).filter((n) => n.endsWith('.md') && n.toLowerCase() !== 'readme.md').sort()) {
        const file = join(folder, name);
        chunks.push(...markdownChunks(readFileSync(file, 'utf8'), file, source));
      }
    }
  }
  return chunks;
}
