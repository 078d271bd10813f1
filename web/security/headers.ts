/**
 * Security headers on every response, from helmet (a maintained, widely used middleware: one place
 * for CSP, X-Frame-Options/frame-ancestors, nosniff, Referrer-Policy, HSTS behind https, and the
 * other defaults it keeps current) rather than hand-set headers.
 *
 * The Content-Security-Policy allows scripts and styles from this site and inline ones carrying this
 * response's nonce — nothing else: no foreign scripts, no framing, forms post only here. Pages are
 * server-rendered strings whose user content is escaped, so every `<script>`/`<style>` in an HTML
 * response is our own: {@link nonceInlineTags} stamps the nonce onto them as the response is sent
 * (pages need not know about it). Inline style attributes stay allowed (style-src-attr): the SVG
 * plots and a few forms use them, and they cannot run code.
 */
import { randomBytes } from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import helmet from 'helmet';

const nonceOf = (res: Response) => String(res.locals.cspNonce);

/** helmet with this site's CSP; `https`: PUBLIC_URL is https (then HSTS too). */
export function securityHeaders(https: boolean): RequestHandler[] {
  const setNonce = (_req: Request, res: Response, next: NextFunction) => {
    res.locals.cspNonce = randomBytes(16).toString('base64');
    next();
  };
  const nonceSource = (_req: unknown, res: unknown) => `'nonce-${nonceOf(res as Response)}'`;
  return [
    setNonce,
    helmet({
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'", nonceSource],
          styleSrc: ["'self'", nonceSource],
          styleSrcAttr: ["'unsafe-inline'"],
          imgSrc: ["'self'", 'data:'],
          connectSrc: ["'self'"],
          fontSrc: ["'self'"],
          objectSrc: ["'none'"],
          baseUri: ["'self'"],
          formAction: ["'self'"],
          frameAncestors: ["'none'"],
          ...(https ? { upgradeInsecureRequests: [] } : {}),
        },
      },
      // The pages load nothing cross-origin; COEP would only get in the way of links to reports.
      crossOriginEmbedderPolicy: false,
      strictTransportSecurity: https ? { maxAge: 180 * 24 * 3600 } : false,
      xFrameOptions: { action: 'deny' },
      referrerPolicy: { policy: 'same-origin' },
    }),
    nonceInlineTags,
  ];
}

/** Adds this response's nonce to the inline `<script>` and `<style>` tags of an HTML body. */
export function nonceInlineTags(_req: Request, res: Response, next: NextFunction): void {
  const send = res.send.bind(res);
  res.send = (body?: unknown) => {
    if (typeof body === 'string' && /^text\/html/.test(String(res.get('content-type') ?? '')) && res.locals.cspNonce) {
      body = body.replace(/<(script|style)(?![^>]*\bsrc=)(?![^>]*\bnonce=)([^>]*)>/g, `<$1 nonce="${nonceOf(res)}"$2>`);
    }
    return send(body);
  };
  next();
}
