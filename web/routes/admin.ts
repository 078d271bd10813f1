/**
 * The organizer dashboard (sessions or tokens; organizers only, checked on every route):
 *   GET  /admin                                   challenges with their phase and actions, queue monitor,
 *                                                 reaper activity, recent audit entries
 *   POST /admin/challenges/:id/action             open | close | freeze | unfreeze | finalize | schedule
 *   POST /admin/rejudge, /admin/disqualify, /admin/quota
 *   GET  /admin/audit                             the audit log, newest first
 *   GET  /admin/challenges/:id/leaderboard.(csv|json)?split=   and   /admin/challenges/:id/gradebook.csv
 * Every action goes through arena/admin.ts, which writes the audit log.
 */
import express, { Router, type Request, type Response } from 'express';
import { STAGES } from '../../arena/stage-contract.js';
import { AdminError, changeChallenge, disqualify, grantQuota, rejudge, type ChallengeAction } from '../../arena/admin.js';
import { getChallenge, phaseOf, UnknownChallengeError } from '../../arena/catalog.js';
import { readLeaderboard } from '../../arena/leaderboard.js';
import { publishResults } from '../../arena/results.js';
import { AuthError } from '../../arena/people.js';
import { requireOrganizerPage, userOf } from '../auth.js';
import type { WebContext } from '../context.js';
import { csrfField, verifyCsrf } from '../session.js';
import { escapeHtml, page } from '../views/layout.js';
import { PAGE_ERROR, pageParam } from '../../lib/paging.js';

const ACTIONS: ChallengeAction[] = ['open', 'close', 'freeze', 'unfreeze', 'finalize', 'schedule'];

/** RFC 4180 field: quoted when it holds a comma, quote or newline; formula-looking text defused. */
function csvField(v: string | number | null | undefined): string {
  let s = v === null || v === undefined ? '' : String(v);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
const csv = (rows: (string | number | null | undefined)[][]) => rows.map((r) => r.map(csvField).join(',')).join('\r\n') + '\r\n';

export function adminRoutes(ctx: WebContext): Router {
  const router = Router();
  const { services } = ctx;
  const form = express.urlencoded({ extended: false, limit: '16kb' });
  router.use('/admin', requireOrganizerPage);

  const actor = (req: Request, res: Response) => ({ actorId: userOf(res)!.id, reason: String((req.body as { reason?: string }).reason ?? '').trim() });
  /** Run an organizer action; known failures come back as a 400 page with the reason. */
  const act = (fn: (req: Request, res: Response) => Promise<string>) => async (req: Request, res: Response) => {
    try {
      const done = await fn(req, res);
      res.redirect(303, `/admin?done=${encodeURIComponent(done)}`);
    } catch (err) {
      if (err instanceof AdminError || err instanceof UnknownChallengeError || err instanceof AuthError) {
        return res.status(400).type('html').send(page('Not done', `<h1>Not done</h1><p role="alert">${escapeHtml(err.message)}</p><p><a href="/admin">Back to the dashboard</a></p>`));
      }
      throw err;
    }
  };

  router.get('/admin', async (req: Request, res: Response) => {
    const user = userOf(res)!;
    const rows = await services.db.challenge.findMany({ orderBy: { id: 'asc' } });
    const counts = await services.db.submission.groupBy({ by: ['challengeId', 'state'], _count: { _all: true } });
    const count = (id: string, states?: string[]) => counts.filter((c) => c.challengeId === id && (!states || states.includes(c.state))).reduce((a, c) => a + c._count._all, 0);
    const challengeRows = await Promise.all(
      rows.map(async (r) => {
        const c = await getChallenge(services.db, r.id, services.config.CHALLENGES_DIR);
        const p = phaseOf(c);
        const id = encodeURIComponent(r.id);
        return `<tr><th scope="row">${escapeHtml(c.def.title)}<br><small>${escapeHtml(r.id)}</small></th><td>${escapeHtml(p.phase)}${p.frozen ? ' (frozen)' : ''}</td><td>${count(r.id)} (${count(r.id, ['queued', 'running'])} in the pipeline)</td><td><form method="post" action="/admin/challenges/${id}/action">${csrfField(req)}<label>Action <select name="action">${ACTIONS.map((a) => `<option>${a}</option>`).join('')}</select></label> <label>Reason <input name="reason" required size="18"></label> <button type="submit">Apply</button></form></td><td><a href="/challenges/${id}/leaderboard">board</a> · <a href="/admin/challenges/${id}/leaderboard.csv?split=public">public CSV</a> · <a href="/admin/challenges/${id}/leaderboard.csv?split=private">private CSV</a> · <a href="/admin/challenges/${id}/leaderboard.json?split=private">JSON</a> · <a href="/admin/challenges/${id}/gradebook.csv">gradebook</a>${c.def.projects ? ` · <a href="/challenges/${id}/projects">projects</a><form method="post" action="/admin/challenges/${id}/projects/assign">${csrfField(req)}<button type="submit">Assign project judges</button></form>` : ''}${p.privateRevealed ? `<form method="post" action="/admin/challenges/${id}/publish">${csrfField(req)}<input type="hidden" name="reason" value="final results"><button type="submit">Publish to GitHub</button></form>` : ''}</td></tr>`;
      }),
    );
    const queueRows = await Promise.all(
      STAGES.map(async (stage) => {
        const c = await services.queues.get(stage).getJobCounts('waiting', 'prioritized', 'active', 'delayed', 'failed', 'completed');
        return `<tr><th scope="row">${stage}</th><td>${(c.waiting ?? 0) + (c.prioritized ?? 0)}</td><td>${c.active ?? 0}</td><td>${c.delayed ?? 0}</td><td>${c.failed ?? 0}</td><td>${c.completed ?? 0}</td></tr>`;
      }),
    );
    const since = new Date(Date.now() - 24 * 3600_000);
    const [requeued, failed, stuck] = await Promise.all([
      services.db.submissionEvent.count({ where: { type: 'requeued', createdAt: { gte: since } } }),
      services.db.submissionEvent.count({ where: { type: 'failed', createdAt: { gte: since } } }),
      services.db.submission.findMany({ where: { state: 'running', updatedAt: { lt: new Date(Date.now() - 15 * 60_000) } }, select: { id: true, stage: true, updatedAt: true }, take: 20 }),
    ]);
    const audit = await services.db.auditLog.findMany({ orderBy: { id: 'desc' }, take: 15, include: { actor: { select: { handle: true } } } });
    const challengeOptions = rows.map((r) => `<option value="${escapeHtml(r.id)}">${escapeHtml(r.id)}</option>`).join('');
    const done = typeof req.query.done === 'string' ? `<p role="status">Done: ${escapeHtml(req.query.done)}</p>` : '';
    res.set('Cache-Control', 'no-store').type('html').send(
      page(
        'Organizer dashboard — TinyArena',
        `<h1>Organizer dashboard</h1><p>Signed in as ${escapeHtml(user.handle)}. <form method="post" action="/logout" style="display:inline">${csrfField(req)}<button type="submit">Sign out</button></form></p>${done}
<h2>Challenges</h2><table><thead><tr><th scope="col">Challenge</th><th scope="col">Phase</th><th scope="col">Submissions</th><th scope="col">Change</th><th scope="col">Results</th></tr></thead><tbody>${challengeRows.join('')}</tbody></table>
<h2>Queues</h2><table><thead><tr><th scope="col">Stage</th><th scope="col">Waiting</th><th scope="col">Running</th><th scope="col">Retrying</th><th scope="col">Failed</th><th scope="col">Completed</th></tr></thead><tbody>${queueRows.join('')}</tbody></table>
<p>Reaper, last 24 h: ${requeued} jobs re-queued, ${failed} submissions failed (quota refunded).${stuck.length ? ` Running for over 15 minutes: ${stuck.map((s) => `<a href="/submissions/${encodeURIComponent(s.id)}">${escapeHtml(s.id)}</a> (${escapeHtml(s.stage ?? '?')})`).join(', ')}.` : ''}</p>
<h2>Rejudge</h2><form method="post" action="/admin/rejudge">${csrfField(req)}<label>Challenge <select name="challenge">${challengeOptions}</select></label> <label>Submission ids (optional, space-separated) <input name="submissions" size="30"></label> <label>Reason <input name="reason" required></label> <button type="submit">Rejudge</button></form>
<h2>Disqualify</h2><form method="post" action="/admin/disqualify">${csrfField(req)}<label>Submission id <input name="submission" required></label> <label>Reason <input name="reason" required></label> <label><input type="checkbox" name="undo" value="1"> undo (requalify)</label> <button type="submit">Apply</button></form>
<h2>Quota grant</h2><form method="post" action="/admin/quota">${csrfField(req)}<label>Challenge <select name="challenge">${challengeOptions}</select></label> <label>Handle <input name="handle" required></label> <label>Extra <input name="extra" type="number" value="1" required></label> <label>Reason <input name="reason" required></label> <button type="submit">Grant</button></form>
<h2>Recent audit entries</h2><ul>${audit.map((a) => `<li><time datetime="${a.createdAt.toISOString()}">${a.createdAt.toISOString().slice(0, 16).replace('T', ' ')}</time> ${escapeHtml(a.actor?.handle ?? 'console')}: ${escapeHtml(a.action)} ${escapeHtml(a.targetType)} ${escapeHtml(a.targetId)}${a.reason ? ` — ${escapeHtml(a.reason)}` : ''}</li>`).join('')}</ul><p><a href="/admin/audit">Whole audit log</a></p>`,
      ),
    );
  });

  router.post('/admin/challenges/:id/action', form, verifyCsrf, act(async (req, res) => {
    const action = String((req.body as { action?: string }).action) as ChallengeAction;
    if (!ACTIONS.includes(action)) throw new AdminError(`unknown action "${action}"`);
    const after = await changeChallenge(services, actor(req, res), String(req.params.id), action);
    return `${String(req.params.id)} is now ${after.phase}${after.frozen ? ' (frozen)' : ''}`;
  }));

  router.post('/admin/challenges/:id/publish', form, verifyCsrf, act(async (req, res) => {
    const r = await publishResults(services, actor(req, res), String(req.params.id));
    return `results ${r.files.map((f) => `${f.path} ${f.status}`).join(', ')} in ${r.repo}`;
  }));

  router.post('/admin/rejudge', form, verifyCsrf, act(async (req, res) => {
    const b = req.body as { challenge?: string; submissions?: string };
    const ids = (b.submissions ?? '').split(/[\s,]+/).filter(Boolean);
    const r = await rejudge(services, actor(req, res), { challengeId: String(b.challenge), ...(ids.length ? { submissionIds: ids } : {}) });
    return `${r.count} submissions queued for rejudging under ${r.evaluatorVersion}`;
  }));

  router.post('/admin/disqualify', form, verifyCsrf, act(async (req, res) => {
    const b = req.body as { submission?: string; undo?: string };
    await disqualify(services, actor(req, res), String(b.submission ?? ''), b.undo !== '1');
    return `${String(b.submission)} ${b.undo === '1' ? 'requalified' : 'disqualified'}`;
  }));

  router.post('/admin/quota', form, verifyCsrf, act(async (req, res) => {
    const b = req.body as { challenge?: string; handle?: string; extra?: string };
    const person = await services.db.person.findUnique({ where: { handle: String(b.handle ?? '').toLowerCase() } });
    if (!person) throw new AdminError(`no person "${String(b.handle)}"`);
    await grantQuota(services, actor(req, res), String(b.challenge), person.id, Number(b.extra));
    return `granted ${Number(b.extra)} extra submissions to ${person.handle}`;
  }));

  router.get('/admin/audit', async (req: Request, res: Response) => {
    const pageNo = pageParam(req.query.page);
    if (pageNo === null) return res.status(400).type('html').send(page('Bad page number', `<h1>Bad page number</h1><p>${PAGE_ERROR}.</p>`));
    const rows = await services.db.auditLog.findMany({ orderBy: { id: 'desc' }, take: 100, skip: pageNo * 100, include: { actor: { select: { handle: true } } } });
    res.type('html').send(
      page(
        'Audit log — TinyArena',
        `<h1>Audit log</h1><table><thead><tr><th scope="col">When (UTC)</th><th scope="col">Who</th><th scope="col">Action</th><th scope="col">Target</th><th scope="col">Why</th><th scope="col">Before → after</th></tr></thead><tbody>${rows
          .map((a) => `<tr><td>${a.createdAt.toISOString().replace('T', ' ').slice(0, 19)}</td><td>${escapeHtml(a.actor?.handle ?? 'console')}</td><td>${escapeHtml(a.action)}</td><td>${escapeHtml(`${a.targetType} ${a.targetId}`)}</td><td>${escapeHtml(a.reason ?? '')}</td><td><code>${escapeHtml(JSON.stringify(a.data ?? null).slice(0, 300))}</code></td></tr>`)
          .join('')}</tbody></table><p>${pageNo > 0 ? `<a href="/admin/audit?page=${pageNo - 1}">newer</a> · ` : ''}${rows.length === 100 ? `<a href="/admin/audit?page=${pageNo + 1}">older</a>` : ''}</p>`,
      ),
    );
  });

  router.get('/admin/challenges/:id/leaderboard.:format', async (req: Request, res: Response) => {
    const split = req.query.split === 'private' ? 'private' : 'public';
    const format = String(req.params.format);
    if (format !== 'csv' && format !== 'json') return res.status(404).json({ error: 'csv or json' });
    try {
      const board = await readLeaderboard(services, String(req.params.id), split, { privileged: true, limit: 100_000 });
      const name = `${board.challenge}-${split}-leaderboard.${format}`;
      res.attachment(name);
      if (format === 'json') return res.json(board);
      res.type('text/csv').send(csv([['rank', 'person', 'display_name', 'team', 'score', 'submission_id', 'submitted_at'], ...board.entries.map((e) => [e.rank, e.person, e.displayName, e.team, e.score, e.submissionId, e.submittedAt])]));
    } catch (err) {
      if (err instanceof UnknownChallengeError) return res.status(404).json({ error: err.message });
      throw err;
    }
  });

  /** One row per person who submitted: their counts, best scores and ranks (for course grading). */
  router.get('/admin/challenges/:id/gradebook.csv', async (req: Request, res: Response) => {
    const id = String(req.params.id);
    try {
      await getChallenge(services.db, id, services.config.CHALLENGES_DIR);
    } catch (err) {
      if (err instanceof UnknownChallengeError) return res.status(404).json({ error: err.message });
      throw err;
    }
    const [people, entries] = await Promise.all([
      services.db.person.findMany({
        where: { submissions: { some: { challengeId: id } } },
        select: { id: true, handle: true, displayName: true, submissions: { where: { challengeId: id }, select: { state: true, publicScore: true, privateScore: true, eligible: true, disqualifiedAt: true } } },
        orderBy: { handle: 'asc' },
      }),
      services.db.leaderboardEntry.findMany({ where: { challengeId: id }, select: { personId: true, split: true, rank: true, teamId: true } }),
    ]);
    const ranks = new Map(entries.map((e) => [`${e.personId}|${e.split}`, e.rank]));
    const rank = (personId: string, split: string) => ranks.get(`${personId}|${split}`) ?? '';
    const best = (xs: (number | null)[]) => (xs.some((x) => x !== null) ? Math.max(...xs.filter((x): x is number => x !== null)) : '');
    res.attachment(`${id}-gradebook.csv`).type('text/csv').send(
      csv([
        ['handle', 'display_name', 'submissions', 'scored', 'best_public', 'best_private', 'public_rank', 'private_rank', 'disqualified'],
        ...people.map((p) => {
          const ok = p.submissions.filter((s) => s.state === 'done' && !s.disqualifiedAt);
          return [p.handle, p.displayName, p.submissions.length, ok.length, best(ok.map((s) => s.publicScore)), best(ok.map((s) => s.privateScore)), rank(p.id, 'public'), rank(p.id, 'private'), p.submissions.some((s) => s.disqualifiedAt) ? 'yes' : ''];
        }),
      ]),
    );
  });

  return router;
}
