import { Router } from 'express';
import type { WebContext } from '../context.js';
import { escapeHtml, page } from '../views/layout.js';
import { listChallenges } from '../../arena/catalog.js';

/** The landing page: what this is and which challenges exist. */
export function homeRoutes(ctx: WebContext): Router {
  const router = Router();
  router.get('/', async (_req, res) => {
    const challenges = await listChallenges(ctx.services.db);
    const rows = challenges.length
      ? `<ul>${challenges.map((c) => `<li><a href="/challenges/${encodeURIComponent(c.id)}"><strong>${escapeHtml(c.title)}</strong></a> (${escapeHtml(c.task.toUpperCase())}) — <a href="/challenges/${encodeURIComponent(c.id)}/leaderboard">leaderboard</a></li>`).join('')}</ul>`
      : '<p>No challenges are loaded yet.</p>';
    res.type('html').send(
      page('TinyArena', `<h1>TinyArena</h1><p>Grading and leaderboards for the TinyML course capstone: keyword spotting, visual wake words and anomaly detection.</p><h2>Challenges</h2>${rows}<p><a href="/healthz">Service health</a></p>`),
    );
  });
  return router;
}
