/**
 * Language of a question. Technical posts are full of identifiers and logs that fool character n-gram
 * detectors, so code, paths and identifiers are removed first, and the function words of the course's
 * main languages decide when they are clear; tinyld (n-grams) decides otherwise.
 */
import { detect } from 'tinyld';
import { fold } from './text.js';

const FUNCTION_WORDS: Record<string, ReadonlySet<string>> = {
  en: new Set('the and is are my does do what how why when which with from this that not can it to of in on for have has'.split(' ')),
  es: new Set('el la los las que de en por para con una del es mi como porque pero cuando tengo puedo esta hay se lo muy donde cual no'.split(' ')),
  pt: new Set('o os as que de em por para com uma do da no na meu minha como porque mas quando tenho posso esta nao voce e isso onde qual'.split(' ')),
};
// Words that look alike in Spanish and Portuguese tell nothing apart; these do.
const STRONG: Record<string, ReadonlySet<string>> = {
  es: new Set('el los las del una pero tengo puedo hay muy cual donde porque como esta por para'.split(' ')),
  // Not 'no' or 'do': English has them too ("no device found", "how do I").
  pt: new Set('nao voce isso meu minha tenho posso uma mas qual onde da na em com'.split(' ')),
};

/** Remove what is not prose: code blocks, inline code, URLs, paths, identifiers with digits or `_`. */
function prose(text: string): string {
  return text
    .replace(/```[\s\S]*?```/g, ' ')
    .replace(/`[^`]*`/g, ' ')
    .replace(/https?:\/\/\S+/g, ' ')
    .replace(/\S*[/\\]\S*/g, ' ')
    .replace(/\b\w*[\d_]\w*\b/g, ' ');
}

/** ISO 639-1 code of the text's language; `en` when there is too little prose to tell. */
export function detectLanguage(text: string): string {
  const p = prose(text);
  const ws = fold(p).match(/[a-z]+/g) ?? [];
  // Accented letters and ñ/ç/ã/õ are strong hints the folding above removed.
  const raw = p.toLowerCase();
  const score = { en: 0, es: 0, pt: 0 };
  for (const w of ws) {
    for (const lang of ['en', 'es', 'pt'] as const) {
      if (FUNCTION_WORDS[lang]?.has(w)) score[lang] += 1;
      if (STRONG[lang]?.has(w)) score[lang] += 1;
    }
  }
  score.es += (raw.match(/[ñ¿¡]|ción\b/g) ?? []).length * 2;
  score.pt += (raw.match(/[ãõç]|ção\b|ções\b/g) ?? []).length * 2;
  const [[best, top], [, next]] = Object.entries(score).sort((a, b) => b[1] - a[1]) as [[string, number], [string, number]];
  if (top >= 2 && top >= 1.5 * next) return best;
  if (ws.length < 3) return 'en';
  const guess = detect(p, { only: ['en', 'es', 'pt', 'fr', 'de', 'it'] });
  return guess || 'en';
}

const NAMES: Record<string, string> = { en: 'English', es: 'Spanish', pt: 'Portuguese', fr: 'French', de: 'German', it: 'Italian' };

/** The language's English name, for messages. */
export function languageName(code: string): string {
  return NAMES[code] ?? code;
}
