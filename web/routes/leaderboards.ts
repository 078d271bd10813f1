/**
 * GET /api/challenges                      — challenges and their phase
 * GET /api/challenges/:id/leaderboard      — ?split=public|private (private once revealed, or organizers)
 * GET /challenges/:id/leaderboard          — the same as a plain server-rendered page
 * GET /challenges/:id/leaderboard/events   — server-sent events when the board may have changed
 */
import { Router, type Request, type Response } from 'express';
import { getChallenge, phaseOf, UnknownChallengeError } from '../../arena/catalog.js';
import { readLeaderboard, type LeaderboardView } from '../../arena/leaderboard.js';
import { userOf } from '../auth.js';
import type { WebContext } from '../context.js';
import type { LiveEvents } from '../live.js';
import { escapeHtml, page } from '../views/layout.js';
import { PAGE_ERROR, pageParam } from '../../lib/paging.js';
import { markParetoFront, paretoPlot } from '../views/plots.js';

/** Rows per leaderboard page (the page stays fast with thousands of participants). */
const PAGE = 100;

function splitOf(req: Request): 'public' | 'private' | null {
  const s = (req.query.split as string | undefined) ?? 'public';
  return s === 'public' || s === 'private' ? s : null;
}

export function leaderboardRoutes(ctx: WebContext, live: LiveEvents): Router {
  const router = Router();
  const { services } = ctx;

  router.get('/challenges/:id/leaderboard/events', async (req: Request, res: Response) => {
    const row = await services.db.challenge.findUnique({ where: { id: String(req.params.id) }, select: { id: true } });
    if (!row) return res.status(404).json({ error: 'no such challenge' });
    // A frozen board does not change for the public: not even "something finished" is told (204 also
    // tells EventSource not to reconnect).
    if (phaseOf(await getChallenge(services.db, row.id, services.config.CHALLENGES_DIR)).frozen) return res.status(204).end();
    await live.streamChallenge(row.id, res);
  });

  router.get('/api/challenges', async (_req, res) => {
    const rows = await services.db.challenge.findMany({ orderBy: { id: 'asc' } });
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
      if (err instanceof UnknownChallengeError) return res.status(404).json({ error: err.message });
      throw err;
    }
  });

  router.get('/challenges/:id/leaderboard', async (req: Request, res: Response) => {
    const split = splitOf(req) ?? 'public';
    const pageNo = pageParam(req.query.page);
    if (pageNo === null) return res.status(400).type('html').send(page('Bad page number', `<h1>Bad page number</h1><p>${PAGE_ERROR}.</p>`));
    let total = 0;
    let board: LeaderboardView;
    let title: string;
    let task: string;
    let budget: number;
    try {
      const c = await getChallenge(services.db, String(req.params.id), services.config.CHALLENGES_DIR);
      title = c.def.title;
      task = c.def.task;
      budget = c.def.budgets.maxModelBytes;
      board = await readLeaderboard(services, c.row.id, split, { limit: PAGE, offset: pageNo * PAGE });
      total = board.visible ? await services.db.leaderboardEntry.count({ where: { challengeId: c.row.id, split } }) : 0;
    } catch (err) {
      if (err instanceof UnknownChallengeError) return res.status(404).type('html').send(page('Not found', `<h1>Not found</h1><p>${escapeHtml(err.message)}</p>`));
      throw err;
    }
    const id = encodeURIComponent(board.challenge);
    // Team rows link to the team's page.
    const teamRows = board.entries.some((e) => e.team)
      ? await services.db.submission.findMany({ where: { id: { in: board.entries.filter((e) => e.team).map((e) => e.submissionId) } }, select: { id: true, teamId: true } })
      : [];
    const teamIds = new Map(teamRows.map((r) => [r.id, r.teamId]));
    const points = board.visible && board.entries.length ? await qualityAndSize(board, split) : [];
    const marked = markParetoFront(points);
    // "Dominated by": the best-ranked entry that is at least as good and at least as small (and better in one).
    const dominatedBy = new Map(
      marked.map((p) => {
        const by = marked.find((o) => o !== p && o.quality >= p.quality && o.sizeBytes <= p.sizeBytes && (o.quality > p.quality || o.sizeBytes < p.sizeBytes));
        return [p.submissionId, by ? by.rank : null] as const;
      }),
    );
    const paretoCell = (submissionId: string) => {
      if (!dominatedBy.has(submissionId)) return '<td></td>';
      const by = dominatedBy.get(submissionId);
      return by ? `<td>dominated by #${by}</td>` : '<td>on the front</td>';
    };
    const nav = `<nav aria-label="Splits"><a href="/challenges/${id}/leaderboard?split=public"${split === 'public' ? ' aria-current="page"' : ''}>Public</a> · <a href="/challenges/${id}/leaderboard?split=private"${split === 'private' ? ' aria-current="page"' : ''}>Private</a></nav>`;
    const body = !board.visible
      ? '<p>The private leaderboard is revealed when the challenge closes.</p>'
      : board.entries.length === 0
        ? '<p>No ranked submissions yet.</p>'
        : `<table><caption>${escapeHtml(split)} split${board.frozen ? ' (frozen)' : ''}</caption><thead><tr><th scope="col">Rank</th><th scope="col">Participant</th><th scope="col">Score</th><th scope="col">Submitted</th><th scope="col">Quality vs size</th></tr></thead><tbody>${board.entries
            .map(
              (e) =>
                `<tr><td>${e.rank}</td><td>${e.team && teamIds.get(e.submissionId) ? `<a href="/teams/${encodeURIComponent(teamIds.get(e.submissionId)!)}">${escapeHtml(e.team)}</a> <small>(${escapeHtml(e.displayName)})</small>` : escapeHtml(e.displayName)}</td><td>${e.score.toFixed(3)}</td><td><time datetime="${e.submittedAt}">${e.submittedAt.replace('T', ' ').slice(0, 16)} UTC</time></td>${paretoCell(e.submissionId)}</tr>`,
            )
            .join('')}</tbody></table>`;
    const pages = Math.ceil(total / PAGE);
    const pager =
      pages > 1
        ? `<nav aria-label="Pages"><p>Ranks ${pageNo * PAGE + 1}–${Math.min(total, (pageNo + 1) * PAGE)} of ${total}. ${pageNo > 0 ? `<a href="/challenges/${id}/leaderboard?split=${split}&amp;page=${pageNo - 1}">previous</a> ` : ''}${pageNo + 1 < pages ? `<a href="/challenges/${id}/leaderboard?split=${split}&amp;page=${pageNo + 1}">next</a>` : ''}</p></nav>`
        : '';
    const pareto =
      marked.length >= 2
        ? `<h2>Quality against size</h2><figure>${paretoPlot(marked, { qualityLabel: task === 'ad' ? 'ROC AUC' : 'top-1 accuracy', budgetBytes: budget })}<figcaption>Each participant's ranked submission; the orange line is the Pareto front (nothing is both better and smaller).</figcaption></figure>`
        : '';
    // A visible, unfrozen board offers a refresh when new results land (no auto-reload under the reader).
    const liveScript =
      board.visible && !board.frozen
        ? `<p id="live" role="status" aria-live="polite"></p><script>(() => { const out = document.getElementById('live'); const es = new EventSource(${JSON.stringify(`/challenges/${id}/leaderboard/events`)}); es.addEventListener('board', () => { if (!out.firstChild) { const a = document.createElement('a'); a.href = location.href; a.textContent = 'New results are in: refresh the leaderboard'; out.appendChild(a); } }); })();</script>`
        : '';
    res.type('html').send(page(`${title} — leaderboard`, `<h1>${escapeHtml(title)}</h1>${nav}${board.frozen ? '<p><strong>The public board is frozen:</strong> new results are not shown until the final reveal.</p>' : ''}${liveScript}${body}${pager}${pareto}`));
  });

  /** The task metric and model size of each ranked entry (for the Pareto plot and hints). */
  async function qualityAndSize(board: LeaderboardView, split: 'public' | 'private') {
    const ids = board.entries.map((e) => e.submissionId);
    const subs = await services.db.submission.findMany({ where: { id: { in: ids } }, select: { id: true, kind: true, evaluatorVersion: true, blob: { select: { sizeBytes: true } }, scores: { where: { split }, select: { evaluatorVersion: true, value: true } } } });
    const byId = new Map(subs.map((x) => [x.id, x]));
    // A firmware's size is the flash its image takes (a .hex file is text, twice as big as what it writes).
    const firmware = subs.filter((x) => x.kind === 'firmware');
    const checks = firmware.length
      ? await services.db.stageResult.findMany({ where: { submissionId: { in: firmware.map((x) => x.id) }, stage: 'validate' }, select: { submissionId: true, evaluatorVersion: true, detail: true } })
      : [];
    const flashSpan = new Map(
      checks.flatMap((c) => {
        const span = (c.detail as { flashSpanBytes?: unknown } | null)?.flashSpanBytes;
        return c.evaluatorVersion === byId.get(c.submissionId)?.evaluatorVersion && typeof span === 'number' ? [[c.submissionId, span] as const] : [];
      }),
    );
    return board.entries.flatMap((e) => {
      const sub = byId.get(e.submissionId);
      const q = sub?.scores.find((sc) => sc.evaluatorVersion === sub.evaluatorVersion)?.value;
      return sub && q !== undefined ? [{ submissionId: e.submissionId, rank: e.rank, label: `#${e.rank} ${e.team ?? e.displayName}`, quality: q, sizeBytes: flashSpan.get(sub.id) ?? sub.blob.sizeBytes, href: `/submissions/${e.submissionId}` }] : [];
    });
  }

  return router;
}
