/**
 * API authentication: `Authorization: Bearer ta_…` tokens issued per person (`tinyarena token create`).
 * Sessions for browsers come with the web issue; the API is token-only.
 */
import type { NextFunction, Request, Response } from 'express';
import { authenticate, AuthError, isOrganizer } from '../grader/pipeline/people.js';
import type { WebContext } from './context.js';

export interface ApiUser {
  id: string;
  handle: string;
  organizer: boolean;
}

/** Attach the caller (if a valid token was sent) as res.locals.user; reject a bad token. */
export function identify(ctx: WebContext) {
  return async (req: Request, res: Response, next: NextFunction) => {
    const header = req.get('authorization');
    if (!header) return next();
    const m = /^Bearer\s+(\S+)$/i.exec(header);
    if (!m) return res.status(401).json({ error: 'the Authorization header must be "Bearer <token>"' });
    try {
      const person = await authenticate(ctx.services.db, m[1]!);
      res.locals.user = { id: person.id, handle: person.handle, organizer: await isOrganizer(ctx.services.db, person.id) } satisfies ApiUser;
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
