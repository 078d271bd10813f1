/**
 * How routes answer a refused domain action (arena/errors.ts has the table): as JSON with the table's
 * status, or as a short page with the reason and a way back. Both return false for anything that is
 * not a refusal, which the route then rethrows (a 500 and a log line).
 */
import type { Response } from 'express';
import { domainRefusal } from '../arena/errors.js';
import { escapeHtml, page } from './views/layout.js';

/** `{ error, ...extra }` with the refusal's status. */
export function refuseJson(res: Response, err: unknown): boolean {
  const r = domainRefusal(err);
  if (!r) return false;
  res.status(r.status).json({ error: r.message, ...r.extra });
  return true;
}

/** A page titled `title` (default "Not done") with the reason; `status` overrides the table's (forms answer 400). */
export function refusePage(res: Response, err: unknown, opts: { title?: string; status?: number; back?: { href: string; label?: string } } = {}): boolean {
  const r = domainRefusal(err);
  if (!r) return false;
  const title = opts.title ?? 'Not done';
  const back = opts.back ? `<p><a href="${escapeHtml(opts.back.href)}">${escapeHtml(opts.back.label ?? 'Back')}</a></p>` : '';
  res.status(opts.status ?? r.status).type('html').send(page(title, `<h1>${escapeHtml(title)}</h1><p${title === 'Not found' ? '' : ' role="alert"'}>${escapeHtml(r.message)}</p>${back}`));
  return true;
}
