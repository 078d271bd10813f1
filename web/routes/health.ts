import { Router } from 'express';
import type { WebContext } from '../context.js';

/** GET /healthz: 200 when database, Redis and every running part are fine, else 503; JSON either way. */
export function healthRoutes(ctx: WebContext): Router {
  const router = Router();
  router.get('/healthz', async (_req, res) => {
    const report = await ctx.health();
    res.status(report.status === 'ok' ? 200 : 503).set('Cache-Control', 'no-store').json(report);
  });
  return router;
}
