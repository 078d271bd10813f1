/**
 * Keep a reply in step with a submission: every progress event for it triggers a fresh read of its
 * status from the database (the source of truth, so a missed or reordered event costs nothing) and an
 * edit. Reads never overlap; a burst of events while one read is running yields one more read.
 */
import { submissionStatus, type StatusView } from '../../arena/status.js';
import { clip, renderProgress, settled } from './shared.js';
import type { Services } from '../../core/services.js';
import type { CommandContext } from './types.js';

/** After the reply can no longer be edited, how long to keep waiting for the result (to notify the learner). */
export const NOTIFY_LIMIT_MS = 24 * 3600_000;

export interface FollowResult {
  /** The settled status, or null if the submission vanished or did not settle in time. */
  status: StatusView | null;
  /** False when the reply stopped updating before the end (the learner needs another way to hear). */
  replyCurrent: boolean;
}

/**
 * Edit the reply until the submission settles. When the reply stops being editable first (a long
 * queue), say so in it, then keep waiting without edits so the caller can still notify the learner.
 */
export async function followSubmission(ctx: CommandContext, id: string, opts: { header?: string } = {}): Promise<FollowResult> {
  const { db, config } = ctx.services;
  const read = () => submissionStatus(db, id, { publicUrl: config.PUBLIC_URL, workers: config.WORKER_CONCURRENCY });
  return new Promise<FollowResult>((resolve, reject) => {
    let finished = false;
    let editing = true;
    let running = false;
    let again = false;
    let last: StatusView | null = null;
    const finish = (v: StatusView | null, err?: unknown) => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      clearTimeout(giveUp);
      stop();
      if (err) reject(err instanceof Error ? err : new Error('could not follow the submission'));
      else resolve({ status: v, replyCurrent: editing });
    };
    const tick = async () => {
      if (running) {
        again = true;
        return;
      }
      running = true;
      try {
        do {
          again = false;
          const s = await read();
          if (!s) return finish(null);
          last = s;
          if (editing) await ctx.reply.edit(clip(opts.header ? `${opts.header}\n${renderProgress(s)}` : renderProgress(s)));
          if (settled(s)) return finish(s);
        } while (again && !finished);
      } catch (err) {
        finish(null, err);
      } finally {
        running = false;
      }
    };
    const stop = ctx.watch(id, () => void tick());
    // Stop editing a little before the reply expires; keep listening for the outcome.
    const timer = setTimeout(() => {
      editing = false;
      void ctx.reply
        .edit(clip(`${last ? renderProgress(last) : `submission \`${id}\``}\n⌛ still in the pipeline; this reply stops updating here. You will get a message when it is done, or ask \`/status submission:${id}\`.`))
        .catch(() => undefined);
    }, Math.max(0, ctx.replyEditableMs - 30_000));
    timer.unref();
    const giveUp = setTimeout(() => finish(null), NOTIFY_LIMIT_MS);
    giveUp.unref();
    void tick();
  });
}

/** How long a "the learner was told" mark lasts (longer than any submission takes). */
const NOTICE_TTL_S = 7 * 24 * 3600;

/**
 * Claim the one completion notice of a submission's current run: true for exactly one caller across
 * processes and restarts (the follower that watched it, or the bot's catch-up after a restart).
 */
export async function claimCompletionNotice(services: Pick<Services, 'db' | 'redis' | 'config'>, submissionId: string): Promise<boolean> {
  const sub = await services.db.submission.findUnique({ where: { id: submissionId }, select: { runId: true } });
  if (!sub) return false;
  const key = `${services.config.QUEUE_PREFIX}:discord:notified:${submissionId}:${sub.runId ?? 'none'}`;
  return (await services.redis.set(key, '1', 'EX', NOTICE_TTL_S, 'NX')) === 'OK';
}

