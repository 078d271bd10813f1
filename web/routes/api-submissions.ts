/**
 * POST /api/submissions — upload a model (raw body with ?challenge=&fileName=, or multipart/form-data
 *   with fields `challenge`, `note` before the file field `model`); streamed into the blob store.
 * GET  /api/submissions/:id — its status (its submitter, their team, organizers: arena/report-access.ts).
 * POST /api/submissions/:id/final — choose or unchoose it as a final pick ({ "final": true|false }).
 */
import { PassThrough, type Readable } from 'node:stream';
import busboy from 'busboy';
import { rateLimit } from 'express-rate-limit';
import express, { Router, type Request, type Response } from 'express';
import { AdminError, selectFinal } from '../../arena/admin.js';
import { UnknownChallengeError } from '../../arena/catalog.js';
import { IntakeError, submit, type SubmitResult } from '../../arena/intake.js';
import { reportFor } from '../../arena/report-access.js';
import { requireUser, userOf } from '../auth.js';
import type { WebContext } from '../context.js';

const INTAKE_STATUS: Record<IntakeError['code'], number> = { closed: 403, quota: 429, 'too-large': 413, unsupported: 415, 'bad-request': 400 };

interface Upload {
  challenge: string | undefined;
  fileName: string;
  note: string | undefined;
  body: Readable;
}

/** The upload stream and its fields, without buffering the file. */
function readUpload(req: Request, maxBytes: number): Promise<Upload> {
  // A parameter given twice arrives as an array: only single values count.
  const q = Object.fromEntries(Object.entries(req.query).filter(([, v]) => typeof v === 'string')) as Record<string, string | undefined>;
  if (!req.is('multipart/form-data')) {
    return Promise.resolve({ challenge: q.challenge, fileName: q.fileName ?? 'model.tflite', note: q.note, body: req });
  }
  return new Promise((resolve, reject) => {
    const fields: Record<string, string> = {};
    let bb: busboy.Busboy;
    try {
      bb = busboy({ headers: req.headers, limits: { files: 1, fields: 10, fieldSize: 4096, fileSize: maxBytes + 1 } });
    } catch (err) {
      return reject(new IntakeError('bad-request', `malformed multipart upload: ${(err as Error).message}`));
    }
    bb.on('field', (name, value) => (fields[name] = value));
    bb.on('file', (name, stream, info) => {
      if (name !== 'model') {
        stream.resume();
        return;
      }
      // Hand the file on as it streams; the blob store enforces the size cap.
      const body = new PassThrough();
      stream.pipe(body);
      stream.on('limit', () => body.destroy(new IntakeError('too-large', `the upload is larger than ${maxBytes} bytes`)));
      resolve({ challenge: fields.challenge ?? q.challenge, fileName: info.filename || 'model.tflite', note: fields.note ?? q.note, body });
    });
    bb.on('error', (err) => reject(new IntakeError('bad-request', `malformed multipart upload: ${(err as Error).message}`)));
    bb.on('close', () => reject(new IntakeError('bad-request', 'no file field named "model" in the upload')));
    req.pipe(bb);
  });
}

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
      if (err instanceof IntakeError) return res.status(INTAKE_STATUS[err.code]).json({ error: err.message, code: err.code, ...err.details });
      if (err instanceof UnknownChallengeError) return res.status(404).json({ error: err.message });
      throw err;
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
      if (err instanceof AdminError) return res.status(409).json({ error: err.message });
      throw err;
    }
    res.json({ id: req.params.id, final });
  });

  return router;
}
