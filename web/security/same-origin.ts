/**
 * No cross-site writes with a browser's cookie (CSRF). A browser sends the session cookie with any
 * request to this site, even one a foreign page makes — a form post, or a "simple" fetch with a
 * text/plain or multipart body — so a state change riding on the cookie must prove it comes from
 * this site:
 *
 * - a request that says it is cross-site (`Sec-Fetch-Site: cross-site|same-site`, or an `Origin`
 *   that is neither PUBLIC_URL's nor this host's, `null` included) is refused outright, signed in
 *   or not (that also stops login CSRF);
 * - a cookie-authenticated write must then be provably same-origin (`Sec-Fetch-Site: same-origin`
 *   or a matching `Origin`), or carry the session's CSRF token in `X-CSRF-Token`; a page's form post
 *   (urlencoded, or multipart outside /api/) may instead carry it as the `_csrf` field, which the
 *   form routes check (test/integration/route-authz walks every form route to prove each does).
 *
 * Clients that authenticate with `Authorization: Bearer` send no ambient credentials and are not
 * affected; nor are anonymous server-to-server calls (webhooks) that send no Origin.
 */
import type { NextFunction, Request, Response } from 'express';
import { userOf } from '../auth.js';
import { csrfHeaderMatches } from '../session.js';

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

/** @param publicUrl PUBLIC_URL: the origin people reach the site at (behind a proxy, not this host). */
export function sameOriginWrites(publicUrl: string) {
  const publicOrigin = new URL(publicUrl).origin;
  return (req: Request, res: Response, next: NextFunction): void => {
    if (SAFE.has(req.method) || req.get('authorization')) return next();
    const site = req.get('sec-fetch-site');
    const origin = req.get('origin');
    const ours = (o: string) => o === publicOrigin || o === `${req.protocol}://${req.get('host') ?? ''}`;
    const crossSite = (site !== undefined && site !== 'same-origin' && site !== 'none') || (origin !== undefined && !ours(origin));
    if (crossSite) return refuse(req, res, 'This request came from another site, so it was refused (cross-site request forgery protection).');
    if (!userOf(res)) return next();
    if (site === 'same-origin' || (origin !== undefined && ours(origin))) return next();
    if (csrfHeaderMatches(req)) return next();
    if (req.is('application/x-www-form-urlencoded')) return next();
    // The site's multipart page forms (the upload form) send `_csrf` as their first field and check
    // it before reading the file; the JSON API under /api/ has no such field.
    if (req.is('multipart/form-data') && !req.path.startsWith('/api/')) return next();
    refuse(req, res, 'A signed-in browser request that changes something must come from this site: send the X-CSRF-Token header (or use an API token).');
  };
}

function refuse(req: Request, res: Response, message: string): void {
  // The body is not read: tell the client not to reuse the connection.
  if (req.path.startsWith('/api/') || req.path.startsWith('/webhooks/')) res.status(403).set('Connection', 'close').json({ error: message });
  else res.status(403).set('Connection', 'close').type('text').send(message);
}
