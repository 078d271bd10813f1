/**
 * Answer a course question from retrieved passages, with citations and a confidence; abstain (and hand
 * the question to moderators) below a calibrated threshold or when the question is a personal case no
 * course material can settle (billing, account, grades).
 */
import { detectLanguage, languageName } from './language.js';
import type { Answer, Citation, Hit, Retriever, SourceKind } from './types.js';

/**
 * Confidence below which the bot abstains. Calibrated on test/fixtures/answers/dev-questions.jsonl
 * (see BENCHMARKS.md): between the highest unanswerable (≈0.45) and the lowest answerable (≈0.5) dev question.
 */
export const ABSTAIN_BELOW = 0.45;

/** Sources an answer may cite (items are too small to answer on their own; sections and FAQ are). */
const ANSWER_SOURCES: SourceKind[] = ['faq', 'organizer', 'forum', 'syllabus-section'];

/** Personal cases: the material cannot answer them and a human must (account, money, grades). */
const PERSONAL = [
  /\brefund|\bcharged\b|\bbilling\b|\binvoice|credit card|\bpayment\b|\bpaid (twice|again)/i,
  /\bpassword\b|locked out|can'?t (log|sign) ?in|\baccount\b.*\b(deleted|hacked|suspended|locked|blocked|merge)|change my (e-?mail|name)/i,
  /\bmy\b.{0,30}\b(grades?|scores?|marks?)\b.*\b(wrong|missing|incorrect|zero|not (updated|showing|counted))|\bregrade\b|\bgraded (wrong|incorrectly)/i,
  /\breembolso|\bcobr(o|aron|ado)\b|\bfactura|contrase(n|ñ)a|\bsenha\b|\bmi nota\b|\bminha nota\b|\bcobran(c|ç)a\b|\bpagamento\b|\bpago duplicado/i,
];

/** Boards and software the course does not cover: questions centred on them are not the material's to answer. */
const FOREIGN_HARDWARE = /\b(raspberry ?pi|esp32|esp8266|jetson|stm32|pico\b|rp2040|coral|k210|portenta|teensy|xiao|django|flask|react|angular|wordpress|php|laravel|excel|photoshop|unity|minecraft)\b/i;

/** Asking whether other hardware fits the course is a course question (the kit FAQ answers it). */
const COURSE_CONTEXT = /\b(instead|substitut\w*|supported|compatible|course|labs?|kit|nano 33|en lugar|en vez|em vez|no lugar|curso|laborat\w*)\b/i;

const ENGLISH_ONLY: Record<string, string> = {
  es: 'El material del curso solo existe en inglés; esto es lo que dice:',
  pt: 'O material do curso só existe em inglês; é isto o que ele diz:',
  fr: "Le matériel du cours n'existe qu'en anglais ; voici ce qu'il dit :",
  de: 'Das Kursmaterial gibt es nur auf Englisch; dort steht:',
  it: 'Il materiale del corso esiste solo in inglese; ecco cosa dice:',
};

const logistic = (x: number) => 1 / (1 + Math.exp(-x));

/** Options for {@link answerQuestion}. */
export interface AnswerOptions {
  /** Citations to return at most (default 3). */
  maxCitations?: number;
  /** Abstention threshold (default {@link ABSTAIN_BELOW}). */
  abstainBelow?: number;
}

/**
 * Confidence in 0–1 from the retrieval evidence: how much of the question the best passage covers, how
 * clearly it beats the runner-up, how much of the question the corpus knows at all, and error matches.
 */
export function confidenceOf(hits: Hit[], known: { known: number; total: number }): number {
  const first = hits[0];
  if (!first || known.total === 0) return 0;
  const second = hits.find((h) => h.chunk.citation.id !== first.chunk.citation.id);
  const margin = second ? (first.score - second.score) / first.score : 1;
  const knownShare = known.known / known.total;
  const x = -4.2 + 3.2 * first.coverage + 1.6 * margin + 2.4 * knownShare + (first.errorMatch ? 2.5 : 0) + Math.min(1, first.score / 40);
  return logistic(x);
}

/** Distinct citations, best first. */
export function citationsOf(hits: Hit[], max: number): Citation[] {
  const seen = new Set<string>();
  const out: Citation[] = [];
  for (const h of hits) {
    if (seen.has(h.chunk.citation.id)) continue;
    seen.add(h.chunk.citation.id);
    out.push(h.chunk.citation);
    if (out.length >= max) break;
  }
  return out;
}

/** First sentences of a passage, up to about `max` characters, without Markdown noise. */
function excerpt(text: string, max = 420): string {
  const flat = text.replace(/```[\s\S]*?```/g, ' ').replace(/\*\*/g, '').replace(/\s+/g, ' ').trim();
  if (flat.length <= max) return flat;
  const cut = flat.slice(0, max);
  const end = Math.max(cut.lastIndexOf('. '), cut.lastIndexOf('.\n'));
  return (end > max / 2 ? cut.slice(0, end + 1) : `${cut.trimEnd()}…`).trim();
}

/** Answer one question with the given retriever. Pure apart from the retriever. */
export function answerQuestion(retriever: Retriever, question: string, opts: AnswerOptions = {}): Answer {
  const language = detectLanguage(question);
  const threshold = opts.abstainBelow ?? ABSTAIN_BELOW;
  const hits = retriever.search(question, { limit: 8, sources: ANSWER_SOURCES });
  let confidence = confidenceOf(hits, retriever.knownTerms(question));
  const personal = PERSONAL.some((re) => re.test(question));
  if (personal) confidence = Math.min(confidence, 0.1);
  else if (FOREIGN_HARDWARE.test(question) && !COURSE_CONTEXT.test(question)) confidence *= 0.5;
  confidence = Math.round(confidence * 1000) / 1000;
  const citations = citationsOf(hits, opts.maxCitations ?? 3);
  if (confidence < threshold || !citations.length) {
    const why = personal ? 'This needs someone who can look at your account or course record' : "I couldn't find this in the course material";
    return {
      answer: `${why}, so I've flagged it for the moderators.${language !== 'en' ? ` (The course material only exists in English; you asked in ${languageName(language)}.)` : ''}`,
      // Weak leads still help the moderator who picks it up.
      citations: personal ? [] : citations,
      confidence,
      abstained: true,
      language,
    };
  }
  const best = hits[0]!.chunk; // citations is non-empty, so hits is too
  const lines = [
    ...(language !== 'en' ? [ENGLISH_ONLY[language] ?? `The course material only exists in English (you asked in ${languageName(language)}); this is what it says:`] : []),
    `**${best.citation.title}**`,
    best.source === 'syllabus-section' ? `This is covered in section ${best.citation.title} of the course.` : excerpt(best.text),
    `Sources: ${citations.map((c) => `${c.title} (${c.url})`).join('; ')}`,
  ];
  return { answer: lines.join('\n'), citations, confidence, abstained: false, language };
}
