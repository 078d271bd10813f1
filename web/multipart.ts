/**
 * Uploads without buffering: a raw body (with ?challenge=&fileName=&note=) or multipart/form-data
 * whose fields come before the file field `model`; the file is handed on as it streams (the blob
 * store enforces the size cap). Used by the API and the web upload form.
 */
import { PassThrough, type Readable } from 'node:stream';
import busboy from 'busboy';
import type { Request } from 'express';
import { IntakeError } from '../arena/errors.js';

/** An upload: the fields sent before the file, and the file as a stream. */
export interface Upload {
  challenge: string | undefined;
  fileName: string;
  note: string | undefined;
  body: Readable;
  /** Every field that came before the file (multipart), e.g. a form's `_csrf`. */
  fields: Record<string, string>;
}

/** The upload stream and its fields, without buffering the file. */
export function readUpload(req: Request, maxBytes: number): Promise<Upload> {
  // A parameter given twice arrives as an array: only single values count.
  const q = Object.fromEntries(Object.entries(req.query).filter(([, v]) => typeof v === 'string')) as Record<string, string | undefined>;
  if (!req.is('multipart/form-data')) {
    return Promise.resolve({ challenge: q.challenge, fileName: q.fileName ?? 'model.tflite', note: q.note, body: req, fields: {} });
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
      resolve({ challenge: fields.challenge ?? q.challenge, fileName: info.filename || 'model.tflite', note: fields.note ?? q.note, body, fields });
    });
    bb.on('error', (err) => reject(new IntakeError('bad-request', `malformed multipart upload: ${(err as Error).message}`)));
    bb.on('close', () => reject(new IntakeError('bad-request', 'no file field named "model" in the upload')));
    req.pipe(bb);
  });
}

