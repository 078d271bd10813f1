/**
 * What every page's header needs to know about the request — who is signed in (and their roles), the
 * path for the current navigation item, the session's CSRF token for the sign-out form — kept per
 * request in AsyncLocalStorage by `chromeContext`, so `page()` can draw the same header on every page
 * without each route passing it along.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { NextFunction, Request, Response } from 'express';
import { userOf } from '../auth.js';
import { csrfToken } from '../session.js';

declare module 'express-session' {
  interface SessionData {
    /** A one-time notice for the next page this browser shows (e.g. "Accepted and queued"). */
    flash?: string;
  }
}

/** Leave a notice for the next page (signed-in browsers: it lives in the session). */
export function setFlash(req: Request, text: string): void {
  if (req.session) req.session.flash = text;
}

export interface Chrome {
  user: { handle: string; organizer: boolean; moderator: boolean; judge: boolean } | null;
  /** The request path, for marking the current navigation item. */
  path: string;
  /** The session's CSRF token (created on first use; only asked for when someone is signed in). */
  csrf: () => string;
  /** The pending one-time notice, removed as it is read. */
  flash: () => string | null;
}

const store = new AsyncLocalStorage<Chrome>();

/** Middleware (after `identify`): the request's chrome for the pages it renders. */
export function chromeContext(req: Request, res: Response, next: NextFunction): void {
  const u = userOf(res);
  const chrome: Chrome = {
    user: u ? { handle: u.handle, organizer: u.organizer, moderator: u.moderator, judge: u.judge } : null,
    path: req.path,
    csrf: () => (req.session ? csrfToken(req) : ''),
    flash: () => {
      const text = req.session?.flash ?? null;
      if (text !== null) delete req.session.flash;
      return text;
    },
  };
  store.run(chrome, next);
}

/** The current request's chrome, or null outside a request (tests rendering views directly). */
export const currentChrome = (): Chrome | null => store.getStore() ?? null;
