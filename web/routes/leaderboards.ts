/**
 * GET /api/challenges                      — challenges and their phase
 * GET /api/challenges/:id/leaderboard      — ?split=public|private (private once revealed, or organizers)
 * (The page GET /challenges/:id/leaderboard is leaderboard-page.ts.)
 * GET /challenges/:id/leaderboard/events   — server-sent events when the board may have changed
 */
import { Router, type Request, type Response } from 'express';
import { challengeExists, getChallenge, listChallenges, phaseOf } from '../../arena/catalog.js';
import { readLeaderboard } from '../../arena/leaderboard.js';
import { userOf } from '../auth.js';
import type { WebContext } from '../context.js';
import type { LiveEvents } from '../live.js';
import { refuseJson } from '../refusals.js';


function splitOf(req: Request): 'public' | 'private' | null {
  const s = (req.query.split as string | undefined) ?? 'public';
  return s === 'public' || s === 'private' ? s : null;
}

export function leaderboardRoutes(ctx: WebContext, live: LiveEvents): Router {
  const router = Router();
  const { services } = ctx;

  router.get('/challenges/:id/leaderboard/events', async (req: Request, res: Response) => {
    const id = String(req.params.id);
    if (!(await challengeExists(services.db, id))) return res.status(404).json({ error: 'no such challenge' });
    // A frozen board does not change for the public: not even "something finished" is told (204 also
    // tells EventSource not to reconnect).
    if (phaseOf(await getChallenge(services.db, id, services.config.CHALLENGES_DIR)).frozen) return res.status(204).end();
    await live.streamChallenge(id, res);
  });

  router.get('/api/challenges', async (_req, res) => {
    const rows = await listChallenges(services.db);
    const out = await Promise.all(
      rows.map(async (r) => {
        const c = await getChallenge(services.db, r.id, services.config.CHALLENGES_DIR);
        const p = phaseOf(c);
        return { id: r.id, title: c.def.title, task: c.def.task, phase: p.phase, frozen: p.frozen, timeline: c.def.timeline, quotas: c.def.quotas, budgets: c.def.budgets };
      }),
    );
    res.json({ challenges: out });
  });

  router.get('/api/challenges/:id/leaderboard', async (req: Request, res: Response) => {
    const split = splitOf(req);
    if (!split) return res.status(400).json({ error: 'split must be public or private' });
    try {
      const board = await readLeaderboard(services, String(req.params.id), split, { privileged: userOf(res)?.organizer ?? false });
      if (!board.visible) return res.status(403).json({ error: 'the private split is revealed when the challenge closes', ...board });
      res.set('Cache-Control', 'no-cache').json(board);
    } catch (err) {
      if (refuseJson(res, err)) return;
      throw err;
    }
  });

  return router;
}
