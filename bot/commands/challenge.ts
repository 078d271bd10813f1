/**
 * /challenge open|close|freeze|unfreeze|finalize|schedule|announce (organizers): change a challenge's
 * live state (audited, with the reason) or post an announcement in the channel.
 */
import { changeChallenge, type ChallengeAction } from '../../arena/admin.js';
import { getChallenge } from '../../arena/catalog.js';
import { challengeOption, need, reasonOption } from './shared.js';
import { UserFacingError, type Command, type SubcommandDefinition } from './types.js';

const ACTIONS: Record<ChallengeAction, string> = {
  open: 'open for submissions now, whatever the timeline says',
  close: 'stop taking submissions now',
  freeze: 'freeze the public leaderboard',
  unfreeze: 'unfreeze the public leaderboard',
  finalize: 'mark the results final (reveals the private board)',
  schedule: 'follow the timeline in challenge.yaml again',
};

export default {
  definition: (ctx) => ({
    name: 'challenge',
    description: 'Organizers: open, close, freeze or announce a challenge',
    subcommands: [
      ...Object.entries(ACTIONS).map(([name, description]): SubcommandDefinition => ({ name, description, options: [challengeOption(ctx), reasonOption] })),
      { name: 'announce', description: 'post an announcement about a challenge in this channel', options: [challengeOption(ctx), { type: 'string', name: 'message', description: 'the announcement', required: true, maxLength: 1800 }] },
    ],
  }),
  organizerOnly: true,
  async execute(ctx) {
    const sub = ctx.options.subcommand();
    const challengeId = need(ctx.options, 'challenge');
    const me = await ctx.person();
    if (sub === 'announce') {
      const c = await getChallenge(ctx.services.db, challengeId, ctx.services.config.CHALLENGES_DIR);
      await ctx.reply.announce(`📣 **${c.def.title}**\n${need(ctx.options, 'message')}`);
      await ctx.reply.edit(`Announced in this channel.`);
      return;
    }
    if (!sub || !(sub in ACTIONS)) throw new UserFacingError(`unknown action ${sub ?? ''}`);
    const after = await changeChallenge(ctx.services, { actorId: me.id, reason: need(ctx.options, 'reason') }, challengeId, sub as ChallengeAction);
    await ctx.reply.edit(`✅ **${challengeId}**: ${sub} done. Now ${after.phase}${after.frozen ? ', board frozen' : ''} (state ${after.state}).`);
  },
} satisfies Command;
