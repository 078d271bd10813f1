/** /rules challenge: what a challenge asks for: budgets, scoring, quotas and timeline, from its YAML. */
import { formatBytes } from '../../lib/format.js';
import { getChallenge, phaseOf } from '../../arena/catalog.js';
import { challengeOption, clip, need } from './shared.js';
import type { Command } from './types.js';

export default {
  definition: (ctx) => ({ name: 'rules', description: "A challenge's rules: budgets, scoring, quotas, timeline", options: [challengeOption(ctx)] }),
  cooldownMs: 3_000,
  async execute(ctx) {
    const c = await getChallenge(ctx.services.db, need(ctx.options, 'challenge'), ctx.services.config.CHALLENGES_DIR);
    const d = c.def;
    const w = d.scoring.weights;
    const lines = [
      `**${d.title}** (\`${d.id}\`, ${d.task.toUpperCase()}) · ${phaseOf(c).phase}`,
      ...(d.description ? [d.description.trim().slice(0, 600)] : []),
      `**Model budget**: ≤ ${formatBytes(d.budgets.maxModelBytes)} file, ≤ ${formatBytes(d.budgets.maxArenaBytes)} tensor arena${d.budgets.maxMacs ? `, ≤ ${d.budgets.maxMacs.toLocaleString('en')} MACs` : ''}${d.budgets.int8Required ? ', int8 quantized' : ''}`,
      `**Gate**: ${d.scoring.gate.metric} ≥ ${d.scoring.gate.min} to be ranked`,
      `**Score**: quality ${w.quality} + latency ${w.latency} (${d.scoring.latency.bestMs}–${d.scoring.latency.worstMs} ms) + flash ${w.flash} (${formatBytes(d.scoring.flash.bestBytes)}–${formatBytes(d.scoring.flash.worstBytes)}) points`,
      `**Quota**: ${d.quotas.perDay} per day (resets ${d.quotas.resetAt} ${d.quotas.timeZone})${d.quotas.total ? `, ${d.quotas.total} in total` : ''}; rejected files cost nothing`,
      `**Timeline**: opens ${d.timeline.opens}, closes ${d.timeline.closes}${d.timeline.freezes ? `, board freezes ${d.timeline.freezes}` : ''}`,
    ];
    await ctx.reply.edit(clip(lines.join('\n')));
  },
} satisfies Command;
