/** Builds the express application (no listening here: see server.ts). */
import { fileURLToPath } from 'node:url';
import express, { type Express } from 'express';
import type { WebContext } from './context.js';
import { healthRoutes } from './routes/health.js';
import { homeRoutes } from './routes/home.js';
import { identify } from './auth.js';
import { sessions } from './session.js';
import { loginRoutes } from './routes/login.js';
import { discordOAuthRoutes } from './routes/discord-oauth.js';
import { adminRoutes } from './routes/admin.js';
import { moderationRoutes } from './routes/moderation.js';
import { rackRoutes } from './routes/rack-page.js';
import { projectRoutes } from './routes/projects.js';
import { submissionApiRoutes } from './routes/api-submissions.js';
import { leaderboardRoutes } from './routes/leaderboards.js';
import { submissionPageRoutes } from './routes/submission-page.js';
import { teamPageRoutes } from './routes/team-page.js';
import { LiveEvents } from './live.js';
import { page } from './views/layout.js';
import { challengePageRoutes } from './routes/challenge-page.js';
import { discourseWebhookRoutes } from '../bot/discourse/webhook.js';
import { helpRoutes } from './routes/help.js';
import { chromeContext } from './views/chrome.js';
import { uploadRoutes } from './routes/upload.js';
import { siteRoutes } from './routes/site.js';
import { leaderboardPageRoutes } from './routes/leaderboard-page.js';
import { emptyBodyByDefault, errorHandler } from './security/errors.js';
import { securityHeaders } from './security/headers.js';
import { sameOriginWrites } from './security/same-origin.js';

export function buildApp(ctx: WebContext): Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(securityHeaders(ctx.services.config.PUBLIC_URL.startsWith('https://')));
  // Forwarded headers are believed only from the proxies TRUST_PROXY names (default: none), so a forged
  // X-Forwarded-For cannot pose as another client (the login rate limit keys on the client address).
  app.set('trust proxy', ctx.services.config.trustProxy);
  app.use(healthRoutes(ctx));
  // The stylesheet and page scripts (no inline ones: pages pass a strict Content-Security-Policy).
  app.use('/static', express.static(fileURLToPath(new URL('./static/', import.meta.url)), { maxAge: '1h', index: false }));
  app.use(discourseWebhookRoutes(ctx.services));
  app.use(sessions(ctx.services));
  app.use(identify(ctx));
  app.use(chromeContext);
  app.use(sameOriginWrites(ctx.services.config.PUBLIC_URL));
  app.use(emptyBodyByDefault);
  app.use(loginRoutes(ctx));
  app.use(discordOAuthRoutes(ctx));
  app.use(adminRoutes(ctx));
  app.use(moderationRoutes(ctx));
  app.use(rackRoutes(ctx));
  app.use(projectRoutes(ctx));
  app.use(homeRoutes(ctx));
  app.use(submissionApiRoutes(ctx));
  const live = new LiveEvents(ctx.services);
  app.use(leaderboardRoutes(ctx, live));
  app.use(leaderboardPageRoutes(ctx));
  (app.locals as { onClose?: (() => Promise<void>)[] }).onClose = [() => live.close()];
  app.use(submissionPageRoutes(ctx, live));
  app.use(challengePageRoutes(ctx));
  app.use(teamPageRoutes(ctx));
  app.use(helpRoutes(ctx));
  app.use(uploadRoutes(ctx));
  app.use(siteRoutes(ctx));
  // Unknown paths: a page for browsers, JSON for API clients.
  app.use((req, res) => {
    if (req.accepts(['json', 'html']) === 'html') res.status(404).type('html').send(page('Not found', '<h1>Not found</h1><p>There is no page at this address. <a href="/">Home</a></p>'));
    else res.status(404).json({ error: 'not found' });
  });
  app.use(errorHandler(ctx.services.logger));
  return app;
}
