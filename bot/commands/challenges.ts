/** /challenges: every challenge with its phase and closing time. */
import { phaseOf } from '../../arena/catalog.js';
import { clip } from './shared.js';
import type { Command } from './types.js';

const PHASE = { scheduled: '🗓️ opens', open: '🟢 open', closed: '🔴 closed', finalized: '🏆 final results' } as const;

export default {
  definition: { name: 'challenges', description: 'The competition challenges and whether they are open' },
  cooldownMs: 3_000,
  async execute(ctx) {
    const rows = await ctx.services.db.challenge.findMany({ orderBy: { id: 'asc' } });
    if (!rows.length) {
      await ctx.reply.edit('No challenges are defined yet.');
      return;
    }
    const lines = rows.map((row) => {
      const p = phaseOf({ row });
      const when = p.phase === 'scheduled' ? ` ${row.opensAt?.toISOString().slice(0, 16).replace('T', ' ')} UTC` : p.phase === 'open' && row.closesAt ? ` until ${row.closesAt.toISOString().slice(0, 16).replace('T', ' ')} UTC` : '';
      return `• **${row.title}** (\`${row.id}\`, ${row.task.toUpperCase()}): ${PHASE[p.phase]}${when}${p.frozen ? ' · board frozen' : ''}`;
    });
    await ctx.reply.edit(clip(`${lines.join('\n')}\nUse \`/rules\` for the details of one, \`/submit\` to enter.`));
  },
} satisfies Command;
