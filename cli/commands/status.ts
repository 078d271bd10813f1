import { isSettled, rankText, type StatusView } from '../../arena/status.js';
import { CliError } from '../errors.js';
import { apiRequest, output, remote, withServices } from '../services.js';
import type { RegisterCommand } from './types.js';

async function fetchStatus(id: string, r: { server: string; token: string } | null): Promise<StatusView> {
  if (r) return (await apiRequest(r, `/api/submissions/${encodeURIComponent(id)}`)) as StatusView;
  return withServices(async (services) => {
    const { submissionStatus } = await import('../../arena/status.js');
    const s = await submissionStatus(services.db, id, { publicUrl: services.config.PUBLIC_URL, workers: services.config.WORKER_CONCURRENCY, showPrivate: true });
    if (!s) throw new CliError(`no submission ${id}`, 2);
    return s;
  });
}

export function describeStatus(s: StatusView): string {
  const lines = [`${s.id} — ${s.challenge} by ${s.person} (${s.fileName}): ${s.state}`];
  // The reason once, with its line breaks (one block per failed check); stages that failed with it do not repeat it.
  if (s.reason) lines.push(...s.reason.split('\n').map((l) => `  ${l}`));
  if (s.state === 'queued') lines.push(`  position ${s.queue.position} in the queue${s.queue.etaSeconds ? `, about ${s.queue.etaSeconds} s` : ''}`);
  for (const st of s.stages) {
    lines.push(`  ${st.name.padEnd(9)} ${st.status}${st.error && st.error !== s.reason ? ` — ${st.error.split('\n')[0]}` : ''}`);
    if (st.name === 'device' && st.status === 'passed') {
      const board = deviceSummary(st.detail);
      if (board) lines.push(`            ${board}`);
    }
  }
  if (s.score !== null) lines.push(`  score ${s.score}${s.rank ? `, ${rankText(s)}` : s.unranked ? ` (not ranked: ${s.unranked})` : ''}`);
  if (s.disqualified) lines.push(`  disqualified: ${s.disqualified.reason ?? ''}`);
  lines.push(`  report: ${s.report}`);
  return lines.join('\n');
}

/**
 * The device stage's board figures in one line: which board, the output check, the latency and how
 * it was obtained (a virtual board's is an estimate from its instruction count).
 */
function deviceSummary(detail: unknown): string | null {
  if (!detail || typeof detail !== 'object') return null;
  const d = detail as { boardId?: unknown; boardKind?: unknown; latencyMs?: unknown; latencyBasis?: unknown; byteEqual?: unknown; samples?: unknown };
  if (typeof d.boardId !== 'string' || typeof d.latencyMs !== 'number') return null;
  const check = d.byteEqual === true && typeof d.samples === 'number' ? `, outputs byte-equal to the host engine on ${d.samples} samples` : '';
  const basis = typeof d.latencyBasis === 'string' ? ` (${d.latencyBasis})` : '';
  return `board ${d.boardId}${typeof d.boardKind === 'string' ? ` (${d.boardKind})` : ''}${check}; ${d.latencyMs} ms per inference${basis}`;
}

/** Poll until the submission leaves the pipeline, showing stage changes on stderr. */
export async function waitForSubmission(id: string, r: { server: string; token: string } | null, show: boolean, timeoutMs = 30 * 60_000): Promise<StatusView> {
  if (r) return pollUntilDone(() => fetchStatus(id, r), show, timeoutMs);
  // On the server machine: one set of connections for the whole wait.
  return withServices(async (services) => {
    const { submissionStatus } = await import('../../arena/status.js');
    return pollUntilDone(async () => {
      const s = await submissionStatus(services.db, id, { publicUrl: services.config.PUBLIC_URL, workers: services.config.WORKER_CONCURRENCY, showPrivate: true });
      if (!s) throw new CliError(`no submission ${id}`, 2);
      return s;
    }, show, timeoutMs);
  });
}

async function pollUntilDone(fetchOnce: () => Promise<StatusView>, show: boolean, timeoutMs: number): Promise<StatusView> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  for (;;) {
    const s = await fetchOnce();
    const line = `${s.state}${s.state === 'queued' ? ` (position ${s.queue.position})` : ''} ${s.stages.map((st) => `${st.name}:${st.status}`).join(' ')}`;
    if (show && line !== last) process.stderr.write(`  … ${line}\n`);
    last = line;
    if (isSettled(s)) return s;
    if (Date.now() > deadline) throw new CliError(`still ${s.state} after ${timeoutMs / 1000} s`, 1);
    await new Promise((res) => setTimeout(res, 500));
  }
}

const register: RegisterCommand = (program) => {
  program
    .command('status')
    .description('show a submission: state, stages, score, rank')
    .argument('<submission-id>')
    .option('--server <url>', 'remote: the TinyArena server URL')
    .option('--token <token>', 'remote: your API token')
    .option('--wait', 'wait until it leaves the queue')
    .option('--json', 'print JSON: { id, state, stages, score, rank, report }')
    .action(async (id: string, opts: { server?: string; token?: string; wait?: boolean; json?: boolean }) => {
      const r = remote(opts);
      const s = opts.wait ? await waitForSubmission(id, r, !opts.json) : await fetchStatus(id, r);
      output(opts.json, s, () => describeStatus(s));
    });
};
export default register;
