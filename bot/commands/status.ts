/**
 * /status [submission]: one submission's progress and result (the learner's latest when no id is
 * given). Learners see only their own submissions; organizers see any.
 */
import { submissionStatus } from '../../arena/status.js';
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
    const { db, config } = ctx.services;
    const me = await ctx.person();
    const asked = ctx.options.string('submission')?.trim();
    const row = asked
      ? await db.submission.findUnique({ where: { id: asked }, select: { id: true, personId: true } })
      : await db.submission.findFirst({ where: { personId: me.id }, orderBy: { createdAt: 'desc' }, select: { id: true, personId: true } });
    // Someone else's id answers like an unknown one: ids are not for browsing other people's work.
    if (!row || (row.personId !== me.id && !ctx.organizer)) throw new UserFacingError(asked ? `no submission \`${asked}\` of yours` : 'you have not submitted anything yet: use /submit');
    const s = await submissionStatus(db, row.id, { publicUrl: config.PUBLIC_URL, workers: config.WORKER_CONCURRENCY, showPrivate: ctx.organizer });
    if (!s) throw new UserFacingError(`no submission \`${row.id}\``);
    await ctx.reply.edit(clip(renderProgress(s)));
  },
} satisfies Command;
