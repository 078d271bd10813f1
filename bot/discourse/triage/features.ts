/**
 * The learned classifier's view of a post: its words (title and body stems), the forum signals, what
 * retrieval found (the best FAQ entry's tags and id, the answer's confidence), and every rule's vote. The
 * rules stay the readable part; the model learns how far to trust each of them next to the words.
 */
import { STOPWORDS } from '../../answers/glossary.js';
import { docTerms, fold, queryTerms, stem, words } from '../../answers/text.js';
import type { Hit } from '../../answers/types.js';
import { INTL_STOPWORDS, intlExpansions, stripElisions } from './languages.js';
import { spamEvidence, type ForumSignals } from './signals.js';
import type { Kind } from './types.js';

/** Bumped whenever features change meaning: a stored model with another version is retrained. */
export const FEATURE_VERSION = 7;

/** Feature families (for experiments). */
export const FEATURE_FLAGS = { intl: true, expand: true, chars: true, charW: 0.5, charN: 4, sections: false, words: true, ruleScale: 1, titles: true, faqId: false, signalScale: 1 };

/** Everything features are computed from (built once per post by classify.ts). */
export interface PostAnalysis {
  title: string;
  body: string;
  signals: ForumSignals;
  /** Per-kind rule votes. */
  votes: Partial<Record<Kind, number>>;
  hits: Hit[];
  confidence: number;
  abstained: boolean;
  knownShare: number;
  /** Syllabus sections the post resembles most, best first. */
  sectionHits: string[];
}

const URLS = /\bhttps?:\/\/\S+|\bwww\.\S+/g;

/**
 * Stems of a text without links (domains are signals of their own). French and Italian elisions are cut
 * off and French, German and Italian function words dropped (languages.ts), as the shared pipeline does
 * for English, Spanish and Portuguese.
 */
export function textTerms(s: string): string[] {
  const text = s.replace(URLS, ' ');
  const terms = FEATURE_FLAGS.intl ? words(stripElisions(text)).filter((w) => w.length > 1 && !STOPWORDS.has(w) && !INTL_STOPWORDS.has(w)).map(stem) : docTerms(text);
  return [...new Set(terms.filter((t) => t.length > 1 && !/^\d+$/.test(t)))];
}

/** Sparse features of one analysed post. */
export function featuresOf(a: PostAnalysis): Map<string, number> {
  const x = new Map<string, number>([['bias', 1]]);
  const title = textTerms(a.title);
  const body = textTerms(a.body);
  if (FEATURE_FLAGS.words && FEATURE_FLAGS.titles) for (const t of title) x.set(`t:${t}`, 1 / Math.sqrt(title.length));
  const all = new Set([...title, ...body]);
  const norm = 1 / Math.sqrt(all.size || 1);
  if (FEATURE_FLAGS.words) for (const t of all) x.set(`w:${t}`, norm);
  // The glossary's English for Spanish/Portuguese words and abbreviations, so one vocabulary serves every language.
  if (FEATURE_FLAGS.expand && FEATURE_FLAGS.words) for (const t of queryTerms(`${a.title}\n${a.body}`.replace(URLS, ' ')).expanded) if (!all.has(t)) x.set(`w:${t}`, norm * 0.7);
  // The same for French, German and Italian course words (triage's own glossary, languages.ts).
  if (FEATURE_FLAGS.intl && FEATURE_FLAGS.expand && FEATURE_FLAGS.words) for (const e of intlExpansions(`${a.title}\n${a.body}`.replace(URLS, ' '))) for (const t of docTerms(e)) if (!all.has(t) && !x.has(`w:${t}`)) x.set(`w:${t}`, norm * 0.7);
  // Character 4-grams of words (edges marked by spaces): typos, inflections and cognates across languages share them.
  if (FEATURE_FLAGS.chars) {
    const grams = new Set<string>();
    const n = FEATURE_FLAGS.charN;
    for (const w of fold(`${a.title} ${a.body}`.replace(URLS, ' ')).match(/[a-z]{4,}/g) ?? []) for (let i = 0; i + n <= w.length + 2; i++) grams.add(` ${w} `.slice(i, i + n));
    const gn = FEATURE_FLAGS.charW / Math.sqrt(grams.size || 1);
    for (const g of grams) x.set(`c:${g}`, gn);
  }
  if (FEATURE_FLAGS.sections) {
    for (const [i, h] of a.sectionHits.slice(0, 2).entries()) x.set(`q:sec:${h}`, i ? 0.5 : 1);
  }

  const s = a.signals;
  const set = (k: string, v: number) => {
    if (v) x.set(`s:${k}`, v * FEATURE_FLAGS.signalScale);
  };
  set('links', Math.min(3, s.links) / 3);
  set('foreign-domain', Math.min(2, s.foreignDomains.length) / 2);
  set('money', Math.min(2, s.money.length) / 2);
  set('urgency', s.urgency.length ? 1 : 0);
  set('promotion', Math.min(3, s.promotion.length) / 3);
  set('contact', s.contact.length ? 1 : 0);
  set('phone', s.phones ? 1 : 0);
  set('self-repeat', Math.min(1, s.selfRepeat * 2));
  set('new-account-link', s.newAccountLink ? 1 : 0);
  if (s.trustLevel !== null) set(`trust${Math.min(2, s.trustLevel)}`, 1);
  set('repeats', Math.min(2, s.repeats) / 2);
  set('ood', s.outOfDomain);
  set('ood-high', s.outOfDomain > 0.5 ? 1 : 0);
  set('foreign-hw', s.foreignHardware.length ? 1 : 0);
  set('not-course-board', s.notCourseBoard ? 1 : 0);
  set('social', Math.min(2, s.social.length) / 2);
  set('material', s.material.length ? 1 : 0);
  set('defect', Math.min(2, s.defect.length) / 2);
  set('material-defect', s.material.length && s.defect.length ? 1 : 0);
  set('as-shipped', s.asShipped ? 1 : 0);
  set('shouting', Math.min(1, s.shouting / 10));
  const spamScore = Math.max(0, spamEvidence(s).score);
  set('spam-score', Math.min(1, spamScore / 4));
  set('spam-strong', spamScore >= 2 ? 1 : 0);
  set('outside-download', s.outsideDownload ? 1 : 0);
  set('cheating', s.cheating ? 1 : 0);
  set('phishing', s.phishing ? 1 : 0);
  set('colab-vs-board', s.colabVsBoard ? 1 : 0);
  set('code', /```|^\s{4}\S/m.test(a.body) ? 1 : 0);
  set('error-line', /\b(error|exception|traceback|failed|fatal)\b/i.test(a.body) ? 1 : 0);

  for (const [k, v] of Object.entries(a.votes)) if (v) x.set(`r:${k}`, (FEATURE_FLAGS.ruleScale * Math.min(4, v)) / 4);

  x.set('q:conf', a.confidence);
  if (a.abstained) x.set('q:abstained', 1);
  x.set('q:known', a.knownShare);
  const top = a.hits[0];
  if (top && !a.abstained) {
    for (const t of top.chunk.tags) x.set(`q:tag:${t}`, a.confidence);
    if (FEATURE_FLAGS.faqId) x.set(`q:id:${top.chunk.citation.id}`, a.confidence);
  }
  return x;
}

/** Cosine similarity of two posts' term sets (for the moderators' memory). */
export function termSimilarity(a: readonly string[], b: readonly string[]): number {
  if (!a.length || !b.length) return 0;
  const sb = new Set(b);
  let common = 0;
  for (const t of new Set(a)) if (sb.has(t)) common++;
  return common / Math.sqrt(new Set(a).size * sb.size);
}
