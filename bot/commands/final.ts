/**
 * /final submission [remove]: choose (or drop) one of your scored submissions for the private ranking,
 * where a challenge ranks final picks (`leaderboard.maxFinalSubmissions`) rather than the best run.
 * The reply lists the picks now in force, so a learner always sees what will be judged.
 */
import { selectFinal } from '../../arena/admin.js';
import { getChallenge } from '../../arena/catalog.js';
import { clip } from './shared.js';
import { UserFacingError, type Command } from './types.js';

export default {
  definition: {
    name: 'final',
    description: 'Choose one of your scored submissions for the private ranking (or drop it)',
    options: [
      { type: 'string', name: 'submission', description: 'submission id (see /status)', required: true, maxLength: 40 },
      { type: 'boolean', name: 'remove', description: 'drop it from your final picks instead' },
    ],
  },
  cooldownMs: 3_000,
  async execute(ctx) {
    const { db, config } = ctx.services;
    const me = await ctx.person();
    const id = ctx.options.string('submission')?.trim() ?? '';
    if (!id) throw new UserFacingError('say which submission: `/final submission:<id>`');
    const remove = ctx.options.boolean('remove') === true;
    // AdminError (not yours, not scored, too many picks, challenge closed) reaches the user as it is.
    await selectFinal(ctx.services, me.id, id, !remove);
    const sub = await db.submission.findUniqueOrThrow({ where: { id }, select: { challengeId: true, teamId: true } });
    const challenge = await getChallenge(db, sub.challengeId, config.CHALLENGES_DIR);
    const who = sub.teamId ? { teamId: sub.teamId } : { personId: me.id, teamId: null };
    const picks = await db.submission.findMany({ where: { challengeId: sub.challengeId, isFinal: true, ...who }, orderBy: { createdAt: 'asc' }, select: { id: true, fileName: true, publicScore: true } });
    const max = challenge.def.leaderboard.maxFinalSubmissions ?? 0;
    const list = picks.map((p) => `• \`${p.id}\` ${p.fileName}${p.publicScore !== null ? ` (public score ${p.publicScore.toFixed(2)})` : ''}`).join('\n');
    const head = remove ? `🗑️ \`${id}\` is no longer a final pick for **${challenge.def.title}**.` : `📌 \`${id}\` is now a final pick for **${challenge.def.title}**.`;
    const whose = sub.teamId ? 'your team has' : 'you have';
    const none = `No final picks: the best ${max} of your public-split scores will be judged on the private split for you.`;
    await ctx.reply.edit(clip(`${head}\n${picks.length ? `Final picks (${picks.length} of ${max}; ${whose} these judged on the private split):\n${list}` : none}`));
  },
} satisfies Command;
