/**
 * /ask question: a course question answered with citations from the server's knowledge base (the
 * KNOWLEDGE_DIRS material plus solved forum topics, kept in sync by bot/discourse/knowledge.ts), or
 * handed to humans when the answer bot is not confident.
 */
import { LlmComposer, passagesFor } from '../answers/llm-composer.js';
import { knowledgeFor } from '../discourse/knowledge.js';
import { clip, need } from './shared.js';
import type { Command } from './types.js';

export default {
  definition: { name: 'ask', description: 'Ask a course question; answers cite the course material', options: [{ type: 'string', name: 'question', description: 'your question', required: true, maxLength: 1000 }] },
  ephemeral: false,
  cooldownMs: 5_000,
  async execute(ctx) {
    const question = need(ctx.options, 'question');
    if (!ctx.services.config.knowledgeDirs.length && (await ctx.services.db.knowledgeEntry.count()) === 0) {
      await ctx.reply.edit('The answer bot has no course material configured on this server yet (KNOWLEDGE_DIRS); please ask in the forum.');
      return;
    }
    const kb = await knowledgeFor(ctx.services);
    let a = kb.ask(question);
    const llm = ctx.services.config.answersLlm;
    if (llm) {
      // Worded from the cited sources only; any failure keeps the extractive answer (llm-composer.ts).
      const r = await new LlmComposer(llm).word(question, a, passagesFor(a, (id) => kb.lookup.chunksOf(id)));
      if (r.wording.by === 'extractive' && !a.abstained) ctx.services.logger.info({ reason: r.wording.reason }, '/ask kept the extractive answer');
      a = r.answer;
    }
    // The answer bot writes its own text (sources included); add what it left out: web links, and
    // the ids of citations its text does not name.
    const links = a.citations.filter((c) => /^https?:\/\//.test(c.url)).slice(0, 3).map((c) => `<${c.url}>`);
    const unnamed = a.citations.filter((c) => !a.answer.includes(c.id)).slice(0, 3).map((c) => `${c.title} (${c.id})`);
    const text = [`> ${question}`, a.answer, ...(unnamed.length && !a.abstained ? [`Sources: ${unnamed.join('; ')}`] : []), ...(links.length ? [`Links: ${links.join(' ')}`] : [])].join('\n');
    await ctx.reply.edit(clip(text));
  },
} satisfies Command;
