/**
 * POST /api/submissions — upload a model (raw body with ?challenge=&fileName=, or multipart/form-data
 *   with fields `challenge`, `note` before the file field `model`); streamed into the blob store.
 * GET  /api/submissions/:id — its status (its submitter, their team, organizers: arena/report-access.ts).
 * POST /api/submissions/:id/final — choose or unchoose it as a final pick ({ "final": true|false }).
 */
import { rateLimit } from 'express-rate-limit';
import express, { Router, type Request, type Response } from 'express';
import { selectFinal } from '../../arena/admin.js';
import { submit, type SubmitResult } from '../../arena/intake.js';
import { reportFor } from '../../arena/report-access.js';
import { requireUser, userOf } from '../auth.js';
import type { WebContext } from '../context.js';
import { IntakeError } from '../../arena/errors.js';
import { refuseJson } from '../refusals.js';
import { readUpload } from '../multipart.js';

export function submissionApiRoutes(ctx: WebContext): Router {
  const router = Router();
  const { services } = ctx;

  // Quotas bound what is graded; this bounds what one address can throw at the upload endpoint.
  const uploads = rateLimit({ windowMs: 60_000, limit: 30, standardHeaders: 'draft-8', legacyHeaders: false, message: { error: 'too many uploads from this address; wait a minute' }, validate: { xForwardedForHeader: false } });

  router.post('/api/submissions', uploads, requireUser, async (req: Request, res: Response) => {
    const user = userOf(res)!;
    const max = services.config.MAX_UPLOAD_BYTES;
    const declared = Number(req.get('content-length') ?? NaN);
    if (declared > max + 64 * 1024) {
      res.set('Connection', 'close').status(413).json({ error: `the upload is larger than ${max} bytes` });
      req.resume();
      return;
    }
    let result: SubmitResult;
    try {
      const upload = await readUpload(req, max);
      if (!upload.challenge) throw new IntakeError('bad-request', 'say which challenge: ?challenge=<id> or a "challenge" field before the file');
      result = await submit(services, { challengeId: upload.challenge, personId: user.id, fileName: upload.fileName, note: upload.note, source: 'api', body: upload.body });
    } catch (err) {
      req.resume();
      // The rest of an oversized body is not read: tell the client not to reuse this connection.
      if (err instanceof IntakeError && err.code === 'too-large') res.set('Connection', 'close');
      if (!refuseJson(res, err)) throw err;
      return;
    }
    const code = result.status === 'accepted' ? 202 : result.status === 'rejected' ? 422 : 200;
    res.status(code).location(`/api/submissions/${result.id}`).json(result);
  });

  router.get('/api/submissions/:id', requireUser, async (req: Request, res: Response) => {
    const report = await reportFor(services, String(req.params.id), userOf(res));
    // Someone else's submission looks the same as a missing one (its board row is on the board).
    if (!report || !('status' in report)) return res.status(404).json({ error: 'no such submission' });
    res.set('Cache-Control', 'no-store').json(report.status);
  });

  router.post('/api/submissions/:id/final', requireUser, express.json({ limit: '1kb' }), async (req: Request, res: Response) => {
    const final = (req.body as { final?: unknown } | undefined)?.final;
    if (typeof final !== 'boolean') return res.status(400).json({ error: 'send { "final": true } or { "final": false }' });
    try {
      await selectFinal(services, userOf(res)!.id, String(req.params.id), final);
    } catch (err) {
      if (refuseJson(res, err)) return;
      throw err;
    }
    res.json({ id: req.params.id, final });
  });

  return router;
}
