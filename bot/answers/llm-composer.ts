/**
 * Optional wording of answers by a language model (issue 18, item 6), behind the same answer shape.
 *
 * The extractive answerer stays the judge: it decides whether a question is answered, handed to a
 * person or abstained on, and which sources answer it. Only an answered question goes to the model,
 * with the text of the sources the answerer cited as numbered passages, and the model may only
 * reword them. Its reply is checked before anyone sees it — every `[n]` names a passage that was
 * sent, at least one is there, every link it writes appears in a passage or a citation, and it fits
 * the answer budget — and any failure (refusal, invented citation or link, timeout, HTTP or JSON
 * error) keeps the extractive answer, so a broken or absent endpoint never costs an answer.
 *
 * Speaks the OpenAI-compatible `POST {url}/chat/completions` protocol (llama.cpp's server, Ollama,
 * vLLM, hosted APIs). Off unless ANSWERS_LLM_URL is set; the CLI uses it only with `ask --llm`.
 */
import type { Answer, Chunk, Citation } from './types.js';

/** Where the model is and how long an answer may wait for it. */
export interface LlmComposerConfig {
  /** Base URL of the OpenAI-compatible API, e.g. `http://127.0.0.1:8080/v1`. */
  url: string;
  model: string;
  apiKey?: string;
  timeoutMs: number;
}

/** One numbered passage the model may quote: a cited source's text. */
export interface Passage {
  citation: Citation;
  text: string;
}

/** What became of one answer (for logs and `ask --json`). */
export type Wording = { by: 'llm'; model: string } | { by: 'extractive'; reason: string };

/** The longest answer the model may return (characters), as the extractive composer's budget. */
export const WORDED_MAX_CHARS = 1800;
/** Characters of source text sent per passage. */
export const PASSAGE_CHARS = 2400;
/** What the model answers when the passages do not answer the question. */
export const NO_ANSWER = 'NO_ANSWER';

const SYSTEM = [
  'You are the teaching assistant of a TinyML course. Answer the learner using ONLY the numbered passages.',
  'After every sentence that uses a passage, cite it as [1], [2], … Never cite a number that was not given.',
  'Keep every step, command, setting and error message the passages give for the fix; keep lists whole.',
  'Do not add links, facts, dates or promises that are not in the passages.',
  `If the passages do not answer the question, reply exactly ${NO_ANSWER}.`,
  "Answer in the learner's language, briefly, in Markdown.",
].join(' ');

/** The passages for an answer: each cited source's chunks, joined and cut to {@link PASSAGE_CHARS}. */
export function passagesFor(answer: Answer, chunksOf: (id: string) => readonly Chunk[]): Passage[] {
  return answer.citations.slice(0, 4).map((citation) => {
    const text = chunksOf(citation.id)
      .map((c) => (c.heading ? `${c.heading}\n${c.text}` : c.text))
      .join('\n\n')
      .slice(0, PASSAGE_CHARS);
    return { citation, text };
  });
}

/** The chat request for one question (pure: tests read it). */
export function chatRequest(model: string, question: string, passages: readonly Passage[]): { model: string; temperature: number; messages: { role: 'system' | 'user'; content: string }[] } {
  const numbered = passages.map((p, i) => `[${i + 1}] ${p.citation.title} (${p.citation.id})\n${p.text}`).join('\n\n');
  return {
    model,
    temperature: 0.2,
    messages: [
      { role: 'system', content: SYSTEM },
      { role: 'user', content: `Passages:\n\n${numbered}\n\nLearner's question:\n${question}` },
    ],
  };
}

/**
 * Check a model reply against the passages it was given; the worded text (citations as "(title, id)")
 * and the cited sources in order, or why it cannot be used.
 */
export function checkReply(reply: string, passages: readonly Passage[]): { ok: true; text: string; citations: Citation[] } | { ok: false; reason: string } {
  const text = reply.trim();
  if (!text) return { ok: false, reason: 'empty reply' };
  if (text.includes(NO_ANSWER)) return { ok: false, reason: 'the model found no answer in the passages' };
  if (text.length > WORDED_MAX_CHARS) return { ok: false, reason: `reply longer than ${WORDED_MAX_CHARS} characters` };
  const cited: number[] = [];
  for (const m of text.matchAll(/\[(\d+)\]/g)) {
    const n = Number(m[1]);
    if (n < 1 || n > passages.length) return { ok: false, reason: `cites [${n}], which was not given` };
    if (!cited.includes(n)) cited.push(n);
  }
  if (cited.length === 0) return { ok: false, reason: 'cites no passage' };
  const known = passages.flatMap((p) => [p.text, p.citation.url]).join('\n');
  for (const m of text.matchAll(/https?:\/\/[^\s)>\]]+/g)) {
    if (!known.includes(m[0].replace(/[.,;:]+$/, ''))) return { ok: false, reason: `writes a link that no passage has (${m[0]})` };
  }
  const worded = text.replace(/\[(\d+)\]/g, (_, n: string) => {
    const c = passages[Number(n) - 1]!.citation;
    return `(${c.id})`;
  });
  return { ok: true, text: worded, citations: cited.map((n) => passages[n - 1]!.citation) };
}

type FetchLike = (url: string, init: { method: string; headers: Record<string, string>; body: string; signal: AbortSignal }) => Promise<{ ok: boolean; status: number; json(): Promise<unknown> }>;

/** Words answered questions with a model; see the module comment for what is and is not sent. */
export class LlmComposer {
  constructor(
    readonly config: LlmComposerConfig,
    private readonly fetchImpl: FetchLike = fetch,
  ) {}

  /**
   * The answer, reworded from its sources when the model's reply passes every check; otherwise the
   * answer unchanged. Hand-overs and abstentions are returned as they are, without a request.
   */
  async word(question: string, answer: Answer, passages: readonly Passage[]): Promise<{ answer: Answer; wording: Wording }> {
    if (answer.abstained || answer.needsPerson) return { answer, wording: { by: 'extractive', reason: 'not answered' } };
    if (passages.length === 0 || passages.every((p) => !p.text.trim())) return { answer, wording: { by: 'extractive', reason: 'no passage text' } };
    let reply: string;
    try {
      reply = await this.complete(question, passages);
    } catch (err) {
      return { answer, wording: { by: 'extractive', reason: (err as Error).message } };
    }
    const checked = checkReply(reply, passages);
    if (!checked.ok) return { answer, wording: { by: 'extractive', reason: checked.reason } };
    return { answer: { ...answer, answer: checked.text, citations: checked.citations }, wording: { by: 'llm', model: this.config.model } };
  }

  private async complete(question: string, passages: readonly Passage[]): Promise<string> {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (this.config.apiKey) headers.authorization = `Bearer ${this.config.apiKey}`;
    const url = `${this.config.url.replace(/\/+$/, '')}/chat/completions`;
    const signal = AbortSignal.timeout(this.config.timeoutMs);
    let res: Awaited<ReturnType<FetchLike>>;
    try {
      res = await this.fetchImpl(url, { method: 'POST', headers, body: JSON.stringify(chatRequest(this.config.model, question, passages)), signal });
    } catch (err) {
      throw new Error(signal.aborted ? `no reply within ${this.config.timeoutMs} ms` : `request failed: ${(err as Error).message}`);
    }
    if (!res.ok) throw new Error(`the model endpoint answered HTTP ${res.status}`);
    const body = (await res.json().catch(() => null)) as { choices?: { message?: { content?: unknown } }[] } | null;
    const content = body?.choices?.[0]?.message?.content;
    if (typeof content !== 'string') throw new Error('the reply has no choices[0].message.content');
    return content;
  }
}
