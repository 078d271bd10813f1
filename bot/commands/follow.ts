/**
 * Keep a reply in step with a submission: every progress event for it triggers a fresh read of its
 * status from the database (the source of truth, so a missed or reordered event costs nothing) and an
 * edit. Reads never overlap; a burst of events while one read is running yields one more read.
 */
import { submissionStatus, type StatusView } from '../../grader/pipeline/status.js';
import { clip, renderProgress, settled } from './shared.js';
import type { CommandContext } from './types.js';

/** Interaction tokens live 15 minutes; stop editing a little before. */
export const FOLLOW_LIMIT_MS = 14 * 60_000;

/** Edit the reply until the submission settles; resolves with its last status (null if it vanished or time ran out). */
export async function followSubmission(ctx: CommandContext, id: string, opts: { header?: string; limitMs?: number } = {}): Promise<StatusView | null> {
  const { db, config } = ctx.services;
  const read = () => submissionStatus(db, id, { publicUrl: config.PUBLIC_URL, workers: config.WORKER_CONCURRENCY });
  return new Promise<StatusView | null>((resolve, reject) => {
    let finished = false;
    let running = false;
    let again = false;
    let last: StatusView | null = null;
    const finish = (v: StatusView | null, err?: unknown) => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      stop();
      if (err) reject(err instanceof Error ? err : new Error('could not follow the submission'));
      else resolve(v);
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
          await ctx.reply.edit(clip(opts.header ? `${opts.header}\n${renderProgress(s)}` : renderProgress(s)));
          if (settled(s)) return finish(s);
        } while (again && !finished);
      } catch (err) {
        finish(null, err);
      } finally {
        running = false;
      }
    };
    const stop = ctx.watch(id, () => void tick());
    const timer = setTimeout(() => {
      void ctx.reply
        .edit(clip(`${last ? renderProgress(last) : `submission \`${id}\``}\n⌛ still in the pipeline; this reply stops updating here. Ask \`/status submission:${id}\` later.`))
        .catch(() => undefined)
        .finally(() => finish(null));
    }, opts.limitMs ?? FOLLOW_LIMIT_MS);
    timer.unref();
    void tick();
  });
}
