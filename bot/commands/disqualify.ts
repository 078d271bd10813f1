/** /disqualify submission reason [undo] (organizers): take a submission off the boards, or put it back. */
import { disqualify } from '../../arena/admin.js';
import { need, reasonOption } from './shared.js';
import type { Command } from './types.js';

export default {
  definition: {
    name: 'disqualify',
    description: 'Organizers: disqualify a submission (or undo it)',
    options: [{ type: 'string', name: 'submission', description: 'submission id', required: true, maxLength: 40 }, reasonOption, { type: 'boolean', name: 'undo', description: 'requalify instead' }],
  },
  organizerOnly: true,
  async execute(ctx) {
    const me = await ctx.person();
    const id = need(ctx.options, 'submission');
    const undo = ctx.options.boolean('undo') === true;
    await disqualify(ctx.services, { actorId: me.id, reason: need(ctx.options, 'reason') }, id, !undo);
    await ctx.reply.edit(undo ? `✅ \`${id}\` is back on the boards.` : `🚫 \`${id}\` is disqualified; the boards were rebuilt.`);
  },
} satisfies Command;
