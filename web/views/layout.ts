/**
 * The page frame every HTML page shares: a skip link, the site header with its navigation (the current
 * item marked, sign in / sign out), the main content, and the site's stylesheet and scripts as static
 * files (no inline <script> or style attributes: pages pass a strict Content-Security-Policy).
 */
import { currentChrome, type Chrome } from './chrome.js';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escape text for HTML element content and attribute values. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

export interface PageOptions {
  /** Static scripts (paths under /static/), loaded deferred. */
  scripts?: string[];
  /** The header's user and current path; by default the current request's (web/views/chrome.ts). */
  chrome?: Chrome | null;
}

/** Navigation: label, href, and which paths make it the current item. */
const NAV: { label: string; href: string; current: (path: string) => boolean; show?: (c: Chrome) => boolean }[] = [
  { label: 'Challenges', href: '/', current: (p) => p === '/' || (/^\/challenges\/[^/]+(\/team|\/projects)?$/.test(p) && !p.endsWith('/leaderboard')) },
  { label: 'Leaderboards', href: '/leaderboards', current: (p) => p === '/leaderboards' || p.endsWith('/leaderboard') },
  { label: 'My submissions', href: '/me/submissions', current: (p) => p === '/me/submissions' },
  { label: 'Dashboard', href: '/admin', current: (p) => p.startsWith('/admin'), show: (c) => c.user?.organizer ?? false },
  { label: 'Review', href: '/moderation', current: (p) => p.startsWith('/moderation'), show: (c) => c.user?.moderator ?? false },
  { label: 'Judging', href: '/judge', current: (p) => p.startsWith('/judge'), show: (c) => c.user?.judge ?? false },
];

function header(chrome: Chrome | null): string {
  const path = chrome?.path ?? '';
  const items = NAV.filter((n) => !n.show || (chrome && n.show(chrome)))
    .map((n) => `<li><a href="${n.href}"${n.current(path) ? ' aria-current="page"' : ''}>${n.label}</a></li>`)
    .join('');
  const user = chrome?.user;
  const account = user
    ? `<span class="who">Signed in as <strong>${escapeHtml(user.handle)}</strong></span><form method="post" action="/logout" class="inline"><input type="hidden" name="_csrf" value="${escapeHtml(chrome.csrf())}"><button type="submit" class="link">Sign out</button></form>`
    : `<a href="/login${path && path !== '/login' ? `?next=${encodeURIComponent(path)}` : ''}"${path === '/login' ? ' aria-current="page"' : ''}>Sign in</a>`;
  return `<header class="site"><a class="brand" href="/">TinyArena</a><nav aria-label="Site"><ul>${items}</ul></nav><div class="account">${account}</div></header>`;
}

const flash = (chrome: Chrome | null) => {
  const text = chrome?.flash();
  return text ? `<p class="notice" role="status">${escapeHtml(text)}</p>` : '';
};

/** A complete page around body HTML (already escaped by the caller). */
export function page(title: string, body: string, opts: PageOptions = {}): string {
  const chrome = opts.chrome === undefined ? currentChrome() : opts.chrome;
  const scripts = (opts.scripts ?? []).map((src) => `<script src="${escapeHtml(src)}" defer></script>`).join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)}</title><link rel="stylesheet" href="/static/site.css">${scripts}</head><body><a class="skip" href="#main">Skip to content</a>${header(chrome)}<main id="main">${flash(chrome)}${body}</main><footer class="site"><a href="/help/quantization">Converting a model to int8</a> · <a href="/rack">Board rack</a> · <a href="/healthz">Service health</a></footer></body></html>`;
}
