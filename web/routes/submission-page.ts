/**
 * GET /submissions/:id — the submission report: state and stages, the composite score and its terms,
 * metrics of the public split with a confusion heat map (KWS/VWW) or ROC curve (AD), MACs per
 * operator, preflight checks with their fixes, and the change against the person's previous run.
 * Until browser sign-in lands (web issue) it shows only what is public anyway: never the private split.
 */
import { Router, type Request, type Response } from 'express';
import { KWS_LABELS } from '../../grader/datasets/build-kws.js';
import type { ClassMetrics } from '../../grader/metrics/classification.js';
import type { RocPoint } from '../../grader/metrics/roc.js';
import { submissionStatus, type StatusView } from '../../grader/pipeline/status.js';
import type { WebContext } from '../context.js';
import type { LiveEvents } from '../live.js';
import { escapeHtml, page } from '../views/layout.js';
import { barChart, confusionHeatmap, rocCurve } from '../views/plots.js';

interface CheckView {
  id: string;
  status: string;
  message: string;
  hint?: string;
}

interface ScoreView {
  metric: string;
  value: number;
  n: number;
  perClass?: ClassMetrics[];
  confusion?: number[][];
  auc?: number;
  roc?: RocPoint[];
  inputConversion?: { description: string };
  arithmetic?: string;
}

const LABELS: Record<string, readonly string[]> = { kws: KWS_LABELS, vww: ['no person', 'person'], ad: ['normal', 'anomaly'] };

const detailOf = <T,>(s: StatusView, stage: string) => s.stages.find((st) => st.name === stage)?.detail as T | undefined;

function metricsSection(score: ScoreView | undefined, task: string): string {
  if (!score) return '';
  const labels = LABELS[task] ?? [];
  const head = `<h2>Held-out results (public split)</h2><p>${escapeHtml(score.metric === 'auc' ? 'ROC AUC' : 'Top-1 accuracy')}: <strong>${score.metric === 'auc' ? score.value.toFixed(4) : `${(score.value * 100).toFixed(2)} %`}</strong> on ${score.n} samples.${score.inputConversion ? ` Inputs: ${escapeHtml(score.inputConversion.description)}.` : ''}${score.arithmetic ? ` Arithmetic: ${escapeHtml(score.arithmetic)}.` : ''}</p>`;
  const plot = score.confusion ? `<figure>${confusionHeatmap(score.confusion, labels)}<figcaption>Confusion matrix (public split)</figcaption></figure>` : score.roc ? `<figure>${rocCurve(score.roc, score.auc ?? score.value)}<figcaption>ROC curve (public split)</figcaption></figure>` : '';
  const table = score.perClass?.length
    ? `<table><caption>Per class</caption><thead><tr><th scope="col">Class</th><th scope="col">Support</th><th scope="col">Precision</th><th scope="col">Recall</th><th scope="col">F1</th></tr></thead><tbody>${score.perClass
        .map((c) => `<tr><th scope="row">${escapeHtml(labels[c.label] ?? String(c.label))}</th><td>${c.support}</td><td>${c.precision.toFixed(3)}</td><td>${c.recall.toFixed(3)}</td><td>${c.f1.toFixed(3)}</td></tr>`)
        .join('')}</tbody></table>`
    : '';
  return head + plot + table;
}

export function submissionPageRoutes(ctx: WebContext, live: LiveEvents): Router {
  const router = Router();
  const { services } = ctx;
  router.get('/submissions/:id/events', async (req: Request, res: Response) => {
    const sub = await services.db.submission.findUnique({ where: { id: String(req.params.id) }, select: { id: true } });
    if (!sub) return res.status(404).json({ error: 'no such submission' });
    await live.stream(sub.id, res);
  });

  router.get('/submissions/:id', async (req: Request, res: Response) => {
    const s = await submissionStatus(services.db, String(req.params.id), { publicUrl: services.config.PUBLIC_URL, workers: services.config.WORKER_CONCURRENCY });
    if (!s) return res.status(404).type('html').send(page('Not found', '<h1>Not found</h1><p>No such submission.</p>'));
    const challenge = await services.db.challenge.findUnique({ where: { id: s.challenge }, select: { task: true, title: true } });
    const task = challenge?.task ?? 'kws';

    const validate = detailOf<{ checks?: CheckView[]; perOp?: { op: string; macs: number }[]; sizeBytes?: number; arenaBytes?: number; macs?: number }>(s, 'validate');
    // A firmware is scored on the board: its device stage carries the scores.
    const score = detailOf<{ public?: ScoreView }>(s, 'score')?.public ?? detailOf<{ scores?: { public?: ScoreView } }>(s, 'device')?.scores?.public;
    const onBoard = detailOf<{ firmware?: boolean; boardId?: string; dutName?: string; profile?: string; samples?: number; latencyMs?: number; bootMs?: number; imageBytes?: number; latencyBasis?: string }>(s, 'device');
    const publish = detailOf<{ terms?: { quality: number; latency: number | null; flash: number }; missing?: string[]; gate?: { metric: string; min: number } }>(s, 'publish');

    const stages = s.stages.length
      ? `<h2>Stages</h2><table><thead><tr><th scope="col">Stage</th><th scope="col">Status</th><th scope="col">Note</th></tr></thead><tbody>${s.stages
          .map((st) => {
            const note = st.error ?? (st.detail && typeof st.detail === 'object' && 'reason' in st.detail ? String((st.detail).reason) : '');
            return `<tr><td>${escapeHtml(st.name)}</td><td>${escapeHtml(st.status)}</td><td>${escapeHtml(note)}</td></tr>`;
          })
          .join('')}</tbody></table>`
      : '';
    const terms = publish?.terms
      ? `<p>Composite terms (each 0–1): quality ${publish.terms.quality.toFixed(4)}, latency ${publish.terms.latency === null ? 'not measured' : publish.terms.latency.toFixed(3)}, flash ${publish.terms.flash.toFixed(3)}.${publish.gate ? ` Quality gate: ${escapeHtml(publish.gate.metric)} ≥ ${publish.gate.min}.` : ''}</p>`
      : '';
    const score$ = s.score !== null ? `<p>Score: <strong>${s.score.toFixed(3)}</strong>${s.rank ? ` — rank ${s.rank}` : s.eligible ? '' : ' (below the quality gate: not ranked)'}</p>${terms}` : '';

    // The person's previous scored run in this challenge, for a quick "did it get better?".
    const current = await services.db.submission.findUnique({ where: { id: s.id }, select: { personId: true, createdAt: true } });
    const previous = current
      ? await services.db.submission.findFirst({ where: { challengeId: s.challenge, personId: current.personId, createdAt: { lt: current.createdAt }, publicScore: { not: null } }, orderBy: { createdAt: 'desc' }, select: { id: true, publicScore: true } })
      : null;
    const diff =
      previous && s.score !== null
        ? `<p>Against <a href="/submissions/${encodeURIComponent(previous.id)}">the previous run</a>: ${s.score - previous.publicScore! >= 0 ? '+' : ''}${(s.score - previous.publicScore!).toFixed(3)} points.</p>`
        : '';

    const model = validate?.sizeBytes !== undefined ? `<p>Model: ${validate.sizeBytes.toLocaleString('en-US')} bytes, ${(validate.macs ?? 0).toLocaleString('en-US')} MACs, tensor arena ≈ ${(validate.arenaBytes ?? 0).toLocaleString('en-US')} bytes.</p>` : '';
    const macsByOp = new Map<string, number>();
    for (const op of validate?.perOp ?? []) macsByOp.set(op.op, (macsByOp.get(op.op) ?? 0) + op.macs);
    const macs = [...macsByOp.values()].some((v) => v > 0)
      ? `<figure>${barChart([...macsByOp].map(([label, value]) => ({ label, value })).filter((b) => b.value > 0), { title: 'MACs per operator type', unit: 'MACs' })}<figcaption>MACs per operator type</figcaption></figure>`
      : '';
    const firmware = onBoard?.firmware
      ? `<p>Firmware run on board ${escapeHtml(onBoard.boardId ?? '?')}: DUT “${escapeHtml(onBoard.dutName ?? '')}”, profile ${escapeHtml(onBoard.profile ?? '')}, ${onBoard.samples ?? 0} held-out samples through the MLPerf Tiny base protocol, booted in ${onBoard.bootMs ?? 0} ms, ${onBoard.latencyMs ?? 0} ms per inference (median); image ${(onBoard.imageBytes ?? 0).toLocaleString('en-US')} bytes.</p>`
      : '';
    // A virtual board's latency is an estimate from its instruction count: say how it was obtained.
    const estimated = onBoard?.latencyBasis ? `<p>Latency ${onBoard.latencyMs ?? 0} ms per inference on board ${escapeHtml(onBoard.boardId ?? '?')}, ${escapeHtml(onBoard.latencyBasis)}.</p>` : '';
    const checks = validate?.checks?.length
      ? `<h2>${onBoard?.firmware || s.kind === 'firmware' ? 'Firmware checks' : 'Preflight checks'}</h2><ul>${validate.checks.map((c) => `<li><strong>${escapeHtml(c.status)}</strong> ${escapeHtml(c.message)}${c.hint ? ` — <em>${escapeHtml(c.hint)}</em>` : ''}</li>`).join('')}</ul>`
      : '';
    const queued = s.state === 'queued' ? `<p>Position ${s.queue.position} in the queue${s.queue.etaSeconds ? `, about ${s.queue.etaSeconds} s` : ''}.</p>` : '';
    // While it is in the pipeline the page follows its progress live and reloads when it is done.
    const inPipeline = s.state === 'queued' || s.state === 'running';
    const liveScript = inPipeline
      ? `<p id="live" role="status" aria-live="polite"></p><script>(() => { const out = document.getElementById('live'); const es = new EventSource(${JSON.stringify(`/submissions/${encodeURIComponent(s.id)}/events`)}); es.addEventListener('progress', (m) => { const ev = JSON.parse(m.data); const d = ev.data || {}; out.textContent = ev.type === 'stage-started' ? d.stage + ' running…' : ev.type === 'stage-progress' ? d.stage + ': ' + d.phase + (d.board ? ' on ' + d.board : '') + (typeof d.fraction === 'number' ? ' ' + Math.round(d.fraction * 100) + '%' : '') : ev.type === 'stage-finished' ? d.stage + ' ' + d.status : ev.type; if (['done', 'failed', 'rejected'].includes(ev.type)) { es.close(); setTimeout(() => location.reload(), 300); } }); })();</script>`
      : '';
    res.type('html').send(
      page(
        `Submission ${s.id}`,
        `<h1>Submission <code>${escapeHtml(s.id)}</code></h1><p>${escapeHtml(s.fileName)} to <a href="/challenges/${encodeURIComponent(s.challenge)}/leaderboard">${escapeHtml(challenge?.title ?? s.challenge)}</a> by ${escapeHtml(s.person)}: <strong>${escapeHtml(s.state)}</strong>${s.reason ? ` — ${escapeHtml(s.reason)}` : ''}</p>${s.disqualified ? `<p><strong>Disqualified:</strong> ${escapeHtml(s.disqualified.reason ?? '')}</p>` : ''}${queued}${liveScript}${score$}${diff}${stages}${metricsSection(score, task)}${firmware}${estimated}${model}${macs}${checks}`,
      ),
    );
  });
  return router;
}
