/** Pieces of the submission report that are more than a line: per-class metrics, each stage's figures. */
import type { ClassMetrics } from '../../grader/metrics/classification.js';
import { escapeHtml } from './layout.js';

/**
 * Precision, recall and F1 per class. A rate without a denominator is not 0 but undefined, shown
 * "—": recall of a class with no samples in the split, precision of a class nothing was predicted as
 * (read from the confusion matrix's column), and F1 where either is undefined.
 */
export function perClassTable(perClass: readonly ClassMetrics[], labels: readonly string[], confusion?: number[][]): string {
  if (!perClass.length) return '';
  const predicted = (c: number) => (confusion ? confusion.reduce((a, row) => a + (row[c] ?? 0), 0) : null);
  const rate = (x: number | null) => (x === null ? '—' : x.toFixed(3));
  const rows = perClass
    .map((c) => {
      const recall = c.support > 0 ? c.recall : null;
      const precision = predicted(c.label) === 0 ? null : c.support === 0 && !confusion ? null : c.precision;
      const f1 = recall === null || precision === null ? null : c.f1;
      return `<tr><th scope="row">${escapeHtml(labels[c.label] ?? String(c.label))}</th><td class="num">${c.support}</td><td class="num">${rate(precision)}</td><td class="num">${rate(recall)}</td><td class="num">${rate(f1)}</td></tr>`;
    })
    .join('');
  const note = perClass.some((c) => c.support === 0) ? '<p><small>— : undefined (no samples of that class in this split, or nothing predicted as it).</small></p>' : '';
  return `<table><caption>Per class</caption><thead><tr><th scope="col">Class</th><th scope="col" class="num">Support</th><th scope="col" class="num">Precision</th><th scope="col" class="num">Recall</th><th scope="col" class="num">F1</th></tr></thead><tbody>${rows}</tbody></table>${note}`;
}
