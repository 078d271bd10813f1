/**
 * The optional answers model (bot/answers/llm-composer.ts) against a local fake of the
 * OpenAI-compatible chat API (`POST /v1/chat/completions`, as llama.cpp's server and Ollama speak it):
 * a good reply words the answer with the cited sources only; invented citations or links, refusals,
 * errors and timeouts keep the extractive answer; hand-overs never reach the model; the CLI asks it
 * only with --llm and keeps its §5 JSON; Discord /ask (real discord.js, fake Discord) words its reply.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KnowledgeBase } from '../../bot/answers/knowledge-base.js';
import { LlmComposer, passagesFor } from '../../bot/answers/llm-composer.js';
import { parseConfig } from '../../core/config.js';
import { runCli } from '../helpers/cli.js';
import { discordBot, learner } from '../helpers/discord.js';
import { sharedPath } from '../helpers/shared.js';

const COURSE = sharedPath('course');
const QUESTION = 'The Nano 33 BLE Sense does not show up as a port in the Arduino IDE, how do I fix the upload?';

interface Seen {
  path: string;
  auth: string | undefined;
  body: { model: string; messages: { role: string; content: string }[] };
}

/** The fake: replies with whatever `reply` says for the next request (content, HTTP status, or a stall). */
let reply: { content?: string; status?: number; stallMs?: number } = {};
const seen: Seen[] = [];
let server: Server;
let base = '';

const readBody = async (req: IncomingMessage) => {
  const parts: Buffer[] = [];
  for await (const p of req) parts.push(p as Buffer);
  return Buffer.concat(parts).toString('utf8');
};

beforeAll(async () => {
  server = createServer((req, res) => {
    void (async () => {
      const body = JSON.parse(await readBody(req)) as Seen['body'];
      seen.push({ path: req.url ?? '', auth: req.headers.authorization, body });
      if (reply.stallMs) await new Promise((r) => setTimeout(r, reply.stallMs));
      if (res.destroyed) return;
      if (reply.status && reply.status !== 200) {
        res.writeHead(reply.status, { 'content-type': 'application/json' }).end('{"error":{"message":"model not loaded"}}');
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(
        JSON.stringify({ id: 'chatcmpl-1', object: 'chat.completion', model: body.model, choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content: reply.content ?? '' } }] }),
      );
    })();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe.skipIf(!COURSE)('answers worded by a model, checked against their sources', () => {
  let kb: KnowledgeBase;
  beforeAll(() => {
    kb = KnowledgeBase.fromDirs([COURSE!]);
  });
  const composer = (timeoutMs = 5000) => new LlmComposer({ url: base, model: 'tiny-llama', apiKey: 'k-123', timeoutMs });
  const ask = async (q: string, timeoutMs?: number) => {
    const a = kb.ask(q);
    return { before: a, ...(await composer(timeoutMs).word(q, a, passagesFor(a, (id) => kb.lookup.chunksOf(id)))) };
  };

  it('sends the cited sources as numbered passages and uses a reply that cites only them', async () => {
    seen.length = 0;
    reply = { content: 'Double-tap the reset button so the board enters its bootloader [1], then pick the new port under Tools > Port and upload again [3].' };
    const { before, answer, wording } = await ask(QUESTION);
    expect(wording).toEqual({ by: 'llm', model: 'tiny-llama' });
    expect(seen).toHaveLength(1);
    expect(seen[0]!.path).toBe('/v1/chat/completions');
    expect(seen[0]!.auth).toBe('Bearer k-123');
    expect(seen[0]!.body.model).toBe('tiny-llama');
    const user = seen[0]!.body.messages.find((m) => m.role === 'user')!.content;
    // Every cited source went out with its text, numbered in the answer's order.
    before.citations.forEach((c, i) => expect(user).toContain(`[${i + 1}] ${c.title} (${c.id})`));
    expect(user).toContain(QUESTION);
    expect(answer.answer).toContain(`(${before.citations[0]!.id})`);
    expect(answer.answer).not.toMatch(/\[\d\]/);
    expect(answer.citations.map((c) => c.id)).toEqual([before.citations[0]!.id, before.citations[2]!.id]);
    expect(answer.confidence).toBe(before.confidence);
  });

  it('keeps the extractive answer when the reply cites a passage that was not given, writes an unknown link, refuses or cites nothing', async () => {
    for (const [content, why] of [
      ['Reinstall the drivers [7].', /\[7\]/],
      ['See https://evil.example/fix for a patched bootloader [1].', /link/],
      ['NO_ANSWER', /no answer/],
      ['Just reinstall the IDE.', /cites no passage/],
    ] as const) {
      reply = { content };
      const { before, answer, wording } = await ask(QUESTION);
      expect(answer, content).toEqual(before);
      expect(wording.by).toBe('extractive');
      expect(wording.by === 'extractive' && wording.reason, content).toMatch(why);
    }
  });

  it('keeps the extractive answer on an HTTP error and on a model that does not answer in time', async () => {
    reply = { status: 503 };
    let r = await ask(QUESTION);
    expect(r.answer).toEqual(r.before);
    expect(r.wording.by === 'extractive' && r.wording.reason).toMatch(/HTTP 503/);
    reply = { content: 'late [1]', stallMs: 3000 };
    const t0 = Date.now();
    r = await ask(QUESTION, 300);
    expect(Date.now() - t0).toBeLessThan(2500);
    expect(r.answer).toEqual(r.before);
    expect(r.wording.by === 'extractive' && r.wording.reason).toMatch(/no reply within 300 ms/);
  });

  it('never sends a question that needs a person', async () => {
    seen.length = 0;
    reply = { content: 'Your certificate will be fixed tomorrow [1].' };
    const { before, answer, wording } = await ask('my certificate shows the wrong name, can you fix it?');
    expect(before.needsPerson).toBeTruthy();
    expect(answer).toEqual(before);
    expect(wording.by).toBe('extractive');
    expect(seen).toHaveLength(0);
  });

  it('is configured as a pair (URL and model) and keeps its key secret', () => {
    expect(() => parseConfig({ ANSWERS_LLM_URL: base })).toThrow(/ANSWERS_LLM_MODEL/);
    const c = parseConfig({ ANSWERS_LLM_URL: base, ANSWERS_LLM_MODEL: 'm', ANSWERS_LLM_API_KEY: 's3cret' });
    expect(c.answersLlm).toEqual({ url: base, model: 'm', apiKey: 's3cret', timeoutMs: 15_000 });
    expect(parseConfig({}).answersLlm).toBeUndefined();
  });

  it('Discord /ask replies with the worded answer when the model is configured', async () => {
    const { fake } = await discordBot({ env: { KNOWLEDGE_DIRS: COURSE!, ANSWERS_LLM_URL: base, ANSWERS_LLM_MODEL: 'tiny-llama' } });
    seen.length = 0;
    reply = { content: 'Double-tap the reset button, then pick the new port [1].' };
    const ask = fake.interact({ command: 'ask', user: learner, options: [{ name: 'question', type: 'string', value: QUESTION }] });
    const text = await ask.waitForContent(/Double-tap the reset button, then pick the new port \(/);
    expect(text.startsWith(`> ${QUESTION}`)).toBe(true);
    expect(seen).toHaveLength(1);
  });

  it('tinyarena ask asks the model only with --llm, and prints the same §5 JSON', async () => {
    const env = { KNOWLEDGE_DIRS: COURSE!, DATA_DIR: '/nonexistent-not-needed', ANSWERS_LLM_URL: base, ANSWERS_LLM_MODEL: 'tiny-llama' };
    seen.length = 0;
    reply = { content: 'Double-tap reset, then choose the new port [1].' };
    const plain = runCli(['ask', QUESTION, '--json'], env);
    expect((await plain.exited).code, plain.output.stderr).toBe(0);
    expect(seen).toHaveLength(0);
    const worded = runCli(['ask', QUESTION, '--json', '--llm'], env);
    expect((await worded.exited).code, worded.output.stderr).toBe(0);
    expect(seen).toHaveLength(1);
    const a = JSON.parse(worded.output.stdout) as { answer: string; citations: { id: string }[] };
    expect(Object.keys(a).sort()).toEqual(['abstained', 'answer', 'citations', 'confidence']);
    expect(a.answer).toMatch(/^Double-tap reset, then choose the new port \(/);
    expect(a.citations).toHaveLength(1);
    expect(worded.output.stderr).toContain('worded by tiny-llama');
    const unset = runCli(['ask', QUESTION, '--llm'], { KNOWLEDGE_DIRS: COURSE!, DATA_DIR: '/nonexistent-not-needed' });
    expect((await unset.exited).code).toBe(2);
    expect(unset.output.stderr).toMatch(/ANSWERS_LLM_URL and ANSWERS_LLM_MODEL/);
  });
});
