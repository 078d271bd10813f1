/**
 * /submit challenge model [note] [announce]: upload a model, get the preflight verdict within seconds,
 * then watch it move through the pipeline in the same reply. A rejection says how to fix the file and
 * costs no quota. On completion the learner gets a DM (or a mention if DMs are closed); `announce`
 * also posts the result in the channel.
 */
import { formatBytes } from '../../lib/format.js';
import { sniffFileKind, SNIFF_BYTES, uploadLabel } from '../../core/file-kind.js';
import { submit } from '../../arena/intake.js';
import { getChallenge, phaseOf } from '../../arena/catalog.js';
import { claimCompletionNotice, followSubmission } from './follow.js';
import { challengeOption, clip, completionNote, need } from './shared.js';
import { UserFacingError, type Command } from './types.js';

export default {
  definition: (ctx) => ({
    name: 'submit',
    description: 'Submit an int8 .tflite model (or firmware, where a challenge takes it) and watch it graded',
    options: [
      challengeOption(ctx),
      { type: 'attachment', name: 'model', description: 'the .tflite file, or a firmware .bin/.hex/.elf where the challenge takes firmware', required: true },
      { type: 'string', name: 'note', description: 'a note for yourself (shown in the report)', maxLength: 500 },
      { type: 'boolean', name: 'announce', description: 'post the result in this channel when it is scored' },
    ],
  }),
  cooldownMs: 15_000,
  async execute(ctx) {
    const challengeId = need(ctx.options, 'challenge');
    const file = ctx.options.attachment('model');
    if (!file) throw new UserFacingError('attach the model file in the `model` option');
    if (file.size > ctx.attachmentLimitBytes) {
      throw new UserFacingError(`\`${file.fileName}\` is ${formatBytes(file.size)}; uploads here are limited to ${formatBytes(ctx.attachmentLimitBytes)}. An int8 model for a microcontroller is far smaller: check that it is quantized.`);
    }
    const bytes = await file.download();
    const kind = sniffFileKind(bytes.subarray(0, SNIFF_BYTES));
    const label = uploadLabel(kind, file.fileName);
    await ctx.reply.edit(`📥 received \`${file.fileName}\` (${formatBytes(bytes.length)}, ${label}): checking it…`);
    const me = await ctx.person();
    const res = await submit(ctx.services, { challengeId, personId: me.id, fileName: file.fileName, note: ctx.options.string('note') ?? undefined, source: 'discord', body: bytes });
    if (res.status === 'rejected') {
      await ctx.reply.edit(clip(`❌ \`${file.fileName}\` was rejected by the preflight check (no quota used):\n${res.reason ?? 'it did not pass'}\nFix it and submit again; the report: <${ctx.services.config.PUBLIC_URL}/submissions/${res.id}>`));
      return;
    }
    const quota = `${res.quota.remaining} submission${res.quota.remaining === 1 ? '' : 's'} left today`;
    const header = res.status === 'duplicate' ? `♻️ you submitted these exact bytes before (nothing charged):` : `✅ accepted (${quota}).`;
    const { status: final, replyCurrent } = await followSubmission(ctx, res.id, { header });
    if (!final || res.status === 'duplicate') return;
    const note = completionNote(final);
    // Exactly one notice per run, whoever sends it (this follower, or the bot catching up after a restart).
    if (!(await claimCompletionNotice(ctx.services, final.id))) return;
    if (!(await ctx.reply.dm(note))) {
      // DMs closed: a private follow-up while the reply lives, else a bare public mention (no result in it).
      if (replyCurrent) await ctx.reply.followUp(`<@${ctx.user.id}> ${note}`);
      else await ctx.reply.announce(`<@${ctx.user.id}> your submission \`${final.id}\` has finished: \`/status submission:${final.id}\` shows the result.`);
    }
    if (ctx.options.boolean('announce') && final.state === 'done' && final.eligible) {
      // A frozen public board hides new results from everyone but the team and organizers: the channel
      // hears that the learner finished, the score waits for the reveal (the DM above carries it).
      const frozen = phaseOf(await getChallenge(ctx.services.db, challengeId, ctx.services.config.CHALLENGES_DIR)).frozen;
      await ctx.reply.announce(
        frozen
          ? `🏁 <@${ctx.user.id}> finished a submission on **${final.challenge}**; the board is frozen, so results are revealed when the challenge closes.`
          : `🏁 <@${ctx.user.id}> scored **${final.score?.toFixed(2) ?? '?'}** on **${final.challenge}**${final.rank ? ` and is now #${final.rank}${final.track ? ` on the ${final.track} track` : ''}` : ''}.`,
      );
    }
  },
} satisfies Command;
