/**
 * /team create|join|show|leave: learners form teams for challenges with `team.maxSize` > 1. The
 * creator gets a join code to share; a team is one participant (one quota, one leaderboard row), and
 * joining brings one's earlier submissions of the challenge into the team.
 */
import { createTeam, joinTeam, leaveTeam, teamOf, type TeamView } from '../../arena/teams.js';
import { challengeOption, clip, need } from './shared.js';
import { UserFacingError, type Command } from './types.js';

function describe(t: TeamView, publicUrl: string): string {
  const members = t.members.map((m) => `• ${m.displayName} (${m.handle})${m.isCaptain ? ' — captain' : ''}`).join('\n');
  const code = t.joinCode && t.members.length < t.maxSize ? `\nJoin code: \`${t.joinCode}\` — share it with teammates: \`/team join code:${t.joinCode}\`` : '';
  return `**${t.name}** in \`${t.challengeId}\` (${t.members.length} of ${t.maxSize}):\n${members}${code}\nPage: <${publicUrl}/teams/${t.id}>`;
}

export default {
  definition: (ctx) => ({
    name: 'team',
    description: 'Create, join, show or leave your team for a challenge',
    subcommands: [
      { name: 'create', description: 'create a team and get its join code', options: [challengeOption(ctx), { type: 'string', name: 'name', description: 'team name (1–40 characters)', required: true, maxLength: 40 }] },
      { name: 'join', description: 'join a team with the code a member shared', options: [{ type: 'string', name: 'code', description: 'the join code', required: true, maxLength: 20 }] },
      { name: 'show', description: 'your team and its join code', options: [challengeOption(ctx)] },
      { name: 'leave', description: 'leave your team (only before you submitted with it)', options: [challengeOption(ctx)] },
    ],
  }),
  cooldownMs: 3_000,
  async execute(ctx) {
    const sub = ctx.options.subcommand();
    const me = await ctx.person();
    const url = ctx.services.config.PUBLIC_URL;
    switch (sub) {
      case 'create': {
        const t = await createTeam(ctx.services, need(ctx.options, 'challenge'), me.id, need(ctx.options, 'name'));
        await ctx.reply.edit(clip(`👥 Team created. ${describe(t, url)}`));
        return;
      }
      case 'join': {
        const t = await joinTeam(ctx.services, me.id, need(ctx.options, 'code'));
        await ctx.reply.edit(clip(`👥 You joined the team; your submissions to this challenge now count for it. ${describe(t, url)}`));
        return;
      }
      case 'show': {
        const challengeId = need(ctx.options, 'challenge');
        const t = await teamOf(ctx.services, challengeId, me.id);
        await ctx.reply.edit(clip(t ? describe(t, url) : `You are not in a team of \`${challengeId}\`: \`/team create\`, or \`/team join\` with a code from a teammate.`));
        return;
      }
      case 'leave': {
        const r = await leaveTeam(ctx.services, need(ctx.options, 'challenge'), me.id);
        await ctx.reply.edit(`👋 You left **${r.team}**${r.disbanded ? ' (you were the last member: the team is gone)' : ''}.`);
        return;
      }
      default:
        throw new UserFacingError(`unknown action ${sub ?? ''}`);
    }
  },
} satisfies Command;
