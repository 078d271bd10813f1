/**
 * Plots as inline SVG, rendered on the server (no client script, readable by screen readers through
 * their <title>/<desc> and a data table next to each). Pure functions: data in, markup out.
 */
import { escapeHtml } from './layout.js';

const fmt = (x: number, d = 2) => (Number.isFinite(x) ? x.toFixed(d) : '–');

/** Light → dark blue by value 0…1, with a text colour that keeps contrast ≥ 4.5:1. */
function heat(v: number): { fill: string; text: string } {
  const t = Math.max(0, Math.min(1, v));
  const l = Math.round(97 - t * 62); // lightness 97% … 35%
  return { fill: `hsl(212 70% ${l}%)`, text: l < 60 ? '#fff' : '#111' };
}

/** Width of a text run in px, for laying out (system sans-serif averages ~0.6 em per character). */
export const textWidth = (text: string, fontSize: number) => Math.ceil(text.length * fontSize * 0.6);

/**
 * Confusion matrix heat map: rows are the true class, columns the predicted one; each cell's shade
 * is its share of the row (so small classes are as readable as big ones), the count is printed.
 * The margins and the width follow the labels and the caption, so none of them is cut off (two
 * classes with long names make a narrow grid under wide text).
 */
export function confusionHeatmap(matrix: number[][], labels: readonly string[], title = 'Confusion matrix'): string {
  const n = matrix.length;
  const cell = n > 8 ? 34 : n > 3 ? 48 : 72;
  const font = 11;
  const names = labels.slice(0, n);
  const longest = Math.max(0, ...names.map((l) => textWidth(l, font)));
  const rise = Math.sin(Math.PI / 3); // column labels run up at 60°
  const left = Math.max(40, longest + 14);
  const top = Math.ceil(longest * rise) + 16;
  const gridRight = left + n * cell;
  const caption = ['rows: true class', 'columns: predicted class'];
  const width = Math.max(gridRight + 10, left + n * cell - cell / 2 + 4 + Math.ceil(longest * 0.5) + 6, 8 + Math.max(...caption.map((c) => textWidth(c, font))) + 8);
  const height = top + n * cell + 40;
  const rows = matrix.map((row, i) => {
    const total = row.reduce((a, b) => a + b, 0) || 1;
    return row
      .map((count, j) => {
        const { fill, text } = heat(count / total);
        const x = left + j * cell;
        const y = top + i * cell;
        return `<rect x="${x}" y="${y}" width="${cell}" height="${cell}" fill="${fill}" stroke="#fff"><title>true ${escapeHtml(labels[i] ?? String(i))}, predicted ${escapeHtml(labels[j] ?? String(j))}: ${count}</title></rect>${count ? `<text x="${x + cell / 2}" y="${y + cell / 2 + 4}" text-anchor="middle" font-size="${font}" fill="${text}">${count}</text>` : ''}`;
      })
      .join('');
  });
  const colLabels = names.map((l, j) => `<text transform="translate(${left + j * cell + cell / 2 + 4},${top - 6}) rotate(-60)" font-size="${font}">${escapeHtml(l)}</text>`).join('');
  const rowLabels = names.map((l, i) => `<text x="${left - 6}" y="${top + i * cell + cell / 2 + 4}" text-anchor="end" font-size="${font}">${escapeHtml(l)}</text>`).join('');
  const captionText = caption.map((c, k) => `<text x="8" y="${top + n * cell + 18 + k * 14}" font-size="${font}">${c}</text>`).join('');
  return `<svg role="img" viewBox="0 0 ${width} ${height}" width="${width}" xmlns="http://www.w3.org/2000/svg"><title>${escapeHtml(title)}</title><desc>Rows: true class; columns: predicted class; shade: share of the row.</desc>${colLabels}${rowLabels}${rows.join('')}${captionText}</svg>`;
}

/** ROC curve with the chance diagonal and the AUC in the title. */
export function rocCurve(points: readonly { fpr: number; tpr: number }[], auc: number): string {
  const w = 320;
  const pad = 40;
  const x = (v: number) => pad + v * (w - 2 * pad);
  const y = (v: number) => w - pad - v * (w - 2 * pad);
  const path = points.map((p, i) => `${i ? 'L' : 'M'}${fmt(x(p.fpr), 1)},${fmt(y(p.tpr), 1)}`).join('');
  const ticks = [0, 0.25, 0.5, 0.75, 1]
    .map((t) => `<text x="${x(t)}" y="${w - pad + 14}" text-anchor="middle" font-size="10">${t}</text><text x="${pad - 6}" y="${y(t) + 3}" text-anchor="end" font-size="10">${t}</text>`)
    .join('');
  return `<svg role="img" viewBox="0 0 ${w} ${w}" width="${w}" xmlns="http://www.w3.org/2000/svg"><title>ROC curve, AUC ${fmt(auc, 4)}</title><desc>False positive rate on the x axis, true positive rate on the y axis.</desc><rect x="${pad}" y="${pad}" width="${w - 2 * pad}" height="${w - 2 * pad}" fill="none" stroke="#999"/><path d="M${x(0)},${y(0)}L${x(1)},${y(1)}" stroke="#bbb" stroke-dasharray="4 4"/><path d="${path}" fill="none" stroke="#1f5fa8" stroke-width="2"/>${ticks}<text x="${w / 2}" y="${w - 6}" text-anchor="middle" font-size="11">false positive rate</text><text transform="translate(12,${w / 2}) rotate(-90)" text-anchor="middle" font-size="11">true positive rate</text><text x="${w - pad}" y="${y(0) - 8}" text-anchor="end" font-size="12">AUC ${fmt(auc, 4)}</text></svg>`;
}

/** Horizontal bars (e.g. MACs per operator), largest first, at most `max` bars. */
export function barChart(items: readonly { label: string; value: number }[], opts: { title: string; unit?: string; max?: number } = { title: '' }): string {
  const shown = [...items].sort((a, b) => b.value - a.value).slice(0, opts.max ?? 20);
  const top = Math.max(1, ...shown.map((s) => s.value));
  const rowH = 18;
  const left = 150;
  const w = 520;
  const bars = shown
    .map((s, i) => {
      const len = ((w - left - 90) * s.value) / top;
      const yy = 8 + i * rowH;
      return `<text x="${left - 6}" y="${yy + 12}" text-anchor="end" font-size="11">${escapeHtml(s.label)}</text><rect x="${left}" y="${yy + 2}" width="${fmt(Math.max(1, len), 1)}" height="${rowH - 5}" fill="#1f5fa8"><title>${escapeHtml(s.label)}: ${s.value.toLocaleString('en-US')}${opts.unit ? ` ${opts.unit}` : ''}</title></rect><text x="${left + len + 4}" y="${yy + 12}" font-size="10">${s.value.toLocaleString('en-US')}</text>`;
    })
    .join('');
  return `<svg role="img" viewBox="0 0 ${w} ${16 + shown.length * rowH}" width="${w}" xmlns="http://www.w3.org/2000/svg"><title>${escapeHtml(opts.title)}</title>${bars}</svg>`;
}

export interface ParetoPoint {
  label: string;
  quality: number;
  sizeBytes: number;
  /** On the Pareto front (no other point is both better and smaller). */
  front: boolean;
  href?: string;
}

export interface ParetoOptions {
  /** The quality axis' name, e.g. "top-1 accuracy" or "ROC AUC". */
  qualityLabel: string;
  /** Show quality as a percentage (accuracy) rather than a 0–1 number (AUC). */
  percent?: boolean;
  /** The flash budget (bytes), drawn as a dashed line. */
  budgetBytes?: number;
}

/** Round ticks on a log axis of bytes, in KiB: 1, 2, 5 × 10^k KiB within [lo, hi] bytes. */
function logTicks(lo: number, hi: number): number[] {
  const out: number[] = [];
  for (let e = Math.floor(Math.log10(lo / 1024)) - 1; e <= Math.ceil(Math.log10(hi / 1024)); e++) for (const m of [1, 2, 5]) {
    const v = m * 10 ** e * 1024;
    if (v >= lo && v <= hi) out.push(v);
  }
  return out;
}

/** "8 KiB", "1.5 MiB": tick labels in the unit people think of flash in. */
const kib = (bytes: number) => (bytes >= 1024 * 1024 ? `${+(bytes / 1024 / 1024).toFixed(1)} MiB` : `${+(bytes / 1024).toFixed(bytes < 10 * 1024 ? 1 : 0)} KiB`);

/**
 * Quality against the flash an entry takes (log scale), the Pareto front joined by a line. Axes carry
 * their units and ticks; each point has a tooltip (<title>) and a label shown on hover and on
 * keyboard focus; the legend lists exactly what is drawn.
 */
export function paretoPlot(points: readonly ParetoPoint[], opts: ParetoOptions): string {
  if (!points.length) return '';
  const w = 640;
  const h = 380;
  // The budget's label sits above the plot area (under the legend), where no point can hide it.
  const pad = { left: 64, right: 40, top: 48, bottom: 56 };
  const sizes = points.map((p) => p.sizeBytes);
  // The axis starts at a round size (1, 2 or 5 × 10^k KiB) a little below the smallest entry, so it has a tick.
  const niceBelow = (b: number) => {
    const k = b / 1024;
    const e = Math.floor(Math.log10(k));
    return ([5, 2, 1].map((m) => m * 10 ** e).find((v) => v <= k) ?? 10 ** e) * 1024;
  };
  const loB = Math.max(1, niceBelow(Math.min(...sizes) / 1.15));
  const hiB = Math.max(opts.budgetBytes ?? 0, ...sizes) * 1.25;
  const lo = Math.log10(loB);
  const hi = Math.log10(hiB);
  const qs = points.map((p) => p.quality);
  const qlo = Math.max(0, Math.min(...qs) - 0.05);
  const qhi = Math.min(1, Math.max(...qs) + 0.03);
  const x = (b: number) => pad.left + ((Math.log10(b) - lo) / (hi - lo || 1)) * (w - pad.left - pad.right);
  const y = (q: number) => h - pad.bottom - ((q - qlo) / (qhi - qlo || 1)) * (h - pad.top - pad.bottom);
  const q = (v: number) => (opts.percent ? `${(v * 100).toFixed(1)} %` : v.toFixed(3));
  const front = points.filter((p) => p.front).sort((a, b) => a.sizeBytes - b.sizeBytes);
  const line = front.map((p, i) => `${i ? 'L' : 'M'}${fmt(x(p.sizeBytes), 1)},${fmt(y(p.quality), 1)}`).join('');
  const xTicks = logTicks(loB, hiB)
    .map((v) => `<path d="M${fmt(x(v), 1)},${h - pad.bottom}v5" stroke="#777"/><text x="${fmt(x(v), 1)}" y="${h - pad.bottom + 17}" text-anchor="middle" font-size="10">${kib(v)}</text>`)
    .join('');
  const yTicks = [0, 0.25, 0.5, 0.75, 1]
    .map((t) => qlo + t * (qhi - qlo))
    .map((v) => `<path d="M${pad.left - 5},${fmt(y(v), 1)}h5" stroke="#777"/><text x="${pad.left - 8}" y="${fmt(y(v) + 3, 1)}" text-anchor="end" font-size="10">${q(v)}</text>`)
    .join('');
  const dots = points
    .map((p) => {
      const cx = x(p.sizeBytes);
      const cy = y(p.quality);
      const text = `${p.label}: ${opts.qualityLabel} ${q(p.quality)}, flash ${formatBytesShort(p.sizeBytes)} = ${p.sizeBytes.toLocaleString('en-US')} bytes`;
      // The visible label sits left of points near the right edge, below points near the top.
      const right = cx > w - 220;
      const tip = `<text class="tip" x="${fmt(cx + (right ? -9 : 9), 1)}" y="${fmt(cy < pad.top + 20 ? cy + 16 : cy - 8, 1)}" text-anchor="${right ? 'end' : 'start'}" font-size="11" font-weight="600" paint-order="stroke" stroke="#fff" stroke-width="3">${escapeHtml(p.label)} · ${escapeHtml(q(p.quality))} · ${escapeHtml(formatBytesShort(p.sizeBytes))}</text>`;
      const dot = `<circle cx="${fmt(cx, 1)}" cy="${fmt(cy, 1)}" r="${p.front ? 5.5 : 4}" fill="${p.front ? '#c2410c' : '#1f5fa8'}"/>`;
      const body = `<title>${escapeHtml(text)}</title>${dot}${tip}`;
      return p.href ? `<a class="pt" href="${escapeHtml(p.href)}">${body}</a>` : `<g class="pt" tabindex="0">${body}</g>`;
    })
    .join('');
  const budget = opts.budgetBytes
    ? `<path d="M${fmt(x(opts.budgetBytes), 1)},${pad.top}V${h - pad.bottom}" stroke="#b91c1c" stroke-dasharray="5 4"/><text x="${fmt(x(opts.budgetBytes), 1)}" y="${pad.top - 5}" text-anchor="middle" font-size="10" fill="#b91c1c">budget ${kib(opts.budgetBytes)}</text>`
    : '';
  // Legend: only what is drawn.
  const legend: string[] = [];
  const item = (k: number, mark: string, text: string) => `<g transform="translate(${pad.left + k * 150},14)">${mark}<text x="16" y="4" font-size="11">${text}</text></g>`;
  if (front.length) legend.push(`<circle cx="5" cy="0" r="5" fill="#c2410c"/><path d="M-3,0h16" stroke="#c2410c" stroke-width="1.5"/>|Pareto front`);
  if (points.some((p) => !p.front)) legend.push(`<circle cx="5" cy="0" r="4" fill="#1f5fa8"/>|other entries`);
  if (opts.budgetBytes) legend.push(`<path d="M0,0h12" stroke="#b91c1c" stroke-dasharray="4 3"/>|flash budget`);
  const legendSvg = `<g class="legend">${legend.map((l, k) => item(k, l.split('|')[0]!, l.split('|')[1]!)).join('')}</g>`;
  const axes = `<text x="${(pad.left + w - pad.right) / 2}" y="${h - 12}" text-anchor="middle" font-size="12">flash the entry takes (KiB, log scale)</text><text transform="translate(16,${(pad.top + h - pad.bottom) / 2}) rotate(-90)" text-anchor="middle" font-size="12">${escapeHtml(opts.qualityLabel)}${opts.percent ? ' (%)' : ''}</text>`;
  // A group, not an image: its points are links (an image may not contain interactive elements).
  return `<svg role="group" aria-label="${escapeHtml(opts.qualityLabel)} against flash size" viewBox="0 0 ${w} ${h}" width="${w}" xmlns="http://www.w3.org/2000/svg"><title>${escapeHtml(opts.qualityLabel)} against flash size</title><desc>Each point is a participant's ranked entry; orange points and the orange line form the Pareto front (nothing else is both better and smaller).</desc>${legendSvg}<rect x="${pad.left}" y="${pad.top}" width="${w - pad.left - pad.right}" height="${h - pad.top - pad.bottom}" fill="none" stroke="#999"/>${xTicks}${yTicks}${budget}<path d="${line}" fill="none" stroke="#c2410c" stroke-width="1.5"/>${dots}${axes}</svg>`;
}

const formatBytesShort = (b: number) => kib(b);

/** Mark the Pareto front: higher quality and smaller size are better. */
export function markParetoFront<T extends { quality: number; sizeBytes: number }>(points: readonly T[]): (T & { front: boolean })[] {
  return points.map((p) => ({
    ...p,
    front: !points.some((o) => o !== p && o.quality >= p.quality && o.sizeBytes <= p.sizeBytes && (o.quality > p.quality || o.sizeBytes < p.sizeBytes)),
  }));
}
