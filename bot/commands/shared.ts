/**
 * Pieces several commands share: the `challenge` option (choices from the stored challenges), a
 * required-option reader, and chat-sized renderings of a submission's progress.
 */
import { formatBytes } from '../../lib/format.js';
import { isSettled, type StatusView } from '../../arena/status.js';
import { UserFacingError, type CommandOptions, type DefinitionContext, type OptionDefinition } from './types.js';

/** Discord accepts at most 25 choices; past that the option takes free text. */
export function challengeOption(ctx: DefinitionContext, description = 'which challenge'): OptionDefinition {
  const choices = ctx.challenges.length <= 25 ? ctx.challenges.map((c) => ({ name: `${c.title} (${c.id})`.slice(0, 100), value: c.id })) : undefined;
  return { type: 'string', name: 'challenge', description, required: true, ...(choices?.length ? { choices } : {}) };
}

export const reasonOption: OptionDefinition = { type: 'string', name: 'reason', description: 'why (kept in the audit log)', required: true, maxLength: 300 };

export function need(options: CommandOptions, name: string): string {
  const v = options.string(name);
  if (v === null || !v.trim()) throw new UserFacingError(`the option "${name}" is required`);
  return v.trim();
}

const seconds = (s: number | null) => (s === null ? 'unknown' : s < 90 ? `about ${s} s` : `about ${Math.round(s / 60)} min`);

const STAGE_LABEL: Record<string, string> = { validate: 'validated', score: 'scored', device: 'device', publish: 'ranked' };

const PHASE_LABEL: Record<string, string> = { flash: 'flashing the firmware', boot: 'waiting for it to boot', run: 'running held-out samples', restore: 'restoring the harness' };

/** `reason`: the submission's reason, shown with the outcome; a stage that failed with it does not repeat it. */
function stageLine(st: StatusView['stages'][number], reason: string | null): string {
  const d = (st.detail ?? {}) as Record<string, unknown>;
  const label = STAGE_LABEL[st.name] ?? st.name;
  if (st.status === 'running' || st.status === 'pending') {
    const what = st.name === 'validate' ? 'validating' : st.name === 'score' ? 'scoring on the held-out set' : st.name === 'device' ? 'running on a board' : 'ranking';
    // Long work reports its phase (flashing, running samples, restoring the harness).
    const p = d.progress as { phase?: string; fraction?: number; board?: string } | undefined;
    const phase = p?.phase ? ` · ${PHASE_LABEL[p.phase] ?? p.phase}${p.board ? ` on ${p.board}` : ''}${typeof p.fraction === 'number' ? ` ${Math.round(p.fraction * 100)}%` : ''}` : '';
    return `⏳ ${what}${phase}…`;
  }
  if (st.status === 'error') return `⚠️ ${st.name}: retrying after an error on our side`;
  if (st.status === 'failed') return `❌ ${st.name}: ${st.error && st.error !== reason ? st.error : 'failed'}`;
  // A skip reason's first clause is enough in chat; the report has the rest.
  if (st.status === 'skipped') return `⏭️ ${st.name}: skipped${typeof d.reason === 'string' ? ` (${d.reason.split(/: /)[0]})` : ''}`;
  switch (st.name) {
    case 'validate':
      return `✅ ${label}: ${typeof d.sizeBytes === 'number' ? formatBytes(d.sizeBytes) : ''}${typeof d.arenaBytes === 'number' ? `, arena ${formatBytes(d.arenaBytes)}` : ''}`;
    case 'score': {
      const pub = d.public as { metric?: string; value?: number } | undefined;
      return `✅ ${label}: ${pub?.metric ?? 'quality'} ${typeof pub?.value === 'number' ? pub.value.toFixed(4) : '?'} (public split)`;
    }
    case 'device': {
      // A firmware is scored on the board: its quality comes with the device stage.
      const pub = (d.scores as { public?: { metric?: string; value?: number } } | undefined)?.public;
      const quality = pub && typeof pub.value === 'number' ? `${pub.metric ?? 'quality'} ${pub.value.toFixed(4)} on ${typeof d.samples === 'number' ? d.samples : '?'} samples (public split), ` : '';
      return `✅ device: ${quality}${typeof d.latencyMs === 'number' ? `${d.latencyMs.toFixed(2)} ms per inference${typeof d.latencyBasis === 'string' ? ' (estimated on a virtual board)' : ''}` : 'measured'}`;
    }
    default:
      return `✅ ${label}`;
  }
}

/** " on the firmware track" when the challenge ranks models and firmware apart (each track has a #1). */
const onTrack = (s: Pick<StatusView, 'track'>) => (s.track ? ` on the ${s.track} track` : '');

/** The live reply for one submission: header, one line per stage, and the outcome. */
export function renderProgress(s: StatusView, extra?: string): string {
  const lines = [`**${s.challenge}** · \`${s.fileName}\` · submission \`${s.id}\``];
  if (s.state === 'queued') lines.push(`🕒 queued: ${s.queue.position === 0 ? 'next in line' : `${s.queue.position} ahead of you`}, ETA ${seconds(s.queue.etaSeconds)}`);
  for (const st of s.stages) lines.push(stageLine(st, s.reason));
  if (s.state === 'done') {
    lines.push(s.eligible ? `🏁 score **${s.score?.toFixed(2) ?? '?'}**${s.rank ? ` · rank **#${s.rank}**${onTrack(s)}` : ''}` : `🏁 scored, but not on the board: ${s.unranked ?? "below the challenge's quality gate"}${s.score !== null ? ` (score ${s.score.toFixed(2)})` : ''}`);
    if (s.reason) lines.push(`ℹ️ ${s.reason}`);
  } else if (s.state === 'rejected') {
    lines.push(`❌ rejected:${breakBefore(s.reason ?? 'see the report')}`);
  } else if (s.state === 'failed') {
    lines.push(`⚠️ failed on our side:${breakBefore(s.reason ?? 'unknown error')}`);
  }
  if (s.disqualified) lines.push(`🚫 disqualified: ${s.disqualified.reason ?? 'no reason given'}`);
  lines.push(`Report: <${s.report}>`);
  if (extra) lines.push(extra);
  return lines.join('\n');
}

/** A multi-line reason (one block per failed check) starts on its own line; a short one follows the colon. */
const breakBefore = (r: string) => (r.includes('\n') ? `\n${r}` : ` ${r}`);

/** Cut to Discord's 2000-character message limit. */
export function clip(text: string, max = 2000): string {
  return text.length <= max ? text : `${text.slice(0, max - 2)} …`;
}

/** A submission is settled when it left the pipeline and, if scored, finished publishing (rank known). */
export const settled = (s: StatusView): boolean => isSettled(s);

/** The learner's completion notice (DM): the outcome in one line and the report link. */
export function completionNote(final: StatusView): string {
  const outcome =
    final.state === 'done'
      ? final.eligible
        ? `scored **${final.score?.toFixed(2) ?? '?'}**${final.rank ? `, rank **#${final.rank}**${onTrack(final)}` : ''}`
        : 'was scored but is below the quality gate'
      : final.state === 'rejected'
        ? `was rejected:${breakBefore(final.reason ?? 'see the report')}`
        : `failed on our side (quota refunded):${breakBefore(final.reason ?? '')}`;
  return clip(`Your submission \`${final.fileName}\` to **${final.challenge}** ${outcome}. Report: <${final.report}>`);
}

