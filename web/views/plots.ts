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
  const cell = n > 8 ? 34 : 48;
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

/** Quality against model size (log scale), the Pareto front joined by a line. */
export function paretoPlot(points: readonly ParetoPoint[], opts: { qualityLabel: string; budgetBytes?: number }): string {
  const w = 560;
  const h = 340;
  const pad = 50;
  if (!points.length) return '';
  const sizes = points.map((p) => p.sizeBytes);
  const lo = Math.log10(Math.max(1, Math.min(...sizes) / 1.5));
  const hi = Math.log10(Math.max(opts.budgetBytes ?? 0, ...sizes) * 1.2);
  const qs = points.map((p) => p.quality);
  const qlo = Math.max(0, Math.min(...qs) - 0.05);
  const qhi = Math.min(1, Math.max(...qs) + 0.02);
  const x = (b: number) => pad + ((Math.log10(b) - lo) / (hi - lo || 1)) * (w - 2 * pad);
  const y = (q: number) => h - pad - ((q - qlo) / (qhi - qlo || 1)) * (h - 2 * pad);
  const front = points.filter((p) => p.front).sort((a, b) => a.sizeBytes - b.sizeBytes);
  const line = front.map((p, i) => `${i ? 'L' : 'M'}${fmt(x(p.sizeBytes), 1)},${fmt(y(p.quality), 1)}`).join('');
  const dots = points
    .map((p) => {
      const dot = `<circle cx="${fmt(x(p.sizeBytes), 1)}" cy="${fmt(y(p.quality), 1)}" r="${p.front ? 5 : 3.5}" fill="${p.front ? '#c2410c' : '#1f5fa8'}"><title>${escapeHtml(p.label)}: ${fmt(p.quality, 4)}, ${p.sizeBytes.toLocaleString('en-US')} bytes</title></circle>`;
      return p.href ? `<a href="${escapeHtml(p.href)}">${dot}</a>` : dot;
    })
    .join('');
  const budget = opts.budgetBytes ? `<path d="M${fmt(x(opts.budgetBytes), 1)},${pad}V${h - pad}" stroke="#b91c1c" stroke-dasharray="5 4"/><text x="${fmt(x(opts.budgetBytes) - 4, 1)}" y="${pad + 12}" text-anchor="end" font-size="10" fill="#b91c1c">flash budget</text>` : '';
  return `<svg role="img" viewBox="0 0 ${w} ${h}" width="${w}" xmlns="http://www.w3.org/2000/svg"><title>${escapeHtml(opts.qualityLabel)} against model size</title><desc>Each dot is a participant's best submission; orange dots form the Pareto front.</desc><rect x="${pad}" y="${pad}" width="${w - 2 * pad}" height="${h - 2 * pad}" fill="none" stroke="#999"/>${budget}<path d="${line}" fill="none" stroke="#c2410c" stroke-width="1.5"/>${dots}<text x="${w / 2}" y="${h - 12}" text-anchor="middle" font-size="11">model size (bytes, log scale)</text><text transform="translate(14,${h / 2}) rotate(-90)" text-anchor="middle" font-size="11">${escapeHtml(opts.qualityLabel)}</text><text x="${pad}" y="${h - pad + 14}" font-size="10">${Math.round(10 ** lo).toLocaleString('en-US')}</text><text x="${w - pad}" y="${h - pad + 14}" text-anchor="end" font-size="10">${Math.round(10 ** hi).toLocaleString('en-US')}</text><text x="${pad - 4}" y="${h - pad}" text-anchor="end" font-size="10">${fmt(qlo)}</text><text x="${pad - 4}" y="${pad + 4}" text-anchor="end" font-size="10">${fmt(qhi)}</text></svg>`;
}

/** Mark the Pareto front: higher quality and smaller size are better. */
export function markParetoFront<T extends { quality: number; sizeBytes: number }>(points: readonly T[]): (T & { front: boolean })[] {
  return points.map((p) => ({
    ...p,
    front: !points.some((o) => o !== p && o.quality >= p.quality && o.sizeBytes <= p.sizeBytes && (o.quality > p.quality || o.sizeBytes < p.sizeBytes)),
  }));
}
