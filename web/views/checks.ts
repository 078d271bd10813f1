/**
 * Preflight (or firmware) checks on the report: failures first, each with what is wrong, one fix and
 * the recipe link; then the passed checks, compact. The same checks are the source of the
 * submission's reason, so the report shows them here once and does not repeat the reason above.
 */
import { escapeHtml } from './layout.js';

export interface CheckView {
  id: string;
  status: string;
  message: string;
  hint?: string;
  link?: string;
}

/** Text with its line breaks kept (escaped, `\n` → `<br>`). */
export const textWithBreaks = (text: string) => escapeHtml(text).replace(/\n/g, '<br>');

export function checksSection(checks: readonly CheckView[], title: string): string {
  if (!checks.length) return '';
  const failed = checks.filter((c) => c.status !== 'pass');
  const passed = checks.filter((c) => c.status === 'pass');
  const item = (c: CheckView) =>
    `<li class="check check-${escapeHtml(c.status)}"><strong>${c.status === 'fail' ? 'Failed' : 'Note'}: <code>${escapeHtml(c.id)}</code></strong> — ${escapeHtml(c.message)}${c.hint ? `<br>Fix: ${escapeHtml(c.hint)}` : ''}${c.link ? `<br><a href="${escapeHtml(c.link)}">The full recipe</a>` : ''}</li>`;
  return `<h2 id="checks">${escapeHtml(title)}</h2>${failed.length ? `<ul class="checks">${failed.map(item).join('')}</ul>` : ''}${
    passed.length ? `<details><summary>${passed.length} check${passed.length === 1 ? '' : 's'} passed</summary><ul class="checks">${passed.map((c) => `<li><code>${escapeHtml(c.id)}</code> ${escapeHtml(c.message)}</li>`).join('')}</ul></details>` : ''
  }`;
}
