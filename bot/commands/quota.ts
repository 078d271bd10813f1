/** /quota grant challenge user extra reason (organizers): extra submissions for one person. */
import { grantQuota } from '../../arena/admin.js';
import { challengeOption, need, reasonOption } from './shared.js';
import { UserFacingError, type Command } from './types.js';

export default {
  definition: (ctx) => ({
    name: 'quota',
    description: 'Organizers: submission quotas',
    subcommands: [
      {
        name: 'grant',
        description: 'give someone extra submissions',
        options: [challengeOption(ctx), { type: 'user', name: 'user', description: 'who', required: true }, { type: 'integer', name: 'extra', description: 'how many more (negative takes back)', required: true, min: -1000, max: 1000 }, reasonOption],
      },
    ],
  }),
  organizerOnly: true,
  async execute(ctx) {
    if (ctx.options.subcommand() !== 'grant') throw new UserFacingError('unknown quota action');
    const target = ctx.options.user('user');
    const extra = ctx.options.integer('extra');
    if (!target || extra === null) throw new UserFacingError('give a user and a number of extra submissions');
    const me = await ctx.person();
    const who = await ctx.personFor(target);
    const challengeId = need(ctx.options, 'challenge');
    await grantQuota(ctx.services, { actorId: me.id, reason: need(ctx.options, 'reason') }, challengeId, who.id, extra);
    await ctx.reply.edit(`✅ <@${target.id}> (${who.handle}) got ${extra > 0 ? '+' : ''}${extra} submission${Math.abs(extra) === 1 ? '' : 's'} in **${challengeId}**.`);
  },
} satisfies Command;
