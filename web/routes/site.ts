/**
 * GET /leaderboards     — every challenge's board at a glance: status, ranked participants, leader
 * GET /me/submissions   — the signed-in learner's own submissions across challenges, newest first
 */
import { Router, type Request, type Response } from 'express';
import { challengeOverviews } from '../../arena/challenge-overview.js';
import { submissionsOf } from '../../arena/my-submissions.js';
import { userOf } from '../auth.js';
import type { WebContext } from '../context.js';
import { leaderSummary, statusBadge } from '../views/challenge-status.js';
import { escapeHtml, page } from '../views/layout.js';
import { whenShort } from '../views/time.js';

export function siteRoutes(ctx: WebContext): Router {
  const router = Router();
  const { services } = ctx;

  router.get('/leaderboards', async (_req: Request, res: Response) => {
    const all = await challengeOverviews(services);
    const rows = all
      .map((c) => {
        const id = encodeURIComponent(c.id);
        const boards = `<a href="/challenges/${id}/leaderboard?split=public">public</a>${c.phase === 'closed' || c.phase === 'finalized' ? ` · <a href="/challenges/${id}/leaderboard?split=private">private</a>` : ''}`;
        return `<tr><th scope="row"><a href="/challenges/${id}">${escapeHtml(c.title)}</a><br><small>${escapeHtml(c.task.toUpperCase())}</small></th><td>${statusBadge(c)}</td><td class="num">${c.ranked}</td><td>${leaderSummary(c) || '—'}</td><td>${boards}</td></tr>`;
      })
      .join('');
    res.type('html').send(
      page(
        'Leaderboards — TinyArena',
        `<h1>Leaderboards</h1>${
          all.length
            ? `<div class="table-wrap"><table><thead><tr><th scope="col">Challenge</th><th scope="col">Status</th><th scope="col" class="num">Ranked</th><th scope="col">Leader (public)</th><th scope="col">Boards</th></tr></thead><tbody>${rows}</tbody></table></div><p>The public board ranks on the public split while a challenge is open; the private board is revealed when it closes.</p>`
            : '<p>No challenges are loaded yet.</p>'
        }`,
      ),
    );
  });

  router.get('/me/submissions', async (req: Request, res: Response) => {
    const user = userOf(res);
    if (!user) return res.redirect(303, `/login?next=${encodeURIComponent(req.originalUrl)}`);
    const subs = await submissionsOf(services.db, user.id);
    const state = (s: (typeof subs)[number]) =>
      s.state === 'running' ? `running (${escapeHtml(s.stage ?? '…')})` : s.disqualified ? 'disqualified' : s.state === 'done' && !s.eligible && s.publicScore !== null ? 'done, below the gate' : escapeHtml(s.state);
    const rows = subs
      .map(
        (s) =>
          `<tr><td class="audit-when">${whenShort(s.createdAt)}</td><td><a href="/challenges/${encodeURIComponent(s.challengeId)}">${escapeHtml(s.challengeTitle)}</a></td><td><a href="/submissions/${encodeURIComponent(s.id)}">${escapeHtml(s.fileName)}</a>${s.kind === 'firmware' ? ' <small>(firmware)</small>' : ''}</td><td>${state(s)}</td><td class="num">${s.publicScore === null ? '—' : s.publicScore.toFixed(2)}</td><td class="num">${s.rank ?? '—'}</td><td>${escapeHtml(s.source)}</td></tr>`,
      )
      .join('');
    res.set('Cache-Control', 'no-store').type('html').send(
      page(
        'My submissions — TinyArena',
        `<h1>My submissions</h1>${
          subs.length
            ? `<div class="table-wrap"><table><caption>${subs.length} submission${subs.length === 1 ? '' : 's'}, newest first</caption><thead><tr><th scope="col">Submitted</th><th scope="col">Challenge</th><th scope="col">File (report)</th><th scope="col">State</th><th scope="col" class="num">Public score</th><th scope="col" class="num">Rank</th><th scope="col">Via</th></tr></thead><tbody>${rows}</tbody></table></div><p>Rank is shown for the submission that holds your place on the public board.</p>`
            : '<p>None yet. Open a <a href="/">challenge</a> to submit a model.</p>'
        }`,
      ),
    );
  });
  return router;
}
