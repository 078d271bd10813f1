/**
 * The last word on a failed request. Client mistakes — a malformed JSON body, a body over a route's
 * limit, an unsupported charset, an undecodable path — carry a 4xx status from the body parsers and
 * the router (http-errors): they are answered with that status and a short message (JSON for the API
 * and webhooks, a small page otherwise) and logged at debug level, since nothing is wrong with the
 * service. A dependency that is briefly away (Redis restarting) is a 503 with `Retry-After` and a
 * "retry" message, logged at debug level (the outage itself is logged once, core/redis-outage.ts).
 * Anything else is a bug: 500 with no details, logged as an error with the request path.
 */
import type { ErrorRequestHandler, Request, RequestHandler, Response } from 'express';
import type { Logger } from '../../core/logger.js';
import { escapeHtml, page } from '../views/layout.js';
import { ServiceUnavailableError } from './unavailable.js';

/** Seconds a client is asked to wait before retrying a 503. */
const RETRY_AFTER_S = 5;

/** What a client is told while a dependency is away. */
export const BRIEFLY_UNAVAILABLE = `The service is briefly unavailable; please retry in a few seconds.`;

interface HttpishError extends Error {
  status?: unknown;
  statusCode?: unknown;
  type?: unknown;
  expose?: unknown;
  limit?: unknown;
}

/** Messages for the errors body-parser and the router raise, in words for the caller. */
function clientMessage(err: HttpishError, status: number): string {
  switch (err.type) {
    case 'entity.parse.failed':
      return 'the request body is not valid JSON';
    case 'entity.too.large':
      return `the request body is too large${typeof err.limit === 'number' ? ` (at most ${err.limit} bytes here)` : ''}`;
    case 'entity.verify.failed':
      return 'the request body was refused';
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return 'the request body uses an encoding or charset this server does not read';
    case 'request.aborted':
      return 'the request was aborted before its body arrived';
    case 'request.size.invalid':
      return 'the request body did not match its Content-Length';
    case 'parameters.too.many':
      return 'the form has too many fields';
  }
  if (err instanceof URIError) return 'the address is not valid percent-encoding';
  return err.expose === true && err.message ? err.message : status === 404 ? 'not found' : 'bad request';
}

const wantsJson = (req: Request) => req.path.startsWith('/api/') || req.path.startsWith('/webhooks/') || req.path === '/healthz' || !req.accepts('html');

function send(req: Request, res: Response, status: number, message: string): void {
  if (wantsJson(req)) {
    res.status(status).json({ error: message });
    return;
  }
  const title = status === 503 ? 'Briefly unavailable' : status >= 500 ? 'Something went wrong' : 'Request not understood';
  res.status(status).type('html').send(page(title, `<h1>${escapeHtml(title)}</h1><p role="alert">${escapeHtml(message)}</p><p><a href="/">Home</a></p>`));
}

export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err: HttpishError, req, res, _next) => {
    const raw = Number(err?.status ?? err?.statusCode);
    const status = Number.isInteger(raw) && raw >= 400 && raw < 600 ? raw : err instanceof URIError ? 400 : 500;
    if (status < 500) {
      logger.debug({ path: req.path, status, err: err?.message }, 'client error');
      // An unread body (too large): do not keep the connection for the rest of it.
      if (err?.type === 'entity.too.large') res.set('Connection', 'close');
      if (!res.headersSent) send(req, res, status, clientMessage(err, status));
      else res.end();
      return;
    }
    if (err instanceof ServiceUnavailableError) {
      // Expected during an outage, and already logged once by the outage log: no line per request.
      logger.debug({ path: req.path, err: err.message }, 'service briefly unavailable');
      if (res.headersSent) {
        res.destroy();
        return;
      }
      res.set('Retry-After', String(RETRY_AFTER_S)).set('Cache-Control', 'no-store');
      send(req, res, 503, BRIEFLY_UNAVAILABLE);
      return;
    }
    logger.error({ err, path: req.path }, 'request failed');
    if (!res.headersSent) send(req, res, 500, 'internal error');
    else res.destroy();
  };
}

/**
 * A request whose body no parser read (another content type than the route parses) has `req.body`
 * undefined in Express 5; routes read fields from it. An empty object makes that "no fields" (a 4xx
 * from the route) instead of a TypeError (a 500). Parsers still replace it when they read a body.
 */
export const emptyBodyByDefault: RequestHandler = (req, _res, next) => {
  (req as { body?: unknown }).body ??= {};
  next();
};
