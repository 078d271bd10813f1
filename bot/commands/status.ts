/**
 * /status [submission]: one submission's progress and result (the learner's latest when no id is
 * given). Learners see their own and their team's submissions; organizers see any
 * (arena/report-access.ts).
 */
import { reportFor } from '../../arena/report-access.js';
import { clip, renderProgress } from './shared.js';
import { UserFacingError, type Command } from './types.js';

export default {
  definition: {
    name: 'status',
    description: 'Where your submission is: queue, stages, score and rank',
    options: [{ type: 'string', name: 'submission', description: 'submission id (default: your latest)', maxLength: 40 }],
  },
  cooldownMs: 3_000,
  async execute(ctx) {
    const { db } = ctx.services;
    const me = await ctx.person();
    const asked = ctx.options.string('submission')?.trim();
    const id = asked ?? (await db.submission.findFirst({ where: { personId: me.id }, orderBy: { createdAt: 'desc' }, select: { id: true } }))?.id;
    if (!id) throw new UserFacingError('you have not submitted anything yet: use /submit');
    // Someone else's id answers like an unknown one: ids are not for browsing other people's work.
    const report = await reportFor(ctx.services, id, { id: me.id, organizer: ctx.organizer });
    if (!report || !('status' in report)) throw new UserFacingError(`no submission \`${id}\` of yours`);
    await ctx.reply.edit(clip(renderProgress(report.status)));
  },
} satisfies Command;
