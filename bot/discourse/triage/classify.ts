/**
 * Triage one forum post: draft an answer with the knowledge base, let every rule vote, and turn the votes
 * into a proposal (kind, course section, tags, likely duplicate). Pure apart from the knowledge base.
 */
import { expansionsOf } from '../../answers/glossary.js';
import { fold, words } from '../../answers/text.js';
import type { KnowledgeBase } from '../../answers/knowledge-base.js';
import type { Answer } from '../../answers/types.js';
import { FEATURE_FLAGS, type PostAnalysis } from './features.js';
import { intlExpansions } from './languages.js';
import { shippedClassifier, type KindClassifier } from './model.js';
import { RULES } from './rules/index.js';
import { explicitSection, SECTIONLESS, SectionRanker, sectionEvidence, syllabusIndex, type SectionEvidence, type SyllabusIndex } from './sections.js';
import { forumSignals, registrable, spamEvidence } from './signals.js';
import { KINDS, TAGS, type Kind, type TriageContext, type TriagePost, type TriageResult, type TriageRule } from './types.js';

/** Kinds that get no answer (a bug needs a fix, spam and off-topic need nothing). */
const UNANSWERED: ReadonlySet<Kind> = new Set(['off-topic', 'spam', 'courseware-bug']);
/**
 * Independent spam signals (spamEvidence) from which a post is spam whatever its words: on the train split
 * 26 of 27 spam posts and no other post reach it.
 */
export const SPAM_DECIDES = 2;
/** Courseware-bug rule votes from which a post is a courseware bug (train: 10 of 27 bugs, 1 other post). */
export const BUG_DECIDES = 1.5;
/** A duplicate needs a near-certain answer that covers most of the post. */
const DUPLICATE_CONFIDENCE = 0.94;
const DUPLICATE_COVERAGE = 0.75;
const TAG_SET: ReadonlySet<string> = new Set(TAGS);

/** The glossary's English for a post's Spanish, Portuguese, Hindi-English, French, German and Italian words, so English rules read them too. */
export function englishGloss(text: string): string {
  const out = new Set<string>();
  for (const w of words(text)) for (const e of expansionsOf(w)) if (e !== w) out.add(e);
  if (FEATURE_FLAGS.intl) for (const e of intlExpansions(text)) out.add(e);
  return [...out].join(' ');
}

/** Options for {@link triagePost}. */
export interface TriageOptions {
  rules?: readonly TriageRule[];
  /**
   * The learned classifier combined with the rules (default: the shipped model, see model.ts); `null`
   * decides by the rules' votes alone.
   */
  model?: KindClassifier | null;
}


const DEFAULT_RANKER = new SectionRanker();

/** Hosts the course material links to (its own sites are never spam domains). */
const courseDomainCache = new WeakMap<KnowledgeBase, Set<string>>();
function courseDomains(kb: KnowledgeBase): Set<string> {
  let d = courseDomainCache.get(kb);
  if (!d) {
    d = new Set();
    for (const c of kb.chunks) {
      try {
        if (/^https?:/.test(c.citation.url)) d.add(registrable(new URL(c.citation.url).hostname));
      } catch {
        /* relative URL */
      }
    }
    courseDomainCache.set(kb, d);
  }
  return d;
}

/** A post analysed once: retrieval, signals and rule votes (what both the rules and the model read). */
export interface Analysis extends PostAnalysis {
  answer: Answer;
  evidence: string[];
  /** Tags the rules proposed. */
  tagVotes: Set<string>;
  /** What the section ranker reads. */
  sectionEvidence: SectionEvidence;
  /** Signals recomputed as if the author were unknown (training sees both). */
  withoutMeta(): PostAnalysis;
}

/** Retrieval, forum signals and rule votes for one post. */
export function analysePost(kb: KnowledgeBase, post: TriagePost, opts: Pick<TriageOptions, 'rules'> = {}): Analysis {
  const full = `${post.title}\n${post.body}`;
  const answer = kb.ask(full);
  const hits = kb.retriever.search(full, { limit: 5, sources: ['faq', 'organizer', 'forum'] });
  const known = kb.retriever.knownTerms(full);
  const knownShare = known.total ? known.known / known.total : 0;
  const domains = courseDomains(kb);
  const signals = forumSignals(post, post.meta, { knownShare, courseDomains: domains });
  const ctx: TriageContext = { text: `${full.toLowerCase()}\n${englishGloss(full)}`, answer, hits, knownShare, signals, kb };
  const rules = opts.rules ?? RULES;
  const vote = (c: TriageContext) => {
    const votes: Partial<Record<Kind, number>> = {};
    const tags = new Set<string>();
    const evidence: string[] = [];
    for (const rule of rules) {
      for (const v of rule.apply(post, c)) {
        if (v.kind) votes[v.kind] = (votes[v.kind] ?? 0) + (v.weight ?? 1);
        for (const t of v.tags ?? []) tags.add(t);
        evidence.push(v.reason);
      }
    }
    return { votes, tags, evidence };
  };
  const { votes, tags, evidence } = vote(ctx);
  const sectionHits = kb.retriever.search(full, { limit: 3, sources: ['syllabus-section'] }).map((h) => h.chunk.citation.id);
  const base = { title: post.title, body: post.body, hits, confidence: answer.confidence, abstained: answer.abstained, knownShare, sectionHits };
  return {
    ...base,
    signals,
    votes,
    answer,
    evidence,
    tagVotes: tags,
    sectionEvidence: sectionEvidence(kb, full, answer.abstained ? [] : hits, answer.confidence),
    withoutMeta() {
      const s = forumSignals({ title: post.title, body: post.body }, undefined, { knownShare, courseDomains: domains });
      return { ...base, signals: s, votes: vote({ ...ctx, signals: s }).votes };
    },
  };
}

/** The kind by the rules alone: the highest vote; ties go to the earlier kind; no votes → off-topic. */
export function kindByVotes(votes: Partial<Record<Kind, number>>): { kind: Kind; confidence: number } {
  let kind: Kind = 'off-topic';
  let best = 0;
  let total = 0;
  for (const k of KINDS) {
    total += Math.max(0, votes[k] ?? 0);
    if ((votes[k] ?? 0) > best) {
      best = votes[k]!;
      kind = k;
    }
  }
  return { kind, confidence: total ? Math.round((best / total) * 1000) / 1000 : 0 };
}

/** A logistics post about one's grade, score or attempts. */
const GRADEBOOK = /\b(grades?|graded|gradebook|progress page|attempts?( left)?|retry|resubmit\w*|marked (wrong|incorrect)|score[sd]?|\d+\s*\/\s*10)\b/i;

/**
 * What a course needs before or while taking it: the kit, a language or maths background, weekly hours
 * (in the forum's languages). Such a question is filed under the course it names (corpus README).
 */
const COURSE_NEEDS = /\b((do|will|would) (i|we) (really )?need|is (it|the kit|a kit|c\+\+|python) (really )?(required|needed|necessary)|required (before|for)|needed for|prerequisites?|pre-?requisitos?|hours? (a|per) week|horas (por|a la) semana|kitne ghante|(necesito|preciso|zaroori|chahiye)\b.{0,30}\b(kit|placa|c\+\+|python))\b/i;

/** The same questions in French, German and Italian (matched with accents folded). */
const COURSE_NEEDS_INTL = /\b(faut-il|ai-je besoin|est-il (vraiment )?(necessaire|obligatoire|indispensable)|(est|sont) (necessaire|obligatoire)s?|necessaire pour|prerequis|heures par semaine|brauche ich|benotige ich|(notig|erforderlich|notwendig) (fur|ist|sind)|voraussetzung\w*|stunden pro woche|serve (il|un|davvero il) kit|(e|sono) necessari[oa]?|ho bisogno|prerequisiti|ore (a|alla|per) settimana)\b/i;

/** Certificates, tracks and payments concern the programme or the account, not one course's content. */
const PROGRAMME = /\b(certificat\w*|certificad\w*|zertifikat\w*|verified|verifie|verifiziert|verificato|audit\w*|upgrade\w*|track|refund\w*|payment|paid|reembolso|pago|rembourse\w*|erstatt\w*|rimbors\w*|paiement|zahlung|bezahlt|pagamento)\b/i;

/** The course a post names ("Deploying TinyML", "course 3"), by its first section; null when it names none. */
export function namedCourse(text: string, idx: SyllabusIndex): string | null {
  const folded = fold(text);
  const found: [number, string][] = [];
  for (const [title, first] of idx.courses) {
    const at = folded.indexOf(title);
    if (at >= 0) found.push([at, first]);
  }
  // "Course N" counts the programme's courses in syllabus order.
  for (const m of folded.matchAll(/\b(?:course|curso|cours|kurs|corso) ([1-9])\b/g)) {
    const course = idx.courses[Number(m[1]) - 1];
    if (course) found.push([m.index, course[1]]);
  }
  found.sort((a, b) => a[0] - b[0]);
  return found[0]?.[1] ?? null;
}

/** Triage one post against a knowledge base. */
export function triagePost(kb: KnowledgeBase, post: TriagePost, opts: TriageOptions = {}): TriageResult {
  const a = analysePost(kb, post, opts);
  const { answer, hits, evidence } = a;
  const full = `${post.title}\n${post.body}`;
  // The shipped model was trained on the standard rules' votes: a custom rule set decides alone unless a model is given.
  const model = opts.model === undefined ? (opts.rules ? null : shippedClassifier()) : opts.model;
  let kind: Kind;
  let kindConfidence: number;
  if (model) {
    const c = model.classify(a);
    kind = KINDS.reduce((b, k) => (c.probs[k] > c.probs[b] ? k : b), KINDS[0] as Kind);
    kindConfidence = Math.round(c.probs[kind] * 1000) / 1000;
    evidence.push(...c.evidence);
  } else ({ kind, confidence: kindConfidence } = kindByVotes(a.votes));
  // Decisive evidence overrides the words: several independent spam signals, or the material named with a defect.
  const spam = spamEvidence(a.signals).score;
  if (spam >= SPAM_DECIDES && kind !== 'spam') {
    evidence.push(`decided by the spam signals (score ${spam.toFixed(1)} ≥ ${SPAM_DECIDES}) over the model's ${kind}`);
    kind = 'spam';
    kindConfidence = Math.max(kindConfidence, Math.min(0.99, Math.round((0.6 + spam / 10) * 1000) / 1000));
  } else if ((a.votes['courseware-bug'] ?? 0) >= BUG_DECIDES && kind !== 'courseware-bug' && kind !== 'spam') {
    evidence.push(`decided by the courseware-bug rules (votes ${(a.votes['courseware-bug'] ?? 0).toFixed(1)} ≥ ${BUG_DECIDES}) over the model's ${kind}`);
    kind = 'courseware-bug';
  }
  if (kind === 'spam') evidence.unshift(...spamEvidence(a.signals).reasons.map((r) => `spam signal: ${r}`));
  const tagVotes = a.tagVotes;
  const scores = a.votes;

  const idx = syllabusIndex(kb);
  const explicit = explicitSection(full, idx);
  let section: string | null = null;
  if (kind === 'off-topic' || kind === 'spam') section = null;
  // Logistics concern the account or the programme, not one unit, unless the post names a place itself.
  // A grade, score or attempts case is the learner's record, not the unit it names (moderators file it unsectioned).
  // A kit, background or workload question names the course it asks about: the course's first section.
  else if (kind === 'course-logistics') section = GRADEBOOK.test(full) ? null : (explicit?.section ?? ((COURSE_NEEDS.test(full) || (FEATURE_FLAGS.intl && COURSE_NEEDS_INTL.test(fold(full)))) && !PROGRAMME.test(fold(full)) ? namedCourse(full, idx) : null));
  // An id written in the post names its place; otherwise the ranker weighs the syllabus and the sources.
  else if (!SECTIONLESS.has(kind)) section = explicit?.section ?? (model?.sections ?? DEFAULT_RANKER).pick(a.sectionEvidence, kind);

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
    kindConfidence,
    scores,
    evidence,
  };
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

export type { KindClassifier } from './model.js';
