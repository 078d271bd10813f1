/** The audit log as a table (the whole log) and as a short list (the dashboard's recent entries). */
import type { AuditRow } from '../../arena/audit-log.js';
import { escapeHtml } from './layout.js';

const targetHtml = (t: AuditRow['target']) => `${escapeHtml(t.type)} ${t.href ? `<a href="${escapeHtml(t.href)}">${escapeHtml(t.label)}</a>` : `<strong>${escapeHtml(t.label)}</strong>`}`;
const when = (iso: string) => `<time datetime="${iso}">${iso.replace('T', ' ').slice(0, 19)}</time>`;

export function auditTable(rows: readonly AuditRow[]): string {
  if (!rows.length) return '<p>No entries.</p>';
  return `<div class="table-wrap"><table><thead><tr><th scope="col">When (UTC)</th><th scope="col">Who</th><th scope="col">Action</th><th scope="col">Target</th><th scope="col">Why</th><th scope="col">Before → after</th></tr></thead><tbody>${rows
    .map(
      (a) =>
        `<tr><td class="audit-when">${when(a.at)}</td><td>${escapeHtml(a.actor)}</td><td><code>${escapeHtml(a.action)}</code></td><td>${targetHtml(a.target)}</td><td>${escapeHtml(a.reason ?? '')}</td><td>${a.data === null ? '' : `<pre class="audit-data" tabindex="0">${escapeHtml(JSON.stringify(a.data, null, 2))}</pre>`}</td></tr>`,
    )
    .join('')}</tbody></table></div>`;
}

export function auditList(rows: readonly AuditRow[]): string {
  return `<ul>${rows.map((a) => `<li>${when(a.at).replace(/:\d\d<\/time>$/, '</time>')} ${escapeHtml(a.actor)}: ${escapeHtml(a.action)} ${targetHtml(a.target)}${a.reason ? ` — ${escapeHtml(a.reason)}` : ''}</li>`).join('')}</ul>`;
}
