/**
 * GET /teams/:id — a team's public page: members, its place on the public board, and its submissions
 * with their public scores (the join code is never shown here; members get it from /team show).
 */
import { Router, type Request, type Response } from 'express';
import { teamView } from '../../grader/pipeline/teams.js';
import type { WebContext } from '../context.js';
import { escapeHtml, page } from '../views/layout.js';

export function teamPageRoutes(ctx: WebContext): Router {
  const router = Router();
  const { services } = ctx;
  router.get('/teams/:id', async (req: Request, res: Response) => {
    const t = await teamView(services, String(req.params.id));
    if (!t) return res.status(404).type('html').send(page('Not found', '<h1>Not found</h1><p>No such team.</p>'));
    const [entry, subs] = await Promise.all([
      services.db.leaderboardEntry.findFirst({ where: { challengeId: t.challengeId, split: 'public', teamId: t.id }, select: { rank: true, score: true } }),
      services.db.submission.findMany({ where: { teamId: t.id }, orderBy: { createdAt: 'desc' }, take: 200, select: { id: true, fileName: true, state: true, publicScore: true, createdAt: true, person: { select: { handle: true } } } }),
    ]);
    const cid = encodeURIComponent(t.challengeId);
    const members = `<ul>${t.members.map((m) => `<li>${escapeHtml(m.displayName)} (${escapeHtml(m.handle)})${m.isCaptain ? ' — captain' : ''}</li>`).join('')}</ul>`;
    const place = entry ? `<p>Rank <strong>${entry.rank}</strong> on the <a href="/challenges/${cid}/leaderboard">public leaderboard</a>, score ${entry.score.toFixed(3)}.</p>` : `<p>Not on the <a href="/challenges/${cid}/leaderboard">public leaderboard</a> yet.</p>`;
    const rows = subs
      .map((s) => `<tr><td><a href="/submissions/${encodeURIComponent(s.id)}">${escapeHtml(s.fileName)}</a></td><td>${escapeHtml(s.person.handle)}</td><td>${escapeHtml(s.state)}</td><td>${s.publicScore === null ? '' : s.publicScore.toFixed(3)}</td><td><time datetime="${s.createdAt.toISOString()}">${s.createdAt.toISOString().replace('T', ' ').slice(0, 16)} UTC</time></td></tr>`)
      .join('');
    const table = subs.length
      ? `<table><caption>Submissions</caption><thead><tr><th scope="col">File</th><th scope="col">By</th><th scope="col">State</th><th scope="col">Public score</th><th scope="col">Submitted</th></tr></thead><tbody>${rows}</tbody></table>`
      : '<p>No submissions yet.</p>';
    res.type('html').send(page(`${t.name} — team`, `<h1>${escapeHtml(t.name)}</h1><p>Team in <a href="/challenges/${cid}">${escapeHtml(t.challengeId)}</a>, ${t.members.length} of ${t.maxSize} members.</p>${members}${place}${table}`));
  });
  return router;
}
