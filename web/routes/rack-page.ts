/**
 * GET /rack and GET /api/rack — the board rack: every board's state and health, leases and
 * quarantine reasons. Device paths and lease holders are for organizers only.
 */
import { Router, type Request, type Response } from 'express';
import { rackStatus } from '../../grader/rack/status.js';
import { userOf } from '../auth.js';
import type { WebContext } from '../context.js';
import { escapeHtml, page } from '../views/layout.js';

export function rackRoutes(ctx: WebContext): Router {
  const router = Router();
  const boardsFor = async (res: Response) => {
    const boards = await rackStatus(ctx.services.db);
    const privileged = userOf(res)?.organizer ?? false;
    return privileged ? boards : boards.map(({ location: _l, leasedBy: _h, ...b }) => b);
  };
  router.get('/api/rack', async (_req: Request, res: Response) => {
    res.set('Cache-Control', 'no-cache').json({ boards: await boardsFor(res) });
  });
  router.get('/rack', async (_req: Request, res: Response) => {
    const boards = await boardsFor(res);
    const counts = ['idle', 'leased', 'quarantined', 'offline'].map((st) => `${boards.filter((b) => b.state === st).length} ${st}`).join(', ');
    const rows = boards
      .map(
        (b) =>
          `<tr><th scope="row">${escapeHtml(b.id)}</th><td>${escapeHtml(b.kind)}</td><td>${escapeHtml(b.state)}</td><td><meter min="0" max="1" value="${b.health}" aria-label="health">${b.health}</meter> ${b.health.toFixed(2)}</td><td>${escapeHtml(b.firmwareVersion ?? '')}</td><td>${escapeHtml(b.lastError ?? '')}</td></tr>`,
      )
      .join('');
    res.type('html').send(
      page(
        'Board rack — TinyArena',
        `<h1>Board rack</h1><p>${boards.length} boards: ${counts}.</p>${boards.length ? `<table><thead><tr><th scope="col">Board</th><th scope="col">Kind</th><th scope="col">State</th><th scope="col">Health</th><th scope="col">Firmware</th><th scope="col">Last problem</th></tr></thead><tbody>${rows}</tbody></table>` : '<p>No boards are attached to this grader.</p>'}`,
      ),
    );
  });
  return router;
}
