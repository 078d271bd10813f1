/**
 * Which course section a post is about, from the syllabus text and the retrieved sources rather than
 * keywords alone. Every section is a candidate described by a few evidence features: an id written in
 * the post, a syllabus item or section title quoted, how well the post matches the section's own text
 * (its items' titles) and its items, which sections the best FAQ entries relate to, and how often
 * moderators filed posts of this kind there and in its chapter (a deployment post belongs to the
 * deploying course; a setup post is nearly always filed under Getting Started). A conditional-logit
 * ranker (one weight per feature, shared by all sections, so it carries over to sections never seen in
 * training) picks the best.
 */
import type { KnowledgeBase } from '../../answers/knowledge-base.js';
import { fold } from '../../answers/text.js';
import type { Hit } from '../../answers/types.js';
import type { Kind } from './types.js';

/** Kinds whose posts are not about one place in the course. */
export const SECTIONLESS: ReadonlySet<Kind> = new Set(['off-topic', 'spam', 'competition', 'course-logistics']);

/** Syllabus lookups built once per knowledge base. */
export interface SyllabusIndex {
  sectionOf: Map<string, string>;
  /** Folded titles (≥ 3 words) of sections and items → section id. */
  titles: [string, string][];
  /** Folded course title → the course's first section (posts about a whole course file there). */
  courses: [string, string][];
  sections: string[];
  /** Folded section titles by section id. */
  sectionTitles: Map<string, string>;
  /** Folded course title by section id. */
  courseOf: Map<string, string>;
}
const syllabusCache = new WeakMap<KnowledgeBase, SyllabusIndex>();

const normTitle = (t: string) => fold(t).replace(/[^a-z0-9 ]+/g, ' ').replace(/\s+/g, ' ').trim();

export function syllabusIndex(kb: KnowledgeBase): SyllabusIndex {
  let idx = syllabusCache.get(kb);
  if (idx) return idx;
  idx = { sectionOf: new Map(), titles: [], courses: [], sections: [], sectionTitles: new Map(), courseOf: new Map() };
  for (const c of kb.chunks) {
    if (c.source !== 'syllabus-section' && c.source !== 'syllabus-item') continue;
    const section = c.sections[0] ?? c.citation.id;
    if (c.source === 'syllabus-section') {
      idx.sections.push(section);
      idx.sectionTitles.set(section, normTitle(c.citation.title.replace(/^[\d.]+\s+/, '')));
    }
    // The course's title (the chunk's first line, after the "Course N" the answers index adds).
    const course = c.source === 'syllabus-section' ? fold(c.text.split('\n', 1)[0] ?? '').replace(/^course \d+\s*/, '').trim() : '';
    if (course) idx.courseOf.set(section, course);
    if (course && !idx.courses.some(([t]) => t === course)) idx.courses.push([course, section]);
    idx.sectionOf.set(c.citation.id, section);
    // Citation titles start with the id; generic titles ("Formative quiz.") name no place.
    const title = normTitle(c.citation.title.replace(/^[\d.]+\s+/, ''));
    if (title.split(' ').length >= 3 && !/^(forum|formative|summative|quiz|test)\b/.test(title)) idx.titles.push([title, section]);
  }
  syllabusCache.set(kb, idx);
  return idx;
}

/** Section ids written in the post ("from 4.2", "5.4.8 opens…"), skipping version numbers. */
export function explicitSection(text: string, idx: SyllabusIndex): { section: string; item: string | null } | null {
  for (const m of text.matchAll(/(^|[^\w.])(\d{1,2}\.\d{1,2}(?:\.\d{1,2})?)(?![\w.]*\d)/g)) {
    const before = text.slice(Math.max(0, m.index - 14), m.index + m[1]!.length).toLowerCase();
    if (/(version|ide|v|python|tensorflow|tf|ubuntu|macos|windows|arduino|mbed|node|pip|numpy|keras|release)\s*$/.test(before)) continue;
    const after = text.slice(m.index + m[0].length, m.index + m[0].length + 12).toLowerCase();
    // A version ("1.2.4-Alpha"), a signed or listed reading ("0.6, -1.2, 0.4"), or a measured value ("1.2 V", "2.1 ms") names no section.
    if (/^-[a-z]/.test(after)) continue;
    if (/[-+±]\s*$/.test(before) || /^\s*(v|mv|ms|s|sec|kb|mb|gb|%|x|deg|°|hz|khz|g)\b/.test(after) || /\d,\s*$/.test(before) || /^,\s*-?\d/.test(after)) continue;
    const id = m[2]!;
    const section = idx.sectionOf.get(id);
    if (section) return { section, item: id.split('.').length === 3 ? id : null };
  }
  return null;
}

/** Evidence names, in weight order. */
export const SECTION_FEATURES = ['explicit', 'quoted', 'section-text', 'section-rank', 'items', 'faq', 'faq-first', 'prior', 'application', 'sketch', 'chapter', 'share', 'setup-application', 'setup-sketch'] as const;

/**
 * The course's applications as learners name them (sketch names, abbreviations, the forum's languages),
 * and the words of the section titles that teach them. A post about the wand goes to a wand section; the
 * kind's prior then chooses between the training chapter and the deployment chapter.
 */
const APPLICATIONS: [RegExp, RegExp][] = [
  [/\b(kws|keywords?|wake ?words?|hotwords?|micro_speech|micro speech|speech commands|yes\/no|palabras? clave|palavras?[- ]chave|wakeword)\b/, /\bkeyword spotting\b/],
  [/\b(vww|visual wake|person_detection|person detection|people detection|detect(ing)? (a )?(person|people)|persona|personas|pessoa|pessoas|mobilenet)\b/, /\bvisual wake words\b/],
  [/\b(magic.?wand|wand|varita|varinha|gestures?|gestos?)\b/, /\bmagic wand\b/],
  [/\b(anomal\w*|autoencoders?|mimii)\b/, /\banomaly detection\b/],
  [/\b(custom (dataset|keywords?|words)|own (keywords?|dataset|recordings)|my own words|record(ed|ing)? (my|our) (own )?(voice|keywords?|samples))\b/, /\bcustom dataset\b/],
];

/**
 * The course's board sketches and board-side names (examples of the course library, their files and
 * constants), and the application whose deployment section runs them. Naming one places a post in that
 * application's section of the deploying course (chapter 4) whatever the error mentions (an arena or
 * resolver error inside micro_speech is filed with keyword spotting, not with the runtime section).
 */
const SKETCHES: [RegExp, RegExp][] = [
  [/\b(micro[ _]?speech|micro_features\w*|kcategorycount|recognizecommands|recognize_commands|audio_provider|command_responder|feature_provider|heard (yes|no|up|down))\b/, /\bkeyword spotting\b/],
  [/\b(person[ _]?detection|person_detect\w*|detection_responder|image_provider|kpersonindex|knotapersonindex|arducam)\b/, /\bvisual wake words\b/],
  [/\b(magic[ _]?wand|magic_wand\w*|gesture_predictor|accelerometer_handler|rasterize_stroke|imu_provider)\b/, /\bmagic wand\b/],
  // The kit's setup tools and test sketches (IDE, board package, library manager, test_IMU …): the getting-started section.
  [/\b(test_imu|test_camera|test_microphone|test_mic|testing the tensorflow install|board (package|manager)|mbed os|library manager|arduino ide|ide (1 8|2))\b/, /\bgetting started\b/],
];
const DEPLOYING = /\bdeploying\b/;

/** The retrieval a section decision reads (computed once per post). */
export interface SectionEvidence {
  explicit: string | null;
  quoted: string | null;
  /** Syllabus-section hits and syllabus-item hits, best first. */
  sectionHits: Hit[];
  itemHits: Hit[];
  /** FAQ/forum hits (their related sections), best first, and the answer's confidence. */
  faqHits: Hit[];
  confidence: number;
  /** Sections whose title names an application the post names. */
  applications?: string[];
  /** Deploying-course sections of the sketches the post names. */
  sketches?: string[];
}

/** Gather the section evidence of a post. */
export function sectionEvidence(kb: KnowledgeBase, text: string, faqHits: Hit[], confidence: number): SectionEvidence {
  const idx = syllabusIndex(kb);
  const folded = ` ${normTitle(text)} `;
  // Sketch and file names keep their underscores.
  const sketchText = fold(text).replace(/[^a-z0-9_ ]+/g, ' ');
  // A title quoted exactly, else nearly (learners drop or change a word): most of its words, in a title of 3+ content words.
  let quoted = idx.titles.filter(([t]) => folded.includes(` ${t} `)).sort((a, b) => b[0].length - a[0].length)[0]?.[1] ?? null;
  if (!quoted) {
    const words = new Set(folded.split(' '));
    let best = 0;
    for (const [t, section] of idx.titles) {
      const content = t.split(' ').filter((w) => w.length > 3);
      if (content.length < 3) continue;
      const share = content.filter((w) => words.has(w)).length / content.length;
      if (share >= 0.8 && share * content.length > best) {
        best = share * content.length;
        quoted = section;
      }
    }
  }
  return {
    explicit: explicitSection(text, idx)?.section ?? null,
    quoted,
    sectionHits: kb.retriever.search(text, { limit: 10, sources: ['syllabus-section'] }),
    itemHits: kb.retriever.search(text, { limit: 10, sources: ['syllabus-item'] }),
    faqHits: faqHits.slice(0, 3),
    confidence,
    applications: APPLICATIONS.filter(([post]) => post.test(folded)).flatMap(([, title]) => [...idx.sectionTitles].filter(([, t]) => title.test(t)).map(([id]) => id)),
    sketches: SKETCHES.filter(([post]) => post.test(sketchText)).flatMap(([, title]) =>
      [...idx.sectionTitles].filter(([id, t]) => title.test(t) && DEPLOYING.test(idx.courseOf.get(id) ?? '')).map(([id]) => id),
    ),
  };
}

/** Section counts per kind (how moderators filed posts), the ranker's prior. */
export type SectionPrior = Partial<Record<Kind, Record<string, number>>>;

/** Serialised ranker. */
export interface SectionRankerJson {
  weights: number[];
  prior: SectionPrior;
}

/** Weights before any training (hand-set: an id written in the post decides, a quoted title nearly). */
const DEFAULT_WEIGHTS = [6, 4, 1.5, 1, 1.5, 1.5, 1, 0, 1, 1, 0, 0, 1, 1];

/**
 * Evidence families (for experiments): the kind's share of posts in the candidate's chapter and in the
 * section itself, and separate weights for applications and sketches named in setup posts.
 */
export const SECTION_FLAGS = { chapter: true, share: true, gate: true };
/** Kinds about the kit and its tools: an application named in them says which lab, not which section. */
const SETUP_KINDS: ReadonlySet<Kind> = new Set(['hardware-setup', 'software-install']);

/** Per-candidate feature vectors. */
function candidates(ev: SectionEvidence, kind: Kind, prior: SectionPrior): Map<string, number[]> {
  const out = new Map<string, number[]>();
  const get = (s: string) => {
    let f = out.get(s);
    if (!f) out.set(s, (f = new Array<number>(SECTION_FEATURES.length).fill(0)));
    return f;
  };
  if (ev.explicit) get(ev.explicit)[0] = 1;
  if (ev.quoted) get(ev.quoted)[1] = 1;
  const topS = ev.sectionHits[0]?.score ?? 1;
  ev.sectionHits.forEach((h, i) => {
    const f = get(h.chunk.citation.id);
    f[2] = h.score / topS;
    f[3] = 1 / (i + 1);
  });
  const topI = ev.itemHits[0]?.score ?? 1;
  ev.itemHits.forEach((h, i) => {
    const s = h.chunk.sections[0];
    if (s) get(s)[4] = Math.max(get(s)[4]!, (h.score / topI) * (i < 3 ? 1 : 0.6));
  });
  const topF = ev.faqHits[0]?.score ?? 1;
  ev.faqHits.forEach((h, i) => {
    h.chunk.sections.forEach((s, j) => {
      const f = get(s);
      f[5] = Math.max(f[5]!, (h.score / topF) * ev.confidence);
      if (i === 0 && j === 0) f[6] = ev.confidence;
    });
  });
  const setup = SECTION_FLAGS.gate && SETUP_KINDS.has(kind);
  for (const s of ev.applications ?? []) get(s)[setup ? 12 : 8] = 1;
  for (const s of ev.sketches ?? []) get(s)[setup ? 13 : 9] = 1;
  const counts = prior[kind];
  if (counts) {
    const total = Object.values(counts).reduce((a, b) => a + b, 0);
    const chapters = new Map<string, number>();
    for (const [s, c] of Object.entries(counts)) {
      const f = get(s);
      f[7] = Math.log(1 + c) / Math.log(1 + total);
      if (SECTION_FLAGS.share) f[11] = c / total;
      const ch = s.split('.')[0]!;
      chapters.set(ch, (chapters.get(ch) ?? 0) + c);
    }
    if (SECTION_FLAGS.chapter) for (const [s, f] of out) f[10] = (chapters.get(s.split('.')[0]!) ?? 0) / total;
  }
  return out;
}

export class SectionRanker {
  constructor(
    private weights: number[] = [...DEFAULT_WEIGHTS],
    private prior: SectionPrior = {},
  ) {}

  static fromJSON(j: SectionRankerJson): SectionRanker {
    // A ranker saved before a feature was added reads it with the default weight.
    return new SectionRanker([...j.weights, ...DEFAULT_WEIGHTS.slice(j.weights.length)], j.prior);
  }

  toJSON(): SectionRankerJson {
    return { weights: this.weights.map((w) => Math.round(w * 1e4) / 1e4), prior: this.prior };
  }

  /** Count one labelled post into the prior. */
  count(kind: Kind, section: string | null): void {
    if (!section) return;
    const c = (this.prior[kind] ??= {});
    c[section] = (c[section] ?? 0) + 1;
  }

  /** The best section for a post of this kind, or null. */
  pick(ev: SectionEvidence, kind: Kind): string | null {
    let best: string | null = null;
    let bestScore = -Infinity;
    for (const [s, f] of candidates(ev, kind, this.prior)) {
      const score = f.reduce((acc, v, i) => acc + v * this.weights[i]!, 0);
      if (score > bestScore) {
        bestScore = score;
        best = s;
      }
    }
    return best;
  }

  /**
   * Fit the weights (conditional logit: softmax over each post's candidates, full-batch gradient ascent
   * with a little L2). Posts whose section is not among the candidates are skipped.
   */
  fit(examples: readonly { ev: SectionEvidence; kind: Kind; section: string }[], iterations = 300, rate = 0.5): this {
    const rows = examples.map((e) => ({ cands: [...candidates(e.ev, e.kind, this.prior).entries()], section: e.section })).filter((r) => r.cands.some(([s]) => s === r.section));
    const w = this.weights;
    for (let it = 0; it < iterations; it++) {
      const grad = new Array<number>(w.length).fill(0);
      for (const r of rows) {
        const z = r.cands.map(([, f]) => f.reduce((a, v, i) => a + v * w[i]!, 0));
        const max = Math.max(...z);
        const e = z.map((v) => Math.exp(v - max));
        const sum = e.reduce((a, b) => a + b, 0);
        r.cands.forEach(([s, f], c) => {
          const p = e[c]! / sum;
          const y = s === r.section ? 1 : 0;
          for (let i = 0; i < w.length; i++) grad[i]! += (y - p) * f[i]!;
        });
      }
      for (let i = 0; i < w.length; i++) w[i]! += (rate * grad[i]!) / rows.length - 1e-3 * w[i]!;
    }
    return this;
  }
}
