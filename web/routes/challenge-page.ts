/**
 * GET /challenges/:id — a challenge's rules as learners need them: task and signature, budgets, the
 * composite formula with its exchange rates, the timeline in the challenge's display time zone (and
 * UTC), the quota with its reset time, team size and the device stage.
 */
import { Router, type Request, type Response } from 'express';
import { formatBytes } from '../../lib/format.js';
import type { ChallengeDefinition } from '../../grader/challenges/schema.js';
import { taskPlugin } from '../../grader/tasks/index.js';
import { getChallenge, phaseOf } from '../../arena/catalog.js';
import { quotaWindow } from '../../arena/quota.js';
import { challengeOverview } from '../../arena/challenge-overview.js';
import { participantFor } from '../../arena/people.js';
import { participantQuota } from '../../arena/quota-usage.js';
import { userOf } from '../auth.js';
import { csrfToken } from '../session.js';
import { statusBadge, statusDates } from '../views/challenge-status.js';
import { submitBox } from '../views/submit-box.js';
import type { WebContext } from '../context.js';
import { escapeHtml, page } from '../views/layout.js';
import { when } from '../views/time.js';
import { refusePage } from '../refusals.js';

export function challengePageRoutes(ctx: WebContext): Router {
  const router = Router();
  router.get('/challenges/:id', async (req: Request, res: Response) => {
    let c;
    try {
      c = await getChallenge(ctx.services.db, String(req.params.id), ctx.services.config.CHALLENGES_DIR);
    } catch (err) {
      if (refusePage(res, err, { title: 'Not found' })) return;
      throw err;
    }
    const d = c.def;
    const p = phaseOf(c);
    const overview = await challengeOverview(ctx.services, c.row.id);
    const user = userOf(res);
    const quota = user && p.accepting ? await participantQuota(ctx.services.db, c.row.id, d, await participantFor(ctx.services.db, c.row.id, user.id), new Date()) : null;
    const box = submitBox({
      challenge: { id: c.row.id, title: d.title, accepting: p.accepting, firmware: Boolean(d.firmware) },
      publicUrl: ctx.services.config.PUBLIC_URL,
      user: user ? { handle: user.handle, csrf: csrfToken(req), quota } : null,
      here: req.originalUrl,
    });
    const zone = d.timeline.displayTimeZone;
    const sig = d.signature ?? taskPlugin(d.task).signature;
    const tensors = (ts: { shape: number[]; dtype: string }[]) => ts.map((t) => `${escapeHtml(t.dtype)} [${t.shape.join(', ')}]`).join('; ');
    const w = d.scoring.weights;
    const { resetsAt } = quotaWindow(d.quotas, new Date());
    const id = encodeURIComponent(d.id);
    res.type('html').send(
      page(
        `${d.title} — TinyArena`,
        `<h1>${escapeHtml(d.title)}</h1><p>${statusBadge(overview)} ${escapeHtml(d.task.toUpperCase())} · <a href="/challenges/${id}/leaderboard">leaderboard</a></p><p>${statusDates(overview)}</p>${d.description ? `<p>${escapeHtml(d.description)}</p>` : ''}${box}
<h2>What to submit</h2><p>A full-integer int8 <code>.tflite</code> model. Input: ${tensors(sig.inputs)}. Output: ${tensors(sig.outputs)}.</p>${firmwareSection(d)}
<h2>Budgets</h2><ul><li>Model size ≤ ${formatBytes(d.budgets.maxModelBytes)}</li><li>Tensor arena ≤ ${formatBytes(d.budgets.maxArenaBytes)}</li>${d.budgets.maxMacs ? `<li>≤ ${d.budgets.maxMacs.toLocaleString('en-US')} MACs per inference</li>` : ''}<li>Operators: ${d.budgets.allowedOps ? escapeHtml(d.budgets.allowedOps.join(', ')) : 'everything the board firmware registers'}</li></ul>
<h2>Scoring</h2><p>Score = ${w.quality}·quality + ${w.latency}·latency + ${w.flash}·flash, each term between 0 and 1 (1 = best). Quality is ${d.scoring.gate.metric === 'auc' ? 'the ROC AUC' : 'top-1 accuracy'}; latency is 1 at ≤ ${d.scoring.latency.bestMs} ms and 0 at ≥ ${d.scoring.latency.worstMs} ms on the board; flash is 1 at ≤ ${formatBytes(d.scoring.flash.bestBytes)} and 0 at ≥ ${formatBytes(d.scoring.flash.worstBytes)}, linear between. So going from the slowest to the fastest latency is worth as much as ${(w.latency / (w.quality || 1)).toFixed(2)} of ${d.scoring.gate.metric === 'auc' ? 'AUC' : 'accuracy'}. Submissions below ${d.scoring.gate.metric} ${d.scoring.gate.min} are scored but not ranked.</p>
<h2>Timeline</h2><ul><li>Opens ${when(d.timeline.opens, zone)}</li>${d.timeline.freezes ? `<li>Public board freezes ${when(d.timeline.freezes, zone)}</li>` : ''}<li>Closes ${when(d.timeline.closes, zone)}; the private ranking is revealed then.</li></ul>
<h2>Quota</h2><p>${d.quotas.perDay} submission${d.quotas.perDay === 1 ? '' : 's'} a day${d.quotas.total ? `, ${d.quotas.total} in total` : ''}. The daily quota resets at ${escapeHtml(d.quotas.resetAt)} ${escapeHtml(d.quotas.timeZone)}; next reset ${when(resetsAt.toISOString(), d.quotas.timeZone)}. Files rejected by the checks at upload cost nothing, nor do submissions that fail on our side.</p>
<h2>Teams and board</h2><p>${d.team.maxSize > 1 ? `Teams of up to ${d.team.maxSize}: one creates it (<a href="/challenges/${id}/team">your team</a>, or <code>/team create</code> in Discord) and shares the join code, the others join with it; a team has one quota and one place on the board, and members' earlier submissions join it.` : 'Individual challenge.'} ${d.device.enabled ? `Every model also runs on an Arduino Nano 33 BLE Sense: ${d.device.warmups} warm-up and ${d.device.inferences} timed inferences; outputs must equal the grader's byte for byte.` : 'No on-board stage.'}${d.leaderboard.maxFinalSubmissions ? ` Choose up to ${d.leaderboard.maxFinalSubmissions} final submissions for the private ranking.` : ''}</p>`,
      ),
    );
  });
  return router;
}

/** Firmware submissions, when the challenge takes them: what the image must do and how it is judged. */
function firmwareSection(d: ChallengeDefinition): string {
  const fw = d.firmware;
  if (!fw) return '';
  const flash = d.scoring.flash;
  const budget = fw.flashBudgetBytes ? `, ≤ ${formatBytes(fw.flashBudgetBytes)} of flash` : '';
  // The YAML's firmware.boards decides the image's target (virtual alone, or the Nano kinds).
  const target = fw.boards.includes('virtual')
    ? `for TinyArena's virtual board, no kit needed (an Arm MPS2 AN386, Cortex-M4F like the Nano's, emulated by QEMU in the rack; <code>.bin</code> linked at 0x00000000, <code>.hex</code> or <code>.elf</code>${budget}; build it from <code>firmware/template/</code> with your model as its README says; its latency is estimated from the instructions it runs)`
    : `for the Nano 33 BLE Sense (<code>.bin</code> linked at 0x10000, <code>.hex</code> or <code>.elf</code>${budget})`;
  return `<p>Or compiled firmware ${target} speaking the MLPerf Tiny protocol: <code>profile</code> must answer <code>${escapeHtml(taskPlugin(d.task).modelId)}</code>. It is flashed onto a board and judged on every held-out sample of each split${taskPlugin(d.task).window ? ' (every window of every file)' : ''}, sent as the dataset stores them: exactly the samples models are scored on, as the MLPerf Tiny runner's accuracy mode does.</p>
${
    d.leaderboard.tracks === 'separate'
      ? `<p id="ranking"><strong>How models and firmware are ranked:</strong> on separate tracks, like MLPerf Tiny's divisions: models against models and firmware against firmware, each track with its own ranks, public and private (<a href="/challenges/${escapeHtml(d.id)}/leaderboard?track=model">models</a>, <a href="/challenges/${escapeHtml(d.id)}/leaderboard?track=firmware">firmware</a>). You may hold a place on each. Both use the same formula; the flash term counts a firmware's image, or a model's bytes plus the ${formatBytes(flash.runtimeBytes)} the board's harness runtime takes.</p>`
      : `<p id="ranking"><strong>How models and firmware are ranked:</strong> together, on one board and one scale. The flash term counts the flash a submission occupies on the board: a firmware's image, or a model's bytes plus the ${formatBytes(flash.runtimeBytes)} the board's harness runtime takes (measured once), so the same network submitted either way gets the same quality and flash terms.</p>`
  }`;
}
