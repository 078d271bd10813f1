/**
 * /leaderboard challenge [split]: the top of a board, and the caller's own row when it is further
 * down. The private split stays hidden until the challenge closes (organizers see it any time).
 */
import { readLeaderboard } from '../../arena/leaderboard.js';
import { challengeOption, clip, need } from './shared.js';
import type { Command } from './types.js';

const TOP = 10;

export default {
  definition: (ctx) => ({
    name: 'leaderboard',
    description: "A challenge's leaderboard",
    options: [
      challengeOption(ctx),
      { type: 'string', name: 'split', description: 'public (default) or private (after the close)', choices: [{ name: 'public', value: 'public' }, { name: 'private', value: 'private' }] },
    ],
  }),
  cooldownMs: 3_000,
  async execute(ctx) {
    const challengeId = need(ctx.options, 'challenge');
    const split = ctx.options.string('split') === 'private' ? 'private' : 'public';
    const board = await readLeaderboard(ctx.services, challengeId, split, { privileged: ctx.organizer });
    if (!board.visible) {
      await ctx.reply.edit(`🔒 The private leaderboard of **${challengeId}** is revealed when the challenge closes.`);
      return;
    }
    const me = await ctx.person();
    const row = (e: (typeof board.entries)[number]) => `${String(e.rank).padStart(3)}. ${e.score.toFixed(2).padStart(7)}  ${e.team ?? e.displayName} (${e.person})`;
    const lines = board.entries.slice(0, TOP).map(row);
    const mine = board.entries.find((e) => e.person === me.handle);
    if (mine && mine.rank > TOP) lines.push('  …', row(mine));
    const head = `**${challengeId}** · ${split} leaderboard${board.frozen ? ' · ❄️ frozen' : ''} · ${board.entries.length} ranked`;
    await ctx.reply.edit(clip(board.entries.length ? `${head}\n\`\`\`\n${lines.join('\n')}\n\`\`\`` : `${head}\nNo scored submissions yet.`));
  },
} satisfies Command;
