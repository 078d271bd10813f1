/** /rejudge challenge [submission] reason (organizers): judge again under the current evaluator. */
import { describeRejudge, rejudge } from '../../arena/admin.js';
import { challengeOption, need, reasonOption } from './shared.js';
import type { Command } from './types.js';

export default {
  definition: (ctx) => ({
    name: 'rejudge',
    description: 'Organizers: judge a challenge (or one submission) again',
    options: [challengeOption(ctx), reasonOption, { type: 'string', name: 'submission', description: 'only this submission id', maxLength: 40 }],
  }),
  organizerOnly: true,
  async execute(ctx) {
    const me = await ctx.person();
    const one = ctx.options.string('submission')?.trim();
    const res = await rejudge(ctx.services, { actorId: me.id, reason: need(ctx.options, 'reason') }, { challengeId: need(ctx.options, 'challenge'), ...(one ? { submissionIds: [one] } : {}) });
    await ctx.reply.edit(`🔁 ${describeRejudge(res, (v) => `\`${v}\``)} Fresh submissions keep priority.`);
  },
} satisfies Command;
