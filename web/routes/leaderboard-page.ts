/**
 * GET /challenges/:id/leaderboard?split=public|private&track=model|firmware&sort=<column>&dir=asc|desc&page=<n>
 * — the board as a server-rendered page: the public/private tabs (and the model/firmware track tabs
 * when the challenge ranks them separately), one row per participant with the figures
 * behind the score (task metric, board latency, flash and RAM, entries, last submission, the best
 * entry's report), sortable by any column through links (no script needed), paged, and the quality
 * against flash Pareto plot. An open, unfrozen board offers a refresh link when results change.
 */
import { Router, type Request, type Response } from 'express';
import { refusePage } from '../refusals.js';
import { PAGE_ERROR, pageParam } from '../../lib/paging.js';
import type { Track } from '../../arena/ranking.js';
import { DEFAULT_DIR, leaderboardTable, SORT_KEYS, type BoardRow, type BoardTable, type SortDir, type SortKey } from '../../arena/leaderboard-table.js';
import { formatBytes } from '../../lib/format.js';
import { userOf } from '../auth.js';
import type { WebContext } from '../context.js';
import { escapeHtml, page } from '../views/layout.js';
import { markParetoFront, paretoPlot } from '../views/plots.js';
import { whenShort } from '../views/time.js';

/** Rows per page (the page stays fast with thousands of participants). */
const PAGE = 100;

const COLUMNS: { key: SortKey | null; label: (t: BoardTable) => string; num?: boolean; title?: string }[] = [
  { key: 'rank', label: () => '#', num: true },
  { key: 'participant', label: () => 'Participant' },
  { key: 'score', label: () => 'Score', num: true },
  { key: 'quality', label: (t) => (t.metric === 'auc' ? 'ROC AUC' : 'Top-1 accuracy'), num: true },
  { key: 'latency', label: () => 'Latency (ms)', num: true, title: 'median on the board; fastest–slowest timed run below' },
  { key: 'flash', label: () => 'Flash', num: true, title: 'the model file, or a firmware image’s flash span' },
  { key: 'ram', label: () => 'RAM', num: true, title: 'tensor arena (measured on the board, or estimated), or a firmware’s static RAM' },
  { key: 'entries', label: () => 'Entries', num: true },
  { key: 'last', label: () => 'Last submission (UTC)' },
  { key: null, label: () => 'Best entry' },
  { key: null, label: () => 'Quality vs size' },
];

const isSortKey = (v: unknown): v is SortKey => typeof v === 'string' && (SORT_KEYS as readonly string[]).includes(v);

export function leaderboardPageRoutes(ctx: WebContext): Router {
  const router = Router();
  const { services } = ctx;

  router.get('/challenges/:id/leaderboard', async (req: Request, res: Response) => {
    const split = req.query.split === 'private' ? 'private' : 'public';
    const askedTrack: Track | undefined = req.query.track === 'model' || req.query.track === 'firmware' ? req.query.track : undefined;
    const sort = isSortKey(req.query.sort) ? req.query.sort : 'rank';
    const dir: SortDir = req.query.dir === 'asc' || req.query.dir === 'desc' ? req.query.dir : DEFAULT_DIR[sort];
    const pageNo = pageParam(req.query.page);
    if (pageNo === null) return res.status(400).type('html').send(page('Bad page number', `<h1>Bad page number</h1><p>${PAGE_ERROR}.</p>`));
    let t: BoardTable;
    try {
      t = await leaderboardTable(services, String(req.params.id), split, { sort, dir, page: pageNo, pageSize: PAGE, ...(askedTrack ? { track: askedTrack } : {}) });
    } catch (err) {
      if (refusePage(res, err, { title: 'Not found' })) return;
      throw err;
    }
    const id = encodeURIComponent(t.challenge);
    const href = (q: { split?: string; track?: Track; sort?: SortKey; dir?: SortDir; page?: number }) => {
      const p = new URLSearchParams({ split: q.split ?? split });
      if (t.tracks === 'separate') p.set('track', q.track ?? t.track);
      const s = q.sort ?? sort;
      if (s !== 'rank') p.set('sort', s);
      const d = q.dir ?? dir;
      if (d !== DEFAULT_DIR[s]) p.set('dir', d);
      if (q.page) p.set('page', String(q.page));
      return `/challenges/${id}/leaderboard?${p.toString().replace(/&/g, '&amp;')}`;
    };
    const trackQ = t.tracks === 'separate' ? `&amp;track=${t.track}` : '';
    const tabs = `<nav aria-label="Splits"><ul class="tabs"><li><a href="/challenges/${id}/leaderboard?split=public${trackQ}"${split === 'public' ? ' aria-current="page"' : ''}>Public</a></li><li><a href="/challenges/${id}/leaderboard?split=private${trackQ}"${split === 'private' ? ' aria-current="page"' : ''}>Private</a></li></ul></nav>${trackTabs(t, id)}`;
    const me = userOf(res)?.handle;
    const body = !t.visible ? '<p>The private leaderboard is revealed when the challenge closes.</p>' : t.rows.length === 0 ? '<p>No ranked submissions yet.</p>' : table(t, href, me);
    const pages = Math.ceil(t.total / PAGE);
    const pager =
      pages > 1
        ? `<nav aria-label="Pages"><p>Rows ${pageNo * PAGE + 1}–${Math.min(t.total, (pageNo + 1) * PAGE)} of ${t.total}. ${pageNo > 0 ? `<a href="${href({ page: pageNo - 1 })}">previous</a> ` : ''}${pageNo + 1 < pages ? `<a href="${href({ page: pageNo + 1 })}">next</a>` : ''}</p></nav>`
        : '';
    const points = markParetoFront(t.rows.filter((r) => r.quality !== null && r.flashBytes !== null).map((r) => ({ submissionId: r.submissionId, rank: r.rank, label: `#${r.rank} ${r.name}`, quality: r.quality!, sizeBytes: r.flashBytes!, href: `/submissions/${r.submissionId}` })));
    const pareto =
      points.length >= 2
        ? `<h2>Quality against size</h2><figure>${paretoPlot(points, { qualityLabel: t.metric === 'auc' ? 'ROC AUC' : 'top-1 accuracy', percent: t.metric !== 'auc', budgetBytes: t.maxModelBytes })}<figcaption>Each participant's ranked entry on this page: hover or focus a point for its name and figures, select it for its report. Orange: the Pareto front — no other entry is both better and smaller.</figcaption></figure>`
        : '';
    const live = t.visible && !t.frozen ? `<p id="live" class="live" role="status" aria-live="polite" data-events="/challenges/${id}/leaderboard/events"></p>` : '';
    res.type('html').send(
      page(
        `${t.title} — leaderboard`,
        `<h1>${escapeHtml(t.title)} <small>leaderboard</small></h1><p><a href="/challenges/${id}">Rules and submitting</a></p>${tabs}${t.frozen ? '<p class="notice"><strong>The public board is frozen:</strong> new results are not shown until the final reveal.</p>' : ''}${live}${body}${pager}${pareto}`,
        { scripts: live ? ['/static/live-board.js'] : [] },
      ),
    );
  });
  return router;
}

/** What each track is called. */
const TRACK_LABEL: Record<Track, string> = { all: 'All', model: 'Models', firmware: 'Firmware' };

/** The model/firmware tabs of a board with separate tracks, and what they mean; nothing on a combined board. */
function trackTabs(t: BoardTable, id: string): string {
  if (t.tracks !== 'separate') return '';
  const tab = (track: Track) => `<li><a href="/challenges/${id}/leaderboard?split=${t.split}&amp;track=${track}"${t.track === track ? ' aria-current="page"' : ''}>${TRACK_LABEL[track]}</a></li>`;
  return `<nav aria-label="Tracks"><ul class="tabs">${tab('model')}${tab('firmware')}</ul></nav><p>Models and firmware are ranked on separate tracks, each with its own ranks (<a href="/challenges/${id}#ranking">how</a>).</p>`;
}

function table(t: BoardTable, href: (q: { sort?: SortKey; dir?: SortDir }) => string, me: string | undefined): string {
  const head = COLUMNS.map((c) => {
    const cls = c.num ? ' class="num"' : '';
    const title = c.title ? ` title="${escapeHtml(c.title)}"` : '';
    if (!c.key) return `<th scope="col"${cls}>${escapeHtml(c.label(t))}</th>`;
    const current = t.sort === c.key;
    // A link per column: the first click sorts best-first, the next one reverses.
    const next: SortDir = current ? (t.dir === 'asc' ? 'desc' : 'asc') : DEFAULT_DIR[c.key];
    return `<th scope="col"${cls}${current ? ` aria-sort="${t.dir === 'asc' ? 'ascending' : 'descending'}"` : ''}${title}><a class="sort" href="${href({ sort: c.key, dir: next })}">${escapeHtml(c.label(t))}<span class="arrow"></span></a></th>`;
  }).join('');
  // "Dominated by": the best-ranked entry on the page at least as good and at least as small (better in one).
  const shown = t.rows.filter((r) => r.quality !== null && r.flashBytes !== null);
  const pareto = (r: BoardRow) => {
    if (r.quality === null || r.flashBytes === null) return '<td></td>';
    const by = shown
      .filter((o) => o !== r && o.quality! >= r.quality! && o.flashBytes! <= r.flashBytes! && (o.quality! > r.quality! || o.flashBytes! < r.flashBytes!))
      .sort((a, b) => a.rank - b.rank)[0];
    return by ? `<td>dominated by #${by.rank}</td>` : '<td>on the front</td>';
  };
  const quality = (v: number | null) => (v === null ? '—' : t.metric === 'auc' ? v.toFixed(4) : `${(v * 100).toFixed(2)} %`);
  const latency = (r: BoardRow) =>
    r.latencyMs === null
      ? '<td class="num" title="not measured on a board">—</td>'
      : `<td class="num"${r.boardId ? ` title="median on ${escapeHtml(r.boardId)}"` : ''}>${r.latencyMs.toFixed(1)}${r.latencyRangeMs ? `<br><small>${r.latencyRangeMs[0].toFixed(1)}–${r.latencyRangeMs[1].toFixed(1)}</small>` : ''}</td>`;
  const bytes = (v: number | null) => (v === null ? '—' : formatBytes(v));
  const rows = t.rows
    .map((r) => {
      const who = r.team ? `${r.teamId ? `<a href="/teams/${encodeURIComponent(r.teamId)}">${escapeHtml(r.team)}</a>` : escapeHtml(r.team)} <small>(${escapeHtml(r.displayName)})</small>` : escapeHtml(r.displayName);
      return `<tr${me && r.person === me ? ' class="mine"' : ''}><td class="num">${r.rank}</td><td>${who}${r.kind === 'firmware' ? ' <small>(firmware)</small>' : ''}</td><td class="num">${r.score.toFixed(2)}</td><td class="num">${quality(r.quality)}</td>${latency(r)}<td class="num">${bytes(r.flashBytes)}</td><td class="num">${bytes(r.ramBytes)}${r.ramBytes !== null && !r.ramMeasured && r.kind === 'model' ? ' <small>est.</small>' : ''}</td><td class="num">${r.entries}</td><td>${whenShort(r.lastSubmissionAt).replace(' UTC</time>', '</time>')}</td><td><a href="/submissions/${encodeURIComponent(r.submissionId)}" aria-label="Report of the best entry of ${escapeHtml(r.name)}">report</a></td>${pareto(r)}</tr>`;
    })
    .join('');
  return `<div class="table-wrap board"><table><caption>${t.tracks === 'separate' ? `${t.track} track, ` : ''}${escapeHtml(t.split)} split${t.frozen ? ' (frozen)' : ''}, ${t.total} participant${t.total === 1 ? '' : 's'}${t.sort !== 'rank' ? `, sorted by ${escapeHtml(COLUMNS.find((c) => c.key === t.sort)!.label(t).toLowerCase())}` : ''}</caption><thead><tr>${head}</tr></thead><tbody>${rows}</tbody></table></div>`;
}
