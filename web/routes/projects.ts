/**
 * The capstone project track on the web:
 *   POST /api/challenges/:id/projects          a learner's entry (JSON: title, description, repoUrl, videoUrl, submissionId)
 *   GET  /challenges/:id/projects              results (everyone once the challenge closes)
 *   GET  /judge, POST /judge/:entryId          a judge's assigned entries and the rubric form
 *   POST /api/judge/conflicts                  a judge declares a conflict of interest ({ handle, reason })
 *   POST /admin/challenges/:id/projects/assign judges assigned, conflict-free (organizers)
 */
import express, { Router, type Request, type Response } from 'express';
import { getChallenge, phaseOf } from '../../arena/catalog.js';

import { assignProjectJudges, declareConflict, projectResults, scoreEntry, submitEntry, entryOf, judgeAssignments } from '../../arena/projects/service.js';
import { requireJudgePage, requireOrganizerPage, requireUser, userOf } from '../auth.js';
import type { WebContext } from '../context.js';
import { csrfField, verifyCsrf } from '../session.js';
import { escapeHtml, page } from '../views/layout.js';
import { refuseJson, refusePage } from '../refusals.js';

export function projectRoutes(ctx: WebContext): Router {
  const router = Router();
  const { services } = ctx;
  const json = express.json({ limit: '32kb' });
  const form = express.urlencoded({ extended: false, limit: '32kb' });
  const known = (res: Response, err: unknown) => {
    if (!refuseJson(res, err)) throw err;
  };

  router.post('/api/challenges/:id/projects', requireUser, json, async (req: Request, res: Response) => {
    const b = (req.body ?? {}) as Record<string, unknown>;
    const str = (k: string) => (typeof b[k] === 'string' ? (b[k]) : undefined);
    try {
      const entry = await submitEntry(services, userOf(res)!.id, String(req.params.id), { title: str('title') ?? '', description: str('description') ?? '', repoUrl: str('repoUrl'), videoUrl: str('videoUrl'), submissionId: str('submissionId') });
      res.status(201).json({ id: entry.id, title: entry.title });
    } catch (err) {
      known(res, err);
    }
  });

  router.post('/api/judge/conflicts', requireUser, json, async (req: Request, res: Response) => {
    const b = (req.body ?? {}) as { handle?: unknown; reason?: unknown };
    if (!userOf(res)!.judge) return res.status(403).json({ error: 'only judges declare conflicts' });
    try {
      await declareConflict(services, userOf(res)!.id, typeof b.handle === 'string' ? b.handle : '', typeof b.reason === 'string' ? b.reason : '');
      res.status(204).end();
    } catch (err) {
      known(res, err);
    }
  });

  router.get('/challenges/:id/projects', async (req: Request, res: Response) => {
    let view;
    let title: string;
    let open = false;
    try {
      const c = await getChallenge(services.db, String(req.params.id), services.config.CHALLENGES_DIR);
      title = c.def.title;
      open = phaseOf(c).accepting;
      view = await projectResults(services, String(req.params.id), userOf(res)?.id ?? null);
    } catch (err) {
      if (!refusePage(res, err, { title: 'Not found', status: 404 })) throw err;
      return;
    }
    const body = !view.visible
      ? '<p>Judging is in progress; results appear when the challenge closes.</p>'
      : view.results.length
        ? `<table><caption>Projects, ranked by judges' scores normalised per judge</caption><thead><tr><th scope="col">Rank</th><th scope="col">Project</th><th scope="col">By</th><th scope="col">Score</th><th scope="col">Judges</th></tr></thead><tbody>${view.results
            .map((r) => `<tr><td>${r.rank}</td><td>${escapeHtml(r.title)}${r.repoUrl ? ` · <a href="${escapeHtml(r.repoUrl)}">code</a>` : ''}${r.videoUrl ? ` · <a href="${escapeHtml(r.videoUrl)}">video</a>` : ''}</td><td>${escapeHtml(r.displayName)}</td><td>${r.score.toFixed(1)}</td><td>${r.judges}</td></tr>`)
            .join('')}</tbody></table>${view.pendingMarks ? `<p>${view.pendingMarks} judge marks are still missing.</p>` : ''}`
        : '<p>No project has been marked yet.</p>';
    // The signed-in learner's own entry: a form while the challenge is open, the judges' comments once it closes.
    const user = userOf(res);
    let mine = '';
    if (user) {
      const entry = await entryOf(services, String(req.params.id), user.id);
      const action = `/challenges/${encodeURIComponent(String(req.params.id))}/projects`;
      if (open) {
        const v = (x: string | null | undefined) => escapeHtml(x ?? '');
        mine = `<h2>${entry ? 'Your project' : 'Enter your project'}</h2>${typeof req.query.saved === 'string' ? '<p role="status">Saved.</p>' : ''}<form method="post" action="${action}">${csrfField(req)}<p><label for="p-title">Title</label><br><input id="p-title" name="title" required minlength="3" maxlength="120" size="60" value="${v(entry?.title)}"></p><p><label for="p-desc">What it does and why it matters</label><br><textarea id="p-desc" name="description" required minlength="20" rows="6" cols="80">${v(entry?.description)}</textarea></p><p><label for="p-repo">Repository link</label><br><input id="p-repo" name="repoUrl" type="url" size="60" value="${v(entry?.repoUrl)}"></p><p><label for="p-video">Video link</label><br><input id="p-video" name="videoUrl" type="url" size="60" value="${v(entry?.videoUrl)}"></p><p><button type="submit">${entry ? 'Update' : 'Enter'} project</button></p></form>`;
      } else if (entry && view.visible && entry.scores.some((x) => x.comment)) {
        mine = `<h2>What the judges said about “${escapeHtml(entry.title)}”</h2><ul>${entry.scores.filter((x) => x.comment).map((x) => `<li>${escapeHtml(x.comment)}</li>`).join('')}</ul>`;
      }
    }
    res.type('html').send(page(`${title} — projects`, `<h1>${escapeHtml(title)}: capstone projects</h1>${mine}${body}`));
  });

  router.post('/challenges/:id/projects', form, verifyCsrf, async (req: Request, res: Response) => {
    const user = userOf(res);
    if (!user) return res.redirect(303, `/login?next=${encodeURIComponent(req.originalUrl)}`);
    const b = req.body as Record<string, string | undefined>;
    try {
      await submitEntry(services, user.id, String(req.params.id), { title: b.title ?? '', description: b.description ?? '', repoUrl: b.repoUrl, videoUrl: b.videoUrl });
      res.redirect(303, `/challenges/${encodeURIComponent(String(req.params.id))}/projects?saved=1`);
    } catch (err) {
      if (!refusePage(res, err, { title: 'Not saved', status: 400, back: { href: `/challenges/${encodeURIComponent(String(req.params.id))}/projects` } })) throw err;
    }
  });

  router.get('/judge', requireJudgePage, async (req: Request, res: Response) => {
    const judgeId = userOf(res)!.id;
    const assigned = await judgeAssignments(services, judgeId);
    const items = await Promise.all(
      assigned.map(async (a) => {
        const c = await getChallenge(services.db, a.entry.challengeId, services.config.CHALLENGES_DIR);
        const rubric = c.def.projects?.rubric ?? [];
        const prev = (a.entry.scores[0]?.marks ?? {}) as Record<string, number>;
        const e = a.entry;
        return `<article><h2>${escapeHtml(e.title)}</h2><p>${escapeHtml(e.description)}</p><p>${e.repoUrl ? `<a href="${escapeHtml(e.repoUrl)}">code</a> ` : ''}${e.videoUrl ? `<a href="${escapeHtml(e.videoUrl)}">video</a>` : ''}</p><form method="post" action="/judge/${encodeURIComponent(e.id)}">${csrfField(req)}${rubric
          .map((r) => `<p><label>${escapeHtml(r.label)} (0–${r.max}) <input type="number" name="mark_${escapeHtml(r.id)}" min="0" max="${r.max}" step="any" required value="${prev[r.id] ?? ''}"></label></p>`)
          .join('')}<p><label>Comment for the team<br><textarea name="comment" rows="3" cols="70">${escapeHtml(a.entry.scores[0]?.comment ?? '')}</textarea></label></p><p><button type="submit">${a.entry.scores.length ? 'Update marks' : 'Save marks'}</button></p></form></article>`;
      }),
    );
    const done = typeof req.query.done === 'string' ? `<p role="status">${escapeHtml(req.query.done)}</p>` : '';
    res.set('Cache-Control', 'no-store').type('html').send(page('Judging — TinyArena', `<h1>Projects to judge</h1>${done}${items.join('') || '<p>No entries are assigned to you.</p>'}`));
  });

  router.post('/judge/:entryId', requireJudgePage, form, verifyCsrf, async (req: Request, res: Response) => {
    const b = req.body as Record<string, string>;
    const marks = Object.fromEntries(Object.entries(b).filter(([k]) => k.startsWith('mark_')).map(([k, v]) => [k.slice(5), Number(v)]));
    try {
      const r = await scoreEntry(services, userOf(res)!.id, String(req.params.entryId), marks, b.comment ?? '');
      res.redirect(303, `/judge?done=${encodeURIComponent(`saved (total ${r.total.toFixed(1)} / 100)`)}`);
    } catch (err) {
      if (!refusePage(res, err, { title: 'Not saved', status: 400, back: { href: '/judge' } })) throw err;
    }
  });

  router.post('/admin/challenges/:id/projects/assign', requireOrganizerPage, form, verifyCsrf, async (req: Request, res: Response) => {
    try {
      const plan = await assignProjectJudges(services, { actorId: userOf(res)!.id, reason: 'assign judges' }, String(req.params.id));
      res.redirect(303, `/admin?done=${encodeURIComponent(`${plan.add.length} judge assignments added${plan.short.length ? `; ${plan.short.length} entries lack judges` : ''}`)}`);
    } catch (err) {
      if (!refusePage(res, err, { status: 400 })) throw err;
    }
  });
  return router;
}
