import { Router, type Request } from 'express';
import type { HealthReport } from '../../core/health.js';
import { authenticate, rolesOf } from '../../arena/people.js';
import type { WebContext } from '../context.js';

/** The socket peer is this machine and no proxy forwarded the request for someone else. */
function fromThisMachine(req: Request): boolean {
  const peer = req.socket.remoteAddress ?? '';
  const loopback = /^(127\.|::1$|::ffff:127\.)/.test(peer);
  return loopback && !req.get('x-forwarded-for') && !req.get('forwarded');
}

/** An organizer's API token (the health route runs before sessions: it must answer with Redis down). */
async function organizerToken(ctx: WebContext, req: Request): Promise<boolean> {
  const m = /^Bearer\s+(\S+)$/i.exec(req.get('authorization') ?? '');
  if (!m) return false;
  try {
    const roles = await rolesOf(ctx.services.db, (await authenticate(ctx.services.db, m[1]!)).id);
    return roles.has('organizer') || roles.has('admin');
  } catch {
    return false;
  }
}

/** What anyone may know: overall and per-part status, no paths, addresses or error texts. */
const summary = (r: HealthReport) => ({ status: r.status, version: r.version, checks: Object.fromEntries(Object.entries(r.checks).map(([k, c]) => [k, { ok: c.ok, state: c.state }])) });

/**
 * GET /healthz: 200 when database, Redis and every running part are fine, else 503; JSON either way.
 * The details (database file, Redis socket, errors) only for requests from this machine or with an
 * organizer's token.
 */
export function healthRoutes(ctx: WebContext): Router {
  const router = Router();
  router.get('/healthz', async (req, res) => {
    const report = await ctx.health();
    const detailed = fromThisMachine(req) || (await organizerToken(ctx, req));
    res.status(report.status === 'ok' ? 200 : 503).set('Cache-Control', 'no-store').json(detailed ? report : summary(report));
  });
  return router;
}
