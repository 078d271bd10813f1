/**
 * GET /login, POST /login, POST /logout — browser sign-in with an API token (organizers and admins of
 * headless deployments get one from `tinyarena token create <handle> --role organizer`). Discord
 * sign-in joins here with the web issue's OAuth2 step.
 */
import express, { Router, type Request, type Response } from 'express';
import { rateLimit } from 'express-rate-limit';
import { authenticate } from '../../arena/people.js';
import type { WebContext } from '../context.js';
import { csrfField, verifyCsrf } from '../session.js';
import { escapeHtml, page } from '../views/layout.js';
import { AuthError } from '../../arena/errors.js';

/** Only same-site paths may be a post-login target (no open redirects). */
const safeNext = (n: unknown) => (typeof n === 'string' && /^\/(?!\/)[\w\-./?=&%]*$/.test(n) ? n : '/admin');

function loginPage(req: Request, message = '', discord = false): string {
  const next = safeNext(req.query.next ?? (req.body as { next?: string } | undefined)?.next);
  return page(
    'Sign in — TinyArena',
    `<h1>Sign in</h1>${message ? `<p role="alert">${escapeHtml(message)}</p>` : ''}<form method="post" action="/login">${csrfField(req)}<input type="hidden" name="next" value="${escapeHtml(next)}"><p><label for="token">API token</label><br><input id="token" name="token" type="password" autocomplete="current-password" required size="50"></p><p><button type="submit">Sign in</button></p></form>${discord ? '<p><a href="/auth/discord">Sign in with Discord</a></p><p>Or with an API token:</p>' : ''}<p>Organizers get a token from the server console: <code>tinyarena token create &lt;handle&gt; --role organizer</code>.</p>`,
  );
}

export function loginRoutes(ctx: WebContext): Router {
  const router = Router();
  const form = express.urlencoded({ extended: false, limit: '4kb' });
  // Guessing tokens is hopeless (144 random bits), but a flood should still be cut off early.
  // The client address is the socket's unless TRUST_PROXY names the proxy (no warning stack per forged header).
  const limiter = rateLimit({ windowMs: 15 * 60_000, limit: 20, standardHeaders: 'draft-8', legacyHeaders: false, validate: { xForwardedForHeader: false } });

  router.get('/login', (req, res) => {
    res.type('html').send(loginPage(req, '', Boolean(ctx.services.config.DISCORD_APPLICATION_ID && ctx.services.config.DISCORD_CLIENT_SECRET)));
  });

  router.post('/login', limiter, form, verifyCsrf, async (req: Request, res: Response) => {
    const token = String((req.body as { token?: string }).token ?? '').trim();
    let person;
    try {
      person = await authenticate(ctx.services.db, token);
    } catch (err) {
      if (!(err instanceof AuthError)) throw err;
      return res.status(401).type('html').send(loginPage(req, 'That token is not valid (unknown or revoked).'));
    }
    const next = safeNext((req.body as { next?: string }).next);
    // A new session id at sign-in (no fixation), carrying a fresh CSRF token.
    req.session.regenerate((err) => {
      if (err) return res.status(500).type('text').send('could not start a session');
      req.session.personId = person.id;
      req.session.save(() => res.redirect(303, next));
    });
  });

  router.post('/logout', form, verifyCsrf, (req, res) => {
    req.session.destroy(() => res.clearCookie('tinyarena.sid').redirect(303, '/'));
  });
  return router;
}
