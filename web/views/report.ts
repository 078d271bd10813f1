/** Pieces of the submission report that are more than a line: per-class metrics, each stage's figures. */
import type { ClassMetrics } from '../../grader/metrics/classification.js';
import { formatBytes } from '../../lib/format.js';
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

type Detail = Record<string, unknown>;
const n = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const count = (v: unknown) => (n(v) === null ? null : n(v)!.toLocaleString('en-US'));
const bytes = (v: unknown) => (n(v) === null ? null : `${formatBytes(n(v)!)} (${count(v)} bytes)`);
const ms = (v: number) => `${v < 10 ? v.toFixed(2) : v.toFixed(1)} ms`;

/** Median and spread of timed runs, e.g. "377.0 ms median, 376.8–377.4 ms over 10 runs". */
export function latencyText(medianMs: number, runsMs: readonly number[]): string {
  if (runsMs.length < 2) return `${ms(medianMs)}${runsMs.length === 1 ? ' (1 run)' : ''}`;
  return `${ms(medianMs)} median, ${ms(Math.min(...runsMs))}–${ms(Math.max(...runsMs))} over ${runsMs.length} runs`;
}

/**
 * The figures each stage produced, as a short list for the report's stage table: validate (size,
 * MACs, arena estimate), score (metric, samples, time), device (board, latency median and spread,
 * arena on the board, output check), publish (score, terms).
 */
export function stageFigures(stage: string, status: string, detail: unknown): string {
  if (!detail || typeof detail !== 'object' || status === 'pending' || status === 'running') return '';
  const d = detail as Detail;
  const items: (string | null)[] = [];
  switch (stage) {
    case 'validate':
      if ('board' in d) {
        items.push(bytes(d.flashSpanBytes) && `flash ${bytes(d.flashSpanBytes)}`, bytes(d.ramBytes) && `static RAM ${bytes(d.ramBytes)}`);
      } else {
        items.push(bytes(d.sizeBytes) && `model ${bytes(d.sizeBytes)}`, count(d.macs) && `${count(d.macs)} MACs`, bytes(d.arenaBytes) && `tensor arena estimated at ${bytes(d.arenaBytes)}`, count(d.params) && `${count(d.params)} parameters`);
      }
      break;
    case 'score': {
      const pub = d.public as Detail | undefined;
      if (pub && n(pub.value) !== null) items.push(`${pub.metric === 'auc' ? 'ROC AUC' : 'top-1'} ${pub.metric === 'auc' ? n(pub.value)!.toFixed(4) : `${(n(pub.value)! * 100).toFixed(2)} %`} on ${count(pub.n) ?? '?'} samples (public split)`, n(pub.durationMs) !== null ? `took ${ms(n(pub.durationMs)!)}` : null);
      break;
    }
    case 'device': {
      const runs = Array.isArray(d.latencyRunsMs) ? (d.latencyRunsMs as unknown[]).map(n).filter((x): x is number => x !== null) : [];
      items.push(typeof d.boardId === 'string' ? `board ${escapeHtml(d.boardId)}${typeof d.boardKind === 'string' && d.boardKind ? ` (${escapeHtml(d.boardKind)}${typeof d.firmwareVersion === 'string' && d.firmwareVersion ? `, firmware ${escapeHtml(d.firmwareVersion)}` : ''})` : ''}` : null);
      if (n(d.latencyMs) !== null) items.push(`latency ${latencyText(n(d.latencyMs)!, runs)}`);
      if (n(d.expectedLatencyMs) !== null) items.push(`expected ≈ ${ms(n(d.expectedLatencyMs)!)} (cost model)`);
      if (d.firmware) items.push(n(d.bootMs) !== null ? `booted in ${n(d.bootMs)} ms` : null, n(d.samples) !== null ? `${n(d.samples)} held-out samples run` : null);
      else {
        items.push(bytes(d.arenaBytes) && `tensor arena on the board ${bytes(d.arenaBytes)}`);
        if (typeof d.byteEqual === 'boolean') items.push(d.byteEqual ? `outputs byte-equal to the grader's on ${count(d.samples) ?? '?'} samples` : 'outputs differ from the grader’s');
      }
      break;
    }
    case 'publish': {
      const terms = d.terms as { quality?: number; latency?: number | null; flash?: number } | undefined;
      items.push(n(d.publicScore) !== null ? `score ${n(d.publicScore)!.toFixed(3)}` : null);
      if (terms) items.push(`terms: quality ${terms.quality?.toFixed(4) ?? '?'}, latency ${terms.latency === null || terms.latency === undefined ? 'not measured (0)' : terms.latency.toFixed(3)}, flash ${terms.flash?.toFixed(3) ?? '?'}`);
      // (The rank it got when published goes stale as others submit: the page's header has the current one.)
      if (d.eligible === false) items.push('below the quality gate: not ranked');
      break;
    }
  }
  const shown = items.filter((x): x is string => Boolean(x));
  return shown.length ? `<ul class="figures">${shown.map((x) => `<li>${x}</li>`).join('')}</ul>` : '';
}
