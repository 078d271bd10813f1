/**
 * GET /teams/:id — a team's page: members and its place on the public board for everyone; its
 * submissions with their scores for its members and organizers (the join code is never shown here).
 * GET /challenges/:id/team — the signed-in learner's team of a challenge (with its join code) and the
 * forms to create, join or leave one (POST …/team/create|join|leave, CSRF-checked).
 */
import express, { Router, type Request, type Response } from 'express';
import { challengeTitle } from '../../arena/catalog.js';
import { teamSubmissionsFor } from '../../arena/report-access.js';
import { createTeam, joinTeam, leaveTeam, teamOf, teamPage } from '../../arena/teams.js';
import { userOf } from '../auth.js';
import type { WebContext } from '../context.js';
import { csrfField, verifyCsrf } from '../session.js';
import { escapeHtml, page } from '../views/layout.js';
import { refusePage } from '../refusals.js';

export function teamPageRoutes(ctx: WebContext): Router {
  const router = Router();
  const { services } = ctx;
  router.get('/teams/:id', async (req: Request, res: Response) => {
    const found = await teamPage(services, String(req.params.id));
    if (!found) return res.status(404).type('html').send(page('Not found', '<h1>Not found</h1><p>No such team.</p>'));
    const { team: t, place: entry } = found;
    // Members and organizers see every submission; others only the board's row (arena/report-access.ts).
    const subs = await teamSubmissionsFor(services, t.id, userOf(res));
    const cid = encodeURIComponent(t.challengeId);
    const members = `<ul>${t.members.map((m) => `<li>${escapeHtml(m.displayName)} (${escapeHtml(m.handle)})${m.isCaptain ? ' — captain' : ''}</li>`).join('')}</ul>`;
    const place = entry ? `<p>Rank <strong>${entry.rank}</strong> on the <a href="/challenges/${cid}/leaderboard">public leaderboard</a>, score ${entry.score.toFixed(3)} (<a href="/submissions/${encodeURIComponent(entry.submissionId)}">its submission</a>).</p>` : `<p>Not on the <a href="/challenges/${cid}/leaderboard">public leaderboard</a> yet.</p>`;
    const rows = subs.submissions
      .map((s) => `<tr><td><a href="/submissions/${encodeURIComponent(s.id)}">${escapeHtml(s.fileName)}</a></td><td>${escapeHtml(s.person)}</td><td>${escapeHtml(s.state)}</td><td>${s.publicScore === null ? '' : s.publicScore.toFixed(3)}</td><td><time datetime="${s.createdAt.toISOString()}">${s.createdAt.toISOString().replace('T', ' ').slice(0, 16)} UTC</time></td></tr>`)
      .join('');
    const table = !subs.member
      ? ''
      : subs.submissions.length
      ? `<table><caption>Submissions</caption><thead><tr><th scope="col">File</th><th scope="col">By</th><th scope="col">State</th><th scope="col">Public score</th><th scope="col">Submitted</th></tr></thead><tbody>${rows}</tbody></table>`
      : '<p>No submissions yet.</p>';
    res.type('html').send(page(`${t.name} — team`, `<h1>${escapeHtml(t.name)}</h1><p>Team in <a href="/challenges/${cid}">${escapeHtml(t.challengeId)}</a>, ${t.members.length} of ${t.maxSize} members.</p>${members}${place}${table}`));
  });
  router.get('/challenges/:id/team', async (req: Request, res: Response) => {
    const challengeId = String(req.params.id);
    const cid = encodeURIComponent(challengeId);
    const user = userOf(res);
    if (!user) return res.redirect(303, `/login?next=${encodeURIComponent(req.originalUrl)}`);
    const title = await challengeTitle(services.db, challengeId);
    if (title === null) return res.status(404).type('html').send(page('Not found', '<h1>Not found</h1><p>No such challenge.</p>'));
    const t = await teamOf(services, challengeId, user.id);
    const done = typeof req.query.done === 'string' ? `<p role="status">${escapeHtml({ created: 'Team created.', joined: 'You joined the team.', left: 'You left the team.' }[req.query.done] ?? '')}</p>` : '';
    const body = t
      ? `<p>You are in <a href="/teams/${encodeURIComponent(t.id)}">${escapeHtml(t.name)}</a> (${t.members.length} of ${t.maxSize}): ${t.members.map((m) => escapeHtml(m.displayName)).join(', ')}.</p>${
          t.members.length < t.maxSize && t.joinCode ? `<p>Join code for teammates: <code>${escapeHtml(t.joinCode)}</code></p>` : ''
        }<form method="post" action="/challenges/${cid}/team/leave">${csrfField(req)}<p><button type="submit">Leave the team</button> (only before you have submitted with it)</p></form>`
      : `<h2>Create a team</h2><form method="post" action="/challenges/${cid}/team/create">${csrfField(req)}<p><label for="t-name">Team name</label><br><input id="t-name" name="name" required maxlength="40"></p><p><button type="submit">Create</button></p></form><h2>Join a team</h2><form method="post" action="/challenges/${cid}/team/join">${csrfField(req)}<p><label for="t-code">Join code from a teammate</label><br><input id="t-code" name="code" required maxlength="20" autocomplete="off"></p><p><button type="submit">Join</button></p></form>`;
    res.type('html').send(page(`Your team — ${title}`, `<h1>Your team in <a href="/challenges/${cid}">${escapeHtml(title)}</a></h1>${done}${body}`));
  });

  const form = express.urlencoded({ extended: false, limit: '4kb' });
  router.post('/challenges/:id/team/:action', form, verifyCsrf, async (req: Request, res: Response) => {
    const challengeId = String(req.params.id);
    const cid = encodeURIComponent(challengeId);
    const user = userOf(res);
    if (!user) return res.redirect(303, `/login?next=${encodeURIComponent(`/challenges/${challengeId}/team`)}`);
    const b = req.body as Record<string, string | undefined>;
    try {
      switch (req.params.action) {
        case 'create':
          await createTeam(services, challengeId, user.id, b.name ?? '');
          return res.redirect(303, `/challenges/${cid}/team?done=created`);
        case 'join': {
          const t = await joinTeam(services, user.id, b.code ?? '');
          // The code decides the challenge; a code of another challenge's team joins that one.
          return res.redirect(303, `/challenges/${encodeURIComponent(t.challengeId)}/team?done=joined`);
        }
        case 'leave':
          await leaveTeam(services, challengeId, user.id);
          return res.redirect(303, `/challenges/${cid}/team?done=left`);
        default:
          return res.status(404).json({ error: 'not found' });
      }
    } catch (err) {
      if (!refusePage(res, err, { status: 400, back: { href: `/challenges/${cid}/team` } })) throw err;
    }
  });

  return router;
}
