/**
 * Who is calling: `Authorization: Bearer ta_…` tokens issued per person (`tinyarena token create`) for
 * the API and the remote CLI, or a browser session (signed in at /login).
 */
import type { NextFunction, Request, Response } from 'express';
import { authenticate, rolesOf, personById } from '../arena/people.js';
import type { WebContext } from './context.js';
import { AuthError } from '../arena/errors.js';

export interface ApiUser {
  id: string;
  handle: string;
  organizer: boolean;
  /** Reviews forum triage proposals (moderator or admin role). */
  moderator: boolean;
  /** Marks capstone project entries. */
  judge: boolean;
}

async function userFor(ctx: WebContext, person: { id: string; handle: string }): Promise<ApiUser> {
  const roles = await rolesOf(ctx.services.db, person.id);
  return { id: person.id, handle: person.handle, organizer: roles.has('organizer') || roles.has('admin'), moderator: roles.has('moderator') || roles.has('admin'), judge: roles.has('judge') };
}

/** Attach the caller (if a valid token was sent) as res.locals.user; reject a bad token. */
export function identify(ctx: WebContext) {
  return async (req: Request, res: Response, next: NextFunction) => {
    const header = req.get('authorization');
    if (!header) {
      // A browser signed in with a session.
      const personId = req.session?.personId;
      if (!personId) return next();
      const person = await personById(ctx.services.db, personId);
      if (person) res.locals.user = await userFor(ctx, person);
      return next();
    }
    const m = /^Bearer\s+(\S+)$/i.exec(header);
    if (!m) return res.status(401).json({ error: 'the Authorization header must be "Bearer <token>"' });
    try {
      const person = await authenticate(ctx.services.db, m[1]!);
      res.locals.user = await userFor(ctx, person);
      next();
    } catch (err) {
      if (err instanceof AuthError) return res.status(401).json({ error: err.message });
      next(err);
    }
  };
}

export function requireUser(_req: Request, res: Response, next: NextFunction) {
  if (!res.locals.user) return res.status(401).set('WWW-Authenticate', 'Bearer').json({ error: 'an API token is required (Authorization: Bearer <token>)' });
  next();
}

export const userOf = (res: Response) => res.locals.user as ApiUser | undefined;

/**
 * Pages only people with a role may see: anonymous visitors are sent to sign in, others get a 403
 * page naming who the page is for.
 */
function requirePage(role: 'organizer' | 'moderator' | 'judge', who: string) {
  return (req: Request, res: Response, next: NextFunction) => {
    const user = userOf(res);
    if (!user) return res.redirect(303, `/login?next=${encodeURIComponent(req.originalUrl)}`);
    if (!user[role]) return res.status(403).type('html').send(`<!doctype html><title>Forbidden</title><h1>Forbidden</h1><p>This page is for ${who}.</p>`);
    next();
  };
}

export const requireOrganizerPage = requirePage('organizer', 'organizers');
/** The triage review queue. */
export const requireModeratorPage = requirePage('moderator', 'forum moderators');
export const requireJudgePage = requirePage('judge', 'project judges');
