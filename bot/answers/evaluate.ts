/**
 * Quality figures for `/ask` on labelled questions (corpus/questions.jsonl, or the dev questions):
 * precision@1 of the first citation on answerable questions, hand-over recall (every must-hand-over
 * question handed over) and false hand-overs, how many of the `must_mention` fix words the answer text
 * contains, and the confidence margin around the abstention threshold.
 */
import { readFileSync } from 'node:fs';
import { fromRoot } from '../../core/paths.js';
import type { KnowledgeBase } from './knowledge-base.js';

/** One labelled question. */
export interface LabelledQuestion {
  id: string;
  question: string;
  lang?: string;
  expected_sources: string[];
  should_abstain: boolean;
  handover_reason?: string | null;
  split?: 'train' | 'test';
  must_mention?: string[];
}

export const QUESTIONS_PATH = fromRoot('bot', 'answers', 'corpus', 'questions.jsonl');
/** Training-only questions written after the test split was frozen (all `split: "train"`, ids `lm-…`). */
export const TRAIN_MORE_QUESTIONS_PATH = fromRoot('bot', 'answers', 'corpus', 'train-more.jsonl');

export function loadQuestions(path = QUESTIONS_PATH): LabelledQuestion[] {
  return readFileSync(path, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as LabelledQuestion);
}

export interface AnswerFigures {
  answerable: number;
  precisionAt1: number;
  handOvers: number;
  handOverRecall: number;
  /** Answerable questions the bot handed over anyway. */
  falseHandOvers: number;
  /** Share of must_mention words found in the answers (over questions that list them and were answered). */
  mustMention: number;
  mustMentionQuestions: number;
  /** Lowest confidence among answered-correctly questions and highest among abstentions that were not caught by the needs-a-person check. */
  margin: { lowestAnswered: number; highestUnanswerable: number };
  misses: string[];
}

export function evaluateAnswers(kb: KnowledgeBase, rows: readonly LabelledQuestion[]): AnswerFigures {
  let answerable = 0;
  let p1 = 0;
  let handOvers = 0;
  let caught = 0;
  let falseHandOvers = 0;
  let mentionHit = 0;
  let mentionTotal = 0;
  let mentionQuestions = 0;
  let lowestAnswered = 1;
  let highestUnanswerable = 0;
  const misses: string[] = [];
  for (const q of rows) {
    const a = kb.ask(q.question);
    if (q.should_abstain) {
      handOvers++;
      if (a.abstained) caught++;
      else misses.push(`${q.id}: answered (${a.confidence}, ${a.citations[0]?.id}) but needs a person (${q.handover_reason ?? '?'})`);
      if (!a.needsPerson) highestUnanswerable = Math.max(highestUnanswerable, a.confidence);
      continue;
    }
    answerable++;
    if (a.abstained) {
      falseHandOvers++;
      misses.push(`${q.id}: handed over (${a.confidence}${a.needsPerson ? `, needs a person: ${a.needsPerson}` : ''}), expected ${q.expected_sources.join('|')}`);
      continue;
    }
    const right = q.expected_sources.includes(a.citations[0]?.id ?? '');
    if (right) {
      p1++;
      lowestAnswered = Math.min(lowestAnswered, a.confidence);
    } else misses.push(`${q.id}: cited ${a.citations[0]?.id ?? 'nothing'} (${a.confidence}), expected ${q.expected_sources.join('|')}`);
    if (q.must_mention?.length) {
      mentionQuestions++;
      const text = a.answer.toLowerCase();
      for (const m of q.must_mention) {
        mentionTotal++;
        if (text.includes(m.toLowerCase())) mentionHit++;
        else misses.push(`${q.id}: answer lacks "${m}"`);
      }
    }
  }
  return {
    answerable,
    precisionAt1: answerable ? p1 / answerable : 1,
    handOvers,
    handOverRecall: handOvers ? caught / handOvers : 1,
    falseHandOvers,
    mustMention: mentionTotal ? mentionHit / mentionTotal : 1,
    mustMentionQuestions: mentionQuestions,
    margin: { lowestAnswered, highestUnanswerable },
    misses,
  };
}
