/**
 * POST /challenges/:id/submissions — the web upload form of a challenge page (signed-in learners).
 * The multipart upload is streamed; the form's CSRF token, sent before the file, is checked before
 * the file is read. The file then goes through intake exactly as from the API, the CLI or Discord
 * (preflight at once, quota, queue), and the browser lands on the submission's report, which shows
 * the preflight verdict and follows the grading live (the same progress events).
 */
import { Router, type Request, type Response } from 'express';
import { rateLimit } from 'express-rate-limit';
import { domainRefusal } from '../../arena/errors.js';
import { submit, type SubmitResult } from '../../arena/intake.js';
import { userOf } from '../auth.js';
import type { WebContext } from '../context.js';
import { readUpload } from '../multipart.js';
import { CSRF_FAILED, csrfMatches } from '../session.js';
import { setFlash } from '../views/chrome.js';
import { escapeHtml, page } from '../views/layout.js';

/** What the learner reads on the report they land on. */
function flashFor(r: SubmitResult): string {
  if (r.status === 'duplicate') return 'You submitted these exact bytes before: this is that submission (nothing was charged).';
  if (r.status === 'rejected') return 'Rejected by the checks, at no quota cost: what to fix is listed below.';
  const left = r.quota.remaining;
  return `Accepted and queued (${left} submission${left === 1 ? '' : 's'} left${r.quota.remainingTotal === null ? ' today' : ''}). This page follows it live.`;
}

export function uploadRoutes(ctx: WebContext): Router {
  const router = Router();
  const { services } = ctx;
  // Quotas bound what is graded; this bounds what one address can throw at the form.
  const uploads = rateLimit({ windowMs: 60_000, limit: 30, standardHeaders: 'draft-8', legacyHeaders: false });

  router.post('/challenges/:id/submissions', uploads, async (req: Request, res: Response) => {
    const id = String(req.params.id);
    const back = `/challenges/${encodeURIComponent(id)}`;
    const refuse = (status: number, message: string) => {
      req.resume();
      if (status === 413) res.set('Connection', 'close');
      res.status(status).type('html').send(page('Not submitted — TinyArena', `<h1>Not submitted</h1><p role="alert">${escapeHtml(message)}</p><p><a href="${back}">Back to the challenge</a></p>`));
    };
    const user = userOf(res);
    if (!user) {
      req.resume();
      return res.redirect(303, `/login?next=${encodeURIComponent(back)}`);
    }
    const max = services.config.MAX_UPLOAD_BYTES;
    if (Number(req.get('content-length') ?? NaN) > max + 64 * 1024) return refuse(413, `The upload is larger than ${max} bytes.`);
    let result: SubmitResult;
    try {
      const upload = await readUpload(req, max);
      if (!csrfMatches(req, upload.fields._csrf ?? '')) {
        upload.body.resume();
        req.resume();
        return res.status(403).type('text').send(CSRF_FAILED);
      }
      result = await submit(services, { challengeId: id, personId: user.id, fileName: upload.fileName, note: upload.note?.trim() || undefined, source: 'web', body: upload.body });
    } catch (err) {
      const r = domainRefusal(err);
      if (r) return refuse(r.status, r.message);
      throw err;
    }
    setFlash(req, flashFor(result));
    res.redirect(303, `/submissions/${encodeURIComponent(result.id)}`);
  });
  return router;
}
