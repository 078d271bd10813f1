import { Router } from 'express';
import { challengeOverviews } from '../../arena/challenge-overview.js';
import type { WebContext } from '../context.js';
import { leaderSummary, statusBadge, statusDates } from '../views/challenge-status.js';
import { escapeHtml, page } from '../views/layout.js';
import { submitBox } from '../views/submit-box.js';

/** The landing page: what this is, each challenge with its status and dates, and how to submit. */
export function homeRoutes(ctx: WebContext): Router {
  const router = Router();
  router.get('/', async (_req, res) => {
    const challenges = await challengeOverviews(ctx.services);
    const cards = challenges.length
      ? `<ul class="cards">${challenges
          .map((c) => {
            const id = encodeURIComponent(c.id);
            const leaders = leaderSummary(c);
            const board = c.ranked ? `${c.ranked} ranked${leaders ? `; ${c.tracks === 'separate' ? 'leaders — ' : 'leader '}${leaders}` : ''}` : 'nobody ranked yet';
            return `<li class="card"><h3><a href="/challenges/${id}">${escapeHtml(c.title)}</a></h3><p>${statusBadge(c)} <small>${escapeHtml(c.task.toUpperCase())}${c.firmware ? ' · models or firmware' : ''}</small></p><p>${statusDates(c)}</p><p><a href="/challenges/${id}/leaderboard">Leaderboard</a>: ${board}.</p></li>`;
          })
          .join('')}</ul>`
      : '<p>No challenges are loaded yet.</p>';
    res.type('html').send(
      page(
        'TinyArena',
        `<h1>TinyArena</h1><p>Grading and leaderboards for the TinyML course capstone: keyword spotting, visual wake words and anomaly detection, judged on held-out data and on a rack of Arduino Nano 33 BLE Sense boards.</p><h2 id="challenges">Challenges</h2>${cards}${submitBox({ challenge: null, publicUrl: ctx.services.config.PUBLIC_URL, here: '/' })}`,
      ),
    );
  });
  return router;
}
