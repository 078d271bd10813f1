/** /rack status (organizers): the boards of the rack, their state, health and last error. */
import { clip } from './shared.js';
import { UserFacingError, type Command } from './types.js';

export default {
  definition: { name: 'rack', description: 'Organizers: the board rack', subcommands: [{ name: 'status', description: 'boards, leases, health and quarantine' }] },
  organizerOnly: true,
  async execute(ctx) {
    if (ctx.options.subcommand() !== 'status') throw new UserFacingError('unknown rack action');
    const rows = await ctx.services.db.board.findMany({ orderBy: { id: 'asc' } });
    if (!rows.length) {
      await ctx.reply.edit('No boards are registered: the rack starts with the workers (RACK_CONFIG, or RACK_SIM_BOARDS simulated boards).');
      return;
    }
    const now = Date.now();
    const lines = rows.map((b) => {
      // A lease past its expiry belongs to a holder that died: the board is free.
      const state = b.state === 'leased' && (!b.leaseExpiresAt || b.leaseExpiresAt.getTime() < now) ? 'idle' : b.state;
      return `${b.id.padEnd(12)} ${b.kind.padEnd(10)} ${state.padEnd(11)} health ${b.health.toFixed(2)}${b.lastError ? `  last error: ${b.lastError.slice(0, 80)}` : ''}`;
    });
    await ctx.reply.edit(clip(`\`\`\`\n${lines.join('\n')}\n\`\`\``));
  },
} satisfies Command;
