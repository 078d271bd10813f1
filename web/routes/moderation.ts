/**
 * The moderators' triage queue (moderators and admins only):
 *   GET  /moderation                 the bot's proposals for new forum topics, oldest first, with the
 *                                    evidence (kind, section, tags, likely duplicate, cited draft answer)
 *   POST /moderation/:id/approve     approve as proposed or with edits (then applied to the forum)
 *   POST /moderation/:id/dismiss     nothing is applied
 * Both go through bot/discourse/review.ts, which checks the role again and writes the audit log.
 */
import express, { Router, type Request, type Response } from 'express';
import { recentKindPrecision } from '../../bot/discourse/learning.js';
import { approveProposal, dismissProposal, getProposal, listProposals, ReviewError } from '../../bot/discourse/review.js';
import { KINDS } from '../../bot/discourse/triage/types.js';
import { requireModeratorPage, userOf } from '../auth.js';
import type { WebContext } from '../context.js';
import { csrfField, verifyCsrf } from '../session.js';
import { escapeHtml, page } from '../views/layout.js';

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

export function moderationRoutes(ctx: WebContext): Router {
  const router = Router();
  const { services } = ctx;
  const form = express.urlencoded({ extended: false, limit: '64kb' });
  router.use('/moderation', requireModeratorPage);

  router.get('/moderation', async (req: Request, res: Response) => {
    // Spam first: it should leave the forum before anything else is read.
    const proposals = (await listProposals(services, { limit: 50 })).sort((x, y) => Number(y.kind === 'spam') - Number(x.kind === 'spam'));
    const done = typeof req.query.done === 'string' ? `<p role="status">${escapeHtml(req.query.done)}</p>` : '';
    const precision = await precisionTable();
    const items = proposals.map((d) => {
      const citations = (Array.isArray(d.citations) ? d.citations : []) as { id?: string; title?: string; url?: string }[];
      const tags = strings(d.tags);
      const excerpt = d.topic.body.length > 600 ? `${d.topic.body.slice(0, 600)}…` : d.topic.body;
      const reasons = strings(d.evidence).filter((e) => d.kind !== 'spam' || e.startsWith('spam') || e.startsWith('model') || e.startsWith('moderators'));
      const kindLine = `<p><strong>Proposed: ${escapeHtml(d.kind)}</strong>${d.kindConfidence !== null ? ` (${Math.round(d.kindConfidence * 100)} % sure)` : ''}${d.courseSection ? ` · section ${escapeHtml(d.courseSection)}` : ''}${d.topic.authorTrustLevel !== null ? ` · author trust level ${d.topic.authorTrustLevel}` : ''}</p>`;
      return `<article aria-labelledby="t${d.id}"><h2 id="t${d.id}">${d.kind === 'spam' ? 'Likely spam: ' : ''}<a href="${escapeHtml(d.topic.url)}">${escapeHtml(d.topic.title)}</a></h2><p><small>by ${escapeHtml(d.topic.authorUsername)}, ${d.topic.postedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC · answer confidence ${d.confidence.toFixed(2)}${d.abstained ? ' · the bot abstained' : ''}${d.duplicateOf ? ` · likely duplicate of topic ${d.duplicateOf}` : ''}</small></p>${kindLine}<blockquote>${escapeHtml(excerpt)}</blockquote>${reasons.length ? `<details${d.kind === 'spam' ? ' open' : ''}><summary>Why</summary><ul>${reasons.map((r) => `<li>${escapeHtml(r)}</li>`).join('')}</ul></details>` : ''}${citations.length ? `<p>Evidence: ${citations.map((c) => (c.url ? `<a href="${escapeHtml(c.url)}">${escapeHtml(c.title ?? c.id ?? '')}</a>` : escapeHtml(c.title ?? c.id ?? ''))).join(', ')}</p>` : ''}
<form method="post" action="/moderation/${encodeURIComponent(d.id)}/approve">${csrfField(req)}<p><label>Kind <select name="kind">${KINDS.map((k) => `<option${k === d.kind ? ' selected' : ''}>${k}</option>`).join('')}</select></label> <label>Course section <input name="courseSection" value="${escapeHtml(d.courseSection ?? '')}" size="8"></label> <label>Tags <input name="tags" value="${escapeHtml(tags.join(', '))}" size="30"></label></p><p><label>Answer to post<br><textarea name="answerDraft" rows="6" cols="80">${escapeHtml(d.answerDraft ?? '')}</textarea></label></p><p><button type="submit">Approve</button></p></form>
<form method="post" action="/moderation/${encodeURIComponent(d.id)}/dismiss">${csrfField(req)}<label>Why dismiss <input name="reason" size="30"></label> <label>It is really <select name="kind"><option value="">(not ${escapeHtml(d.kind)}; don't know)</option>${KINDS.filter((k) => k !== d.kind).map((k) => `<option>${k}</option>`).join('')}</select></label> <button type="submit">Dismiss</button></form></article><hr>`;
    });
    res.set('Cache-Control', 'no-store').type('html').send(page('Triage queue — TinyArena', `<h1>Triage queue</h1>${done}${precision}${items.length ? items.join('') : '<p>No proposals waiting.</p>'}`));
  });

  /** How often moderators kept each kind the bot proposed, over the recent reviewed decisions. */
  async function precisionTable(): Promise<string> {
    const { decisions, perKind } = await recentKindPrecision(services);
    if (!decisions) return '<p>No reviewed proposals yet: the bot learns from every approval, edit and dismissal.</p>';
    const rows = perKind.filter((k) => k.reviewed).map((k) => `<tr><th scope="row">${k.kind}</th><td>${k.kept} of ${k.reviewed}</td><td>${k.precision === null ? '—' : `${Math.round(k.precision * 100)} %`}</td></tr>`);
    return `<section aria-labelledby="precision"><h2 id="precision">How right the bot was (last ${decisions} reviewed proposals)</h2><table><thead><tr><th scope="col">Proposed kind</th><th scope="col">Kept by moderators</th><th scope="col">Precision</th></tr></thead><tbody>${rows.join('')}</tbody></table></section>`;
  }

  const review = (fn: (req: Request, res: Response) => Promise<string>) => async (req: Request, res: Response) => {
    try {
      res.redirect(303, `/moderation?done=${encodeURIComponent(await fn(req, res))}`);
    } catch (err) {
      if (!(err instanceof ReviewError)) throw err;
      res.status(409).type('html').send(page('Not done', `<h1>Not done</h1><p role="alert">${escapeHtml(err.message)}</p><p><a href="/moderation">Back to the queue</a></p>`));
    }
  };

  router.post('/moderation/:id/approve', form, verifyCsrf, review(async (req, res) => {
    const id = String(req.params.id);
    const d = await getProposal(services, id);
    if (!d) throw new ReviewError(`no triage proposal ${id}`);
    const b = req.body as { kind?: string; courseSection?: string; tags?: string; answerDraft?: string };
    // Only what the moderator changed counts as an edit.
    const tags = (b.tags ?? '').split(',').map((t) => t.trim().toLowerCase()).filter(Boolean);
    const section = (b.courseSection ?? '').trim() || null;
    const answer = (b.answerDraft ?? '').replace(/\r\n/g, '\n').trim() || null;
    const edits = {
      ...(b.kind && b.kind !== d.kind ? { kind: b.kind } : {}),
      ...(section !== (d.courseSection ?? null) ? { courseSection: section } : {}),
      ...(tags.join(',') !== strings(d.tags).join(',') ? { tags } : {}),
      ...(answer !== ((d.answerDraft ?? '').trim() || null) ? { answerDraft: answer } : {}),
    };
    const r = await approveProposal(services, id, { personId: userOf(res)!.id }, edits);
    return `approved (${r.status})${r.githubIssue ? `; GitHub issue #${r.githubIssue.number}` : ''}`;
  }));

  router.post('/moderation/:id/dismiss', form, verifyCsrf, review(async (req, res) => {
    const body = req.body as { reason?: string; kind?: string };
    const reason = String(body.reason ?? '').trim();
    const kind = String(body.kind ?? '').trim();
    await dismissProposal(services, String(req.params.id), { personId: userOf(res)!.id, ...(reason ? { reason } : {}) }, kind ? { kind } : {});
    return 'dismissed';
  }));
  return router;
}
