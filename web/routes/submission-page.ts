/**
 * GET /submissions/:id — a plain report page: state, stages with their outcome, public score and rank.
 * Until browser sign-in lands (web issue) it shows only what the public board would show anyway,
 * plus the preflight checks, which help the learner fix a rejected file.
 */
import { Router, type Request, type Response } from 'express';
import { submissionStatus } from '../../grader/pipeline/status.js';
import type { WebContext } from '../context.js';
import { escapeHtml, page } from '../views/layout.js';

interface CheckView {
  id: string;
  status: string;
  message: string;
  hint?: string;
}

export function submissionPageRoutes(ctx: WebContext): Router {
  const router = Router();
  const { services } = ctx;
  router.get('/submissions/:id', async (req: Request, res: Response) => {
    const s = await submissionStatus(services.db, String(req.params.id), { publicUrl: services.config.PUBLIC_URL, workers: services.config.WORKER_CONCURRENCY });
    if (!s) return res.status(404).type('html').send(page('Not found', '<h1>Not found</h1><p>No such submission.</p>'));
    const validate = s.stages.find((st) => st.name === 'validate')?.detail as { checks?: CheckView[] } | undefined;
    const checks = validate?.checks?.length
      ? `<h2>Preflight checks</h2><ul>${validate.checks.map((c) => `<li><strong>${escapeHtml(c.status)}</strong> ${escapeHtml(c.message)}${c.hint ? ` — <em>${escapeHtml(c.hint)}</em>` : ''}</li>`).join('')}</ul>`
      : '';
    const stages = s.stages.length
      ? `<h2>Stages</h2><table><thead><tr><th scope="col">Stage</th><th scope="col">Status</th><th scope="col">Note</th></tr></thead><tbody>${s.stages
          .map((st) => {
            const note = st.error ?? (st.detail && typeof st.detail === 'object' && 'reason' in st.detail ? String((st.detail).reason) : '');
            return `<tr><td>${escapeHtml(st.name)}</td><td>${escapeHtml(st.status)}</td><td>${escapeHtml(note)}</td></tr>`;
          })
          .join('')}</tbody></table>`
      : '';
    const score = s.score !== null ? `<p>Score: <strong>${s.score.toFixed(3)}</strong>${s.rank ? ` — rank ${s.rank}` : s.eligible ? '' : ' (below the quality gate: not ranked)'}</p>` : '';
    const queued = s.state === 'queued' ? `<p>Position ${s.queue.position} in the queue${s.queue.etaSeconds ? `, about ${s.queue.etaSeconds} s` : ''}.</p>` : '';
    res.type('html').send(
      page(
        `Submission ${s.id}`,
        `<h1>Submission <code>${escapeHtml(s.id)}</code></h1><p>${escapeHtml(s.fileName)} to <a href="/challenges/${encodeURIComponent(s.challenge)}/leaderboard">${escapeHtml(s.challenge)}</a> by ${escapeHtml(s.person)}: <strong>${escapeHtml(s.state)}</strong>${s.reason ? ` — ${escapeHtml(s.reason)}` : ''}</p>${s.disqualified ? `<p><strong>Disqualified:</strong> ${escapeHtml(s.disqualified.reason ?? '')}</p>` : ''}${queued}${score}${stages}${checks}`,
      ),
    );
  });
  return router;
}
