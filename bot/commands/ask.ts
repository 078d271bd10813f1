/**
 * /ask question: a course question answered from the knowledge base (bot/answers, KNOWLEDGE_DIRS)
 * with citations, or handed to humans when the bot is not confident. The base is built once per
 * process, on first use.
 */
import { KnowledgeBase } from '../answers/knowledge-base.js';
import { clip, need } from './shared.js';
import type { Command } from './types.js';

let base: { dirs: string; kb: KnowledgeBase } | null = null;

function knowledge(dirs: string[]): KnowledgeBase {
  const key = dirs.join(',');
  if (!base || base.dirs !== key) base = { dirs: key, kb: KnowledgeBase.fromDirs(dirs) };
  return base.kb;
}

export default {
  definition: { name: 'ask', description: 'Ask a course question; answers cite the course material', options: [{ type: 'string', name: 'question', description: 'your question', required: true, maxLength: 1000 }] },
  ephemeral: false,
  cooldownMs: 5_000,
  async execute(ctx) {
    const question = need(ctx.options, 'question');
    const dirs = ctx.services.config.knowledgeDirs;
    if (!dirs.length) {
      await ctx.reply.edit('The answer bot has no course material configured on this server yet (KNOWLEDGE_DIRS); please ask in the forum.');
      return;
    }
    const a = knowledge(dirs).ask(question);
    // The answer bot writes its own text (sources included); add what it left out: web links, and
    // the ids of citations its text does not name.
    const links = a.citations.filter((c) => /^https?:\/\//.test(c.url)).slice(0, 3).map((c) => `<${c.url}>`);
    const unnamed = a.citations.filter((c) => !a.answer.includes(c.id)).slice(0, 3).map((c) => `${c.title} (${c.id})`);
    const text = [`> ${question}`, a.answer, ...(unnamed.length && !a.abstained ? [`Sources: ${unnamed.join('; ')}`] : []), ...(links.length ? [`Links: ${links.join(' ')}`] : [])].join('\n');
    await ctx.reply.edit(clip(text));
  },
} satisfies Command;
