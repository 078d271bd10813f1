/**
 * GET /submissions/:id — the submission report: state and stages, the composite score and its terms,
 * metrics of the public split in the task's report sections (confusion heat map and per-class table,
 * or ROC curve), MACs per
 * operator, preflight checks with their fixes, and the change against the person's previous run.
 * Who sees how much is arena/report-access.ts: the whole report for its submitter, their team and
 * organizers; for everyone else only what the boards show of it (or nothing: a 404 like an unknown id).
 */
import { Router, type Request, type Response } from 'express';
import type { ScoreResult } from '../../grader/scoring/score.js';
import { isTask, taskPlugin } from '../../grader/tasks/index.js';
import type { ReportSection } from '../../grader/tasks/types.js';
import { rankText, reportExtras, type StatusView } from '../../arena/status.js';
import { reportAccess, reportFor, seesFullReport, type BoardFacts } from '../../arena/report-access.js';
import { userOf } from '../auth.js';
import { arithmeticLabel } from '../../grader/interpreter/arithmetic.js';
import type { WebContext } from '../context.js';
import type { LiveEvents } from '../live.js';
import { escapeHtml, page } from '../views/layout.js';
import { barChart, confusionHeatmap, rocCurve } from '../views/plots.js';
import { checksSection, textWithBreaks, type CheckView } from '../views/checks.js';
import { latencyText, perClassTable, stageFigures } from '../views/report.js';

/** A stored score stage result, as the report reads it (older rows may lack the newer fields). */
type ScoreView = Pick<ScoreResult, 'metric' | 'value' | 'n' | 'perClass' | 'confusion' | 'auc' | 'roc'> & Partial<Pick<ScoreResult, 'inputConversion' | 'arithmetic'>>;

const detailOf = <T,>(s: StatusView, stage: string) => s.stages.find((st) => st.name === stage)?.detail as T | undefined;

function metricsSection(score: ScoreView | undefined, task: string): string {
  if (!score) return '';
  const plugin = isTask(task) ? taskPlugin(task) : null;
  const labels = plugin?.labels ?? [];
  const head = `<h2>Held-out results (public split)</h2><p>${escapeHtml(score.metric === 'auc' ? 'ROC AUC' : 'Top-1 accuracy')}: <strong>${score.metric === 'auc' ? score.value.toFixed(4) : `${(score.value * 100).toFixed(2)} %`}</strong> on ${score.n} samples.${score.inputConversion ? ` Inputs: ${escapeHtml(score.inputConversion.description)}.` : ''}${score.arithmetic ? ` Arithmetic: ${escapeHtml(arithmeticLabel(score.arithmetic))}.` : ''}</p>`;
  // The task's report sections, in its order; each is drawn when the result has its data.
  const draw: Record<ReportSection, () => string> = {
    confusion: () => (score.confusion ? `<figure>${confusionHeatmap(score.confusion, labels)}<figcaption>Confusion matrix (public split)</figcaption></figure>` : ''),
    roc: () => (score.roc ? `<figure>${rocCurve(score.roc, score.auc ?? score.value)}<figcaption>ROC curve (public split)</figcaption></figure>` : ''),
    'per-class': () => (score.perClass?.length ? perClassTable(score.perClass, labels, score.confusion) : ''),
  };
  const sections: readonly ReportSection[] = plugin?.reportSections ?? ['confusion', 'roc', 'per-class'];
  return head + sections.map((name) => draw[name]()).join('');
}

/** What the public may see of a submission: its rows on the boards, as the boards show them. */
function boardPage(b: BoardFacts): string {
  const cid = encodeURIComponent(b.challenge);
  const rows = b.rows.map((r) => `<li>Rank <strong>${r.rank}</strong> on the <a href="/challenges/${cid}/leaderboard?split=${r.split}${r.track ? `&amp;track=${r.track}` : ''}">${r.split} leaderboard${r.track ? `, ${r.track} track` : ''}</a>, score ${r.score.toFixed(3)}</li>`).join('');
  const who = b.teamId ? `<a href="/teams/${encodeURIComponent(b.teamId)}">${escapeHtml(b.participant)}</a>` : escapeHtml(b.participant);
  return page(
    `Submission ${b.id}`,
    `<h1>Submission <code>${escapeHtml(b.id)}</code></h1><p>By ${who} to <a href="/challenges/${cid}">${escapeHtml(b.challenge)}</a>, submitted <time datetime="${b.submittedAt}">${b.submittedAt.replace('T', ' ').slice(0, 16)} UTC</time>.</p><ul>${rows}</ul>${b.publicQuality !== null ? `<p>Quality on the public split: ${b.publicQuality.toFixed(4)}.</p>` : ''}<p>The full report is for its authors, their team and the organizers.</p>`,
  );
}

export function submissionPageRoutes(ctx: WebContext, live: LiveEvents): Router {
  const router = Router();
  const { services } = ctx;
  router.get('/submissions/:id/events', async (req: Request, res: Response) => {
    // Live progress is part of the full report: not for the public.
    const id = String(req.params.id);
    if (!seesFullReport(await reportAccess(services, id, userOf(res)))) return res.status(404).json({ error: 'no such submission' });
    await live.stream(id, res);
  });

  router.get('/submissions/:id', async (req: Request, res: Response) => {
    const report = await reportFor(services, String(req.params.id), userOf(res));
    if (!report) return res.status(404).type('html').send(page('Not found', `<h1>Not found</h1><p>No such submission${userOf(res) ? ' of yours' : ''}.${userOf(res) ? '' : ' Reports are for their authors, their team and organizers: <a href="/login?next=' + encodeURIComponent(req.originalUrl) + '">sign in</a> to see yours.'}</p>`));
    res.set('Cache-Control', 'private, no-store');
    if (!('status' in report)) return res.type('html').send(boardPage(report.board));
    const s = report.status;
    const { challenge, previous, note } = await reportExtras(services.db, s);
    const task = challenge?.task ?? 'kws';

    const validate = detailOf<{ checks?: CheckView[]; perOp?: { op: string; macs: number }[]; sizeBytes?: number; arenaBytes?: number; macs?: number }>(s, 'validate');
    // A firmware is scored on the board: its device stage carries the scores.
    const score = detailOf<{ public?: ScoreView }>(s, 'score')?.public ?? detailOf<{ scores?: { public?: ScoreView } }>(s, 'device')?.scores?.public;
    const onBoard = detailOf<{ firmware?: boolean; boardId?: string; dutName?: string; profile?: string; samples?: number; latencyMs?: number; latencyRunsMs?: number[]; bootMs?: number; imageBytes?: number; latencyBasis?: string }>(s, 'device');
    const publish = detailOf<{ terms?: { quality: number; latency: number | null; flash: number }; missing?: string[]; gate?: { metric: string; min: number } }>(s, 'publish');

    // A failed check list is the reason: it is shown once, in the checks section, not above nor in the stage table.
    const failedChecks = (validate?.checks ?? []).filter((c) => c.status === 'fail').length;
    const reasonIsChecks = failedChecks > 0 && s.reason !== null && s.stages.some((st) => st.name === 'validate' && st.error === s.reason);
    const stages = s.stages.length
      ? `<h2>Stages</h2><div class="table-wrap"><table><thead><tr><th scope="col">Stage</th><th scope="col">Status</th><th scope="col">Figures</th><th scope="col">Note</th></tr></thead><tbody>${s.stages
          .map((st) => {
            const note = st.error ?? (st.detail && typeof st.detail === 'object' && 'reason' in st.detail ? String((st.detail).reason) : '');
            const noteHtml = reasonIsChecks && st.error === s.reason ? `<a href="#checks">${failedChecks} check${failedChecks === 1 ? '' : 's'} failed</a>` : textWithBreaks(note);
            return `<tr><td>${escapeHtml(st.name)}</td><td>${escapeHtml(st.status)}</td><td>${stageFigures(st.name, st.status, st.detail)}</td><td>${noteHtml}</td></tr>`;
          })
          .join('')}</tbody></table></div>`
      : '';
    const terms = publish?.terms
      ? `<p>Composite terms (each 0–1): quality ${publish.terms.quality.toFixed(4)}, latency ${publish.terms.latency === null ? 'not measured' : `${publish.terms.latency.toFixed(3)}${onBoard?.latencyMs !== undefined ? ` (${latencyText(onBoard.latencyMs, onBoard.latencyRunsMs ?? [])} on board ${escapeHtml(onBoard.boardId ?? '?')})` : ''}`}, flash ${publish.terms.flash.toFixed(3)}.${publish.gate ? ` Quality gate: ${escapeHtml(publish.gate.metric)} ≥ ${publish.gate.min}.` : ''}</p>`
      : '';
    const score$ = s.score !== null ? `<p>Score: <strong>${s.score.toFixed(3)}</strong>${s.rank ? ` — ${rankText(s)}` : s.unranked ? ` (not ranked: ${escapeHtml(s.unranked)})` : s.eligible && s.state === 'done' ? ' — not the participant’s best entry, which holds their place on the board' : ''}</p>${terms}` : '';

    // The person's previous scored run in this challenge, for a quick "did it get better?".
    const diff =
      previous && s.score !== null
        ? `<p>Against <a href="/submissions/${encodeURIComponent(previous.id)}">the previous run</a>: ${s.score - previous.score >= 0 ? '+' : ''}${(s.score - previous.score).toFixed(3)} points.</p>`
        : '';

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
    const checks = checksSection(validate?.checks ?? [], onBoard?.firmware || s.kind === 'firmware' ? 'Firmware checks' : 'Preflight checks');
    const queued = s.state === 'queued' ? `<p id="queue">Position ${s.queue.position} in the queue${s.queue.etaSeconds ? `, about ${s.queue.etaSeconds} s` : ''}.</p>` : '';
    // While it is in the pipeline the page follows its progress live and reloads when it is done.
    const inPipeline = s.state === 'queued' || s.state === 'running';
    const liveScript = inPipeline ? `<p id="live" class="live" role="status" aria-live="polite" data-events="/submissions/${encodeURIComponent(s.id)}/events"></p>` : '';
    res.type('html').send(
      page(
        `Submission ${s.id}`,
        `<h1>Submission <code>${escapeHtml(s.id)}</code></h1><p>${escapeHtml(s.fileName)} to <a href="/challenges/${encodeURIComponent(s.challenge)}/leaderboard">${escapeHtml(challenge?.title ?? s.challenge)}</a> by ${escapeHtml(s.person)}: <span id="state"><strong>${escapeHtml(s.state)}</strong></span>${reasonIsChecks ? ` — ${failedChecks} check${failedChecks === 1 ? '' : 's'} failed, <a href="#checks">see below</a>` : s.reason ? ` — ${textWithBreaks(s.reason)}` : ''}</p>${note ? `<p>Note: <q>${escapeHtml(note)}</q></p>` : ''}${s.disqualified ? `<p><strong>Disqualified:</strong> ${escapeHtml(s.disqualified.reason ?? '')}</p>` : ''}${queued}${liveScript}${score$}${diff}${stages}${reasonIsChecks ? checks : ''}${metricsSection(score, task)}${firmware}${estimated}${macs}${reasonIsChecks ? '' : checks}`,
        { scripts: liveScript ? ['/static/live-submission.js'] : [] },
      ),
    );
  });
  return router;
}
