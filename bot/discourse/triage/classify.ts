/**
 * Triage one forum post: draft an answer with the knowledge base, let every rule vote, and turn the votes
 * into a proposal (kind, course section, tags, likely duplicate). Pure apart from the knowledge base.
 */
import { fold } from '../../answers/text.js';
import type { KnowledgeBase } from '../../answers/knowledge-base.js';
import type { Chunk } from '../../answers/types.js';
import { RULES } from './rules/index.js';
import { KINDS, TAGS, type Kind, type TriageContext, type TriagePost, type TriageResult, type TriageRule } from './types.js';

/** Kinds whose posts are not about one place in the course. */
const SECTIONLESS: ReadonlySet<Kind> = new Set(['off-topic', 'spam', 'competition', 'course-logistics']);
/** Kinds that get no answer (a bug needs a fix, spam and off-topic need nothing). */
const UNANSWERED: ReadonlySet<Kind> = new Set(['off-topic', 'spam', 'courseware-bug']);
/** A duplicate needs a near-certain answer that covers most of the post. */
const DUPLICATE_CONFIDENCE = 0.94;
const DUPLICATE_COVERAGE = 0.75;
const TAG_SET: ReadonlySet<string> = new Set(TAGS);

/** Syllabus lookups built once per knowledge base. */
interface SyllabusIndex {
  sectionOf: Map<string, string>;
  /** Folded titles (≥ 3 words) of sections and items → section id. */
  titles: [string, string][];
  /** Folded course title → the course's first section (posts about a whole course file there). */
  courses: [string, string][];
}
const syllabusCache = new WeakMap<KnowledgeBase, SyllabusIndex>();

function syllabusIndex(kb: KnowledgeBase): SyllabusIndex {
  let idx = syllabusCache.get(kb);
  if (idx) return idx;
  idx = { sectionOf: new Map(), titles: [], courses: [] };
  for (const c of kb.chunks) {
    if (c.source !== 'syllabus-section' && c.source !== 'syllabus-item') continue;
    const section = c.sections[0] ?? c.citation.id;
    const course = c.source === 'syllabus-section' ? fold(c.text.split('\n', 1)[0] ?? '').trim() : '';
    if (course && !idx.courses.some(([t]) => t === course)) idx.courses.push([course, section]);
    idx.sectionOf.set(c.citation.id, section);
    // Citation titles start with the id; generic titles ("Formative quiz.") name no place.
    const title = fold(c.citation.title.replace(/^[\d.]+\s+/, '')).replace(/[^a-z0-9 ]+/g, ' ').replace(/\s+/g, ' ').trim();
    if (title.split(' ').length >= 3 && !/^(forum|formative|summative|quiz|test)\b/.test(title)) idx.titles.push([title, section]);
  }
  syllabusCache.set(kb, idx);
  return idx;
}

/** Section ids written in the post ("from 4.2", "5.4.8 opens…"), skipping version numbers. */
function explicitSection(text: string, idx: SyllabusIndex): { section: string; item: string | null } | null {
  for (const m of text.matchAll(/(^|[^\w.])(\d{1,2}\.\d{1,2}(?:\.\d{1,2})?)(?![\w.]*\d)/g)) {
    const before = text.slice(Math.max(0, m.index - 14), m.index + m[1]!.length).toLowerCase();
    if (/(version|ide|v|python|tensorflow|tf|ubuntu|macos|windows|arduino|mbed|node|pip|numpy|keras|release)\s*$/.test(before)) continue;
    const id = m[2]!;
    const section = idx.sectionOf.get(id);
    if (section) return { section, item: id.split('.').length === 3 ? id : null };
  }
  return null;
}

/** Options for {@link triagePost}. */
export interface TriageOptions {
  rules?: readonly TriageRule[];
}

/** Triage one post against a knowledge base. */
export function triagePost(kb: KnowledgeBase, post: TriagePost, opts: TriageOptions = {}): TriageResult {
  const full = `${post.title}\n${post.body}`;
  const query = full;
  const answer = kb.ask(query);
  const hits = kb.retriever.search(query, { limit: 5, sources: ['faq', 'organizer', 'forum'] });
  const known = kb.retriever.knownTerms(full);
  const ctx: TriageContext = { text: full.toLowerCase(), answer, hits, knownShare: known.total ? known.known / known.total : 0, kb };

  const scores: Partial<Record<Kind, number>> = {};
  const tagVotes = new Set<string>();
  const evidence: string[] = [];
  for (const rule of opts.rules ?? RULES) {
    for (const v of rule.apply(post, ctx)) {
      if (v.kind) scores[v.kind] = (scores[v.kind] ?? 0) + (v.weight ?? 1);
      for (const t of v.tags ?? []) tagVotes.add(t);
      evidence.push(v.reason);
    }
  }
  // Ties go to the earlier kind in the list; with no votes at all the post is not about the course.
  let kind: Kind = 'off-topic';
  let best = 0;
  for (const k of KINDS) {
    if ((scores[k] ?? 0) > best) {
      best = scores[k]!;
      kind = k;
    }
  }

  const idx = syllabusIndex(kb);
  const explicit = explicitSection(full, idx);
  let section: string | null = null;
  if (kind === 'off-topic' || kind === 'spam') section = null;
  else if (explicit) section = explicit.section;
  else if (kind === 'course-logistics') section = idx.courses.find(([t]) => fold(full).includes(t))?.[1] ?? null;
  else if (!SECTIONLESS.has(kind)) section = inferSection(kb, full, idx, answer.abstained ? undefined : hits[0]?.chunk);

  const unanswered = UNANSWERED.has(kind);
  const tags = kind === 'off-topic' || kind === 'spam' ? [] : mergeTags(post.tags ?? [], kind, tagVotes);
  const top = hits[0];
  const duplicate = !unanswered && top && !answer.abstained && answer.confidence >= DUPLICATE_CONFIDENCE && top.coverage >= DUPLICATE_COVERAGE && answer.citations[0]?.id === top.chunk.citation.id ? top.chunk.citation.id : null;
  if (duplicate) evidence.push(`duplicate: ${duplicate} covers ${(top!.coverage * 100).toFixed(0)}% of the post at confidence ${answer.confidence}`);

  let citations = answer.citations;
  if (!unanswered && !answer.abstained) citations = preferKind(citations, hits, kind);
  if (kind === 'courseware-bug') {
    // The place with the bug is the useful reference for the moderator, not an answer.
    const item = explicit?.item ?? explicit?.section;
    const chunk = item ? kb.chunks.find((c) => c.citation.id === item) : undefined;
    citations = chunk ? [chunk.citation] : [];
  } else if (unanswered) citations = [];
  return {
    kind,
    course_section: section,
    tags,
    duplicate_of: duplicate,
    answer: { text: unanswered ? '' : answer.answer, citations, confidence: answer.confidence, abstained: unanswered || answer.abstained },
    scores,
    evidence,
  };
}

/** The section a technical post is about: a syllabus title it quotes, else the best entry's most fitting related section. */
function inferSection(kb: KnowledgeBase, text: string, idx: SyllabusIndex, entry: Chunk | undefined): string | null {
  const folded = ` ${fold(text).replace(/[^a-z0-9 ]+/g, ' ').replace(/\s+/g, ' ')} `;
  const quoted = idx.titles.filter(([t]) => folded.includes(` ${t} `)).sort((a, b) => b[0].length - a[0].length)[0];
  if (quoted) return quoted[1];
  const sectionHits = kb.retriever.search(text, { limit: 10, sources: ['syllabus-section'] });
  if (entry?.sections.length) {
    // Among the entry's related sections, the one the post itself resembles most.
    const rank = new Map(sectionHits.map((h, i) => [h.chunk.citation.id, i]));
    return [...entry.sections].sort((a, b) => (rank.get(a) ?? 99) - (rank.get(b) ?? 99))[0]!;
  }
  return null;
}

/**
 * Kinds whose FAQ tag picks the right entries once the kind is known, for re-ranking citations. Only the
 * non-technical kinds: technical tags overlap across entries too much to re-rank by.
 */
const KIND_TAGS: Partial<Record<Kind, string[]>> = {
  competition: ['competition'],
  'course-logistics': ['course-logistics'],
};
/** Within this share of the best score, an entry of the post's kind goes first. */
const KIND_RERANK = 0.75;

/** Put first the best close-scoring entry whose tags match the kind the rules settled on. */
function preferKind(citations: TriageResult['answer']['citations'], hits: TriageContext['hits'], kind: Kind): TriageResult['answer']['citations'] {
  const wanted = KIND_TAGS[kind];
  const first = hits[0];
  if (!wanted || !first || first.chunk.tags.some((t) => wanted.includes(t))) return citations;
  const better = hits.find((h) => h.score >= KIND_RERANK * first.score && h.chunk.tags.some((t) => wanted.includes(t)));
  if (!better) return citations;
  return [better.chunk.citation, ...citations.filter((c) => c.id !== better.chunk.citation.id)].slice(0, Math.max(citations.length, 1));
}

/** Existing tags first (Discourse replaces the list on update), then the kind's own tag and the votes. */
function mergeTags(existing: string[], kind: Kind, votes: Set<string>): string[] {
  const out = new Set(existing);
  if (TAG_SET.has(kind)) out.add(kind);
  if (kind === 'courseware-bug') out.add('course-logistics');
  for (const t of votes) if (TAG_SET.has(t)) out.add(t);
  return [...out];
}
