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
import { changeChallenge, describeRejudge, disqualify, grantQuota, rejudge, type ChallengeAction } from '../../arena/admin.js';
import { gradebook, organizerOverview, type OrganizerOverview } from '../../arena/dashboard.js';
import { readLeaderboard } from '../../arena/leaderboard.js';
import { findPerson } from '../../arena/people.js';
import { publishResults } from '../../arena/results.js';
import { readAuditLog } from '../../arena/audit-log.js';
import { auditList, auditTable } from '../views/audit.js';
import { requireOrganizerPage, userOf } from '../auth.js';
import type { WebContext } from '../context.js';
import type { Services } from '../../core/services.js';
import { csrfField, verifyCsrf } from '../session.js';
import { escapeHtml, page } from '../views/layout.js';
import { AdminError } from '../../arena/errors.js';
import { refuseJson, refusePage } from '../refusals.js';
import { plural } from '../../lib/format.js';
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
  router.use('/admin', requireOrganizerPage);

  router.get('/admin', async (req: Request, res: Response) => {
    const overview = await organizerOverview(services);
    const done = typeof req.query.done === 'string' ? req.query.done : null;
    res.set('Cache-Control', 'no-store').type('html').send(dashboardPage(req, overview, done));
  });
  actionRoutes(router, services);

  router.get('/admin/audit', async (req: Request, res: Response) => {
    const pageNo = pageParam(req.query.page);
    if (pageNo === null) return res.status(400).type('html').send(page('Bad page number', `<h1>Bad page number</h1><p>${PAGE_ERROR}.</p>`));
    const rows = await readAuditLog(services.db, { take: 100, skip: pageNo * 100 });
    res.type('html').send(
      page(
        'Audit log — TinyArena',
        `<h1>Audit log</h1>${auditTable(rows)}<p>${pageNo > 0 ? `<a href="/admin/audit?page=${pageNo - 1}">newer</a> · ` : ''}${rows.length === 100 ? `<a href="/admin/audit?page=${pageNo + 1}">older</a>` : ''}</p>`,
      ),
    );
  });
  exportRoutes(router, services);
  return router;
}

/** The organizer actions (forms on the dashboard); each redirects back with what it did, or answers 400 with the reason. */
function actionRoutes(router: Router, services: Services): void {
  const form = express.urlencoded({ extended: false, limit: '16kb' });
  const actor = (req: Request, res: Response) => ({ actorId: userOf(res)!.id, reason: String((req.body as { reason?: string }).reason ?? '').trim() });
  /** Run an organizer action; known failures come back as a 400 page with the reason. */
  const act = (fn: (req: Request, res: Response) => Promise<string>) => async (req: Request, res: Response) => {
    try {
      const done = await fn(req, res);
      res.redirect(303, `/admin?done=${encodeURIComponent(done)}`);
    } catch (err) {
      if (!refusePage(res, err, { status: 400, back: { href: '/admin', label: 'Back to the dashboard' } })) throw err;
    }
  };

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
    return describeRejudge(r);
  }));

  router.post('/admin/disqualify', form, verifyCsrf, act(async (req, res) => {
    const b = req.body as { submission?: string; undo?: string };
    await disqualify(services, actor(req, res), String(b.submission ?? ''), b.undo !== '1');
    return `${String(b.submission)} ${b.undo === '1' ? 'requalified' : 'disqualified'}`;
  }));

  router.post('/admin/quota', form, verifyCsrf, act(async (req, res) => {
    const b = req.body as { challenge?: string; handle?: string; extra?: string };
    const person = await findPerson(services.db, String(b.handle ?? ''));
    if (!person) throw new AdminError(`no person "${String(b.handle)}": people are created when they first submit or sign in`);
    await grantQuota(services, actor(req, res), String(b.challenge), person.id, Number(b.extra));
    return `granted ${plural(Number(b.extra), 'extra submission')} to ${person.handle}`;
  }));

}

/** The leaderboard (CSV or JSON, either split, unlimited) and the gradebook, as downloads. */
function exportRoutes(router: Router, services: Services): void {
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
      if (refuseJson(res, err)) return;
      throw err;
    }
  });

  /** One row per person who submitted: their counts, best scores and ranks (for course grading). */
  router.get('/admin/challenges/:id/gradebook.csv', async (req: Request, res: Response) => {
    const id = String(req.params.id);
    let rows;
    try {
      rows = await gradebook(services, id);
    } catch (err) {
      if (refuseJson(res, err)) return;
      throw err;
    }
    res.attachment(`${id}-gradebook.csv`).type('text/csv').send(
      csv([
        ['handle', 'display_name', 'submissions', 'scored', 'best_public', 'best_private', 'public_rank', 'private_rank', 'disqualified'],
        ...rows.map((r) => [r.handle, r.displayName, r.submissions, r.scored, r.bestPublic, r.bestPrivate, r.publicRank, r.privateRank, r.disqualified ? 'yes' : '']),
      ]),
    );
  });
}

/** The dashboard: challenges with their phase and actions, queue monitor, reaper activity, forms, recent audit entries. */
function dashboardPage(req: Request, o: OrganizerOverview, done: string | null): string {
  const challengeRows = o.challenges.map(({ view: c, phase: p, submissions, inPipeline }) => {
    const id = encodeURIComponent(c.row.id);
    return `<tr><th scope="row">${escapeHtml(c.def.title)}<br><small>${escapeHtml(c.row.id)}</small></th><td>${escapeHtml(p.phase)}${p.frozen ? ' (frozen)' : ''}</td><td>${submissions} (${inPipeline} in the pipeline)</td><td><form method="post" action="/admin/challenges/${id}/action">${csrfField(req)}<label>Action <select name="action">${ACTIONS.map((a) => `<option>${a}</option>`).join('')}</select></label> <label>Reason <input name="reason" required size="18"></label> <button type="submit">Apply</button></form></td><td><a href="/challenges/${id}/leaderboard">board</a> · <a href="/admin/challenges/${id}/leaderboard.csv?split=public">public CSV</a> · <a href="/admin/challenges/${id}/leaderboard.csv?split=private">private CSV</a> · <a href="/admin/challenges/${id}/leaderboard.json?split=private">JSON</a> · <a href="/admin/challenges/${id}/gradebook.csv">gradebook</a>${c.def.projects ? ` · <a href="/challenges/${id}/projects">projects</a><form method="post" action="/admin/challenges/${id}/projects/assign">${csrfField(req)}<button type="submit">Assign project judges</button></form>` : ''}${p.privateRevealed ? `<form method="post" action="/admin/challenges/${id}/publish">${csrfField(req)}<input type="hidden" name="reason" value="final results"><button type="submit">Publish to GitHub</button></form>` : ''}</td></tr>`;
  });
  const queueRows = o.queues.map((q) => `<tr><th scope="row">${q.stage}</th><td>${q.waiting}</td><td>${q.active}</td><td>${q.delayed}</td><td>${q.failed}</td><td>${q.completed}</td></tr>`);
  const { requeued, failed, stuck } = o.reaper;
  const challengeOptions = o.challenges.map((c) => `<option value="${escapeHtml(c.view.row.id)}">${escapeHtml(c.view.row.id)}</option>`).join('');
  return page(
    'Organizer dashboard — TinyArena',
    `<h1>Organizer dashboard</h1>${done === null ? '' : `<p role="status">Done: ${escapeHtml(done)}</p>`}
<h2>Challenges</h2><table><thead><tr><th scope="col">Challenge</th><th scope="col">Phase</th><th scope="col">Submissions</th><th scope="col">Change</th><th scope="col">Results</th></tr></thead><tbody>${challengeRows.join('')}</tbody></table>
<h2>Queues</h2><table><thead><tr><th scope="col">Stage</th><th scope="col">Waiting</th><th scope="col">Running</th><th scope="col">Retrying</th><th scope="col">Failed</th><th scope="col">Completed</th></tr></thead><tbody>${queueRows.join('')}</tbody></table>
<p>Reaper, last 24 h: ${requeued} jobs re-queued, ${failed} submissions failed (quota refunded).${stuck.length ? ` Running for over 15 minutes: ${stuck.map((s) => `<a href="/submissions/${encodeURIComponent(s.id)}">${escapeHtml(s.id)}</a> (${escapeHtml(s.stage ?? '?')})`).join(', ')}.` : ''}</p>
<h2>Rejudge</h2><form method="post" action="/admin/rejudge">${csrfField(req)}<label>Challenge <select name="challenge">${challengeOptions}</select></label> <label>Submission ids (optional, space-separated) <input name="submissions" size="30"></label> <label>Reason <input name="reason" required></label> <button type="submit">Rejudge</button></form>
<h2>Disqualify</h2><form method="post" action="/admin/disqualify">${csrfField(req)}<label>Submission id <input name="submission" required></label> <label>Reason <input name="reason" required></label> <label><input type="checkbox" name="undo" value="1"> undo (requalify)</label> <button type="submit">Apply</button></form>
<h2>Quota grant</h2><form method="post" action="/admin/quota">${csrfField(req)}<label>Challenge <select name="challenge">${challengeOptions}</select></label> <label>Handle <input name="handle" required></label> <label>Extra <input name="extra" type="number" value="1" required></label> <label>Reason <input name="reason" required></label> <button type="submit">Grant</button></form>
<h2>Recent audit entries</h2>${auditList(o.recentAudit)}<p><a href="/admin/audit">Whole audit log</a></p>`,
  );
}
