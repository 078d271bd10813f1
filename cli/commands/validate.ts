import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { formatBytes } from '../../lib/format.js';
import { ChallengeError, loadChallenge, rulesForChallenge } from '../../grader/challenges/load.js';
import { preflight, type PreflightReport, type TensorInfo } from '../../grader/validate/preflight.js';
import { DEFAULT_RULES } from '../../grader/validate/rules.js';
import { readWebEndpoint } from '../../core/web-endpoint.js';
import { CliError } from '../errors.js';
import type { RegisterCommand } from './types.js';

/** Refuse to read absurd files into memory: far past any board's flash. */
const MAX_MODEL_FILE = 64 * 1024 * 1024;

const register: RegisterCommand = (program) => {
  program
    .command('validate')
    .description('preflight a .tflite model: format, int8, ops, size, arena, MACs (exit 0 accepted, 1 rejected, 2 unreadable)')
    .argument('<model>', 'path to the .tflite file')
    .option('--challenge <id>', 'check against this challenge (default: the competition rules for the Nano 33 BLE Sense)')
    .option('--json', 'print the report as JSON')
    .action(async (model: string, opts: { challenge?: string; json?: boolean }) => {
      let rules = DEFAULT_RULES;
      if (opts.challenge) {
        try {
          // The server's challenge folder (CHALLENGES_DIR), where an organizer's own challenges live.
          const { loadConfig } = await import('../../core/config.js');
          rules = rulesForChallenge(loadChallenge(opts.challenge, loadConfig().CHALLENGES_DIR).definition);
        } catch (err) {
          if (err instanceof ChallengeError) throw new CliError(err.message, 2);
          throw err;
        }
      }
      let bytes: Buffer;
      try {
        const st = await stat(model);
        if (!st.isFile()) throw new CliError(`${model} is not a file`, 2);
        if (st.size > MAX_MODEL_FILE) throw new CliError(`${model} is ${formatBytes(st.size)}; models over ${formatBytes(MAX_MODEL_FILE)} are not read`, 2);
        bytes = await readFile(model);
      } catch (err) {
        if (err instanceof CliError) throw err;
        throw new CliError(`cannot read ${model}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`, 2);
      }
      const { report } = preflight(bytes, rules);
      process.stdout.write(opts.json ? JSON.stringify(report) + '\n' : renderReport(basename(model), report, siteUrl()));
      process.exitCode = report.ok ? 0 : report.readable ? 1 : 2;
    });
};
export default register;

const tensorLine = (t: TensorInfo) => {
  const q = t.scale === null ? '' : Array.isArray(t.scale) ? ` (${t.scale.length} channel scales)` : ` scale ${fmt(t.scale)} zero point ${String(t.zeroPoint)}`;
  return `[${t.shape.join(',')}] ${t.dtype}${q}`;
};
const fmt = (x: number) => (Math.abs(x) >= 0.01 ? x.toPrecision(6).replace(/\.?0+$/, '') : x.toExponential(4));

/** Where recipe links point: PUBLIC_URL, else the server running on this data folder, else the default local one. */
function siteUrl(): string {
  return (process.env.PUBLIC_URL ?? readWebEndpoint(process.env.DATA_DIR ?? 'data') ?? `http://localhost:${process.env.PORT ?? '3000'}`).replace(/\/+$/, '');
}

/** A short human report: summary, then one line per check with the fix (and the recipe link) under failures. */
export function renderReport(name: string, r: PreflightReport, baseUrl = ''): string {
  const lines: string[] = [];
  lines.push(`${name}  ${formatBytes(r.sizeBytes)}  (${r.rules})`);
  if (r.readable) {
    r.inputs.forEach((t, i) => lines.push(`  input ${i}   ${tensorLine(t)}`));
    r.outputs.forEach((t, i) => lines.push(`  output ${i}  ${tensorLine(t)}`));
    lines.push(`  ops       ${r.ops.map((o) => `${o.op}×${o.count}`).join(' ')}`);
    lines.push(`  MACs ${r.macs.toLocaleString('en-US')}  params ${r.params.toLocaleString('en-US')}  arena ≈ ${formatBytes(r.arenaBytes)}`);
  }
  lines.push('');
  const width = Math.max(...r.checks.map((c) => c.id.length));
  for (const c of r.checks) {
    const mark = c.status === 'pass' ? 'ok  ' : c.status === 'warn' ? 'warn' : 'FAIL';
    lines.push(`  ${mark}  ${c.id.padEnd(width)}  ${c.message}`);
    if (c.hint && c.status !== 'pass') lines.push(`        ${' '.repeat(width)}  fix: ${c.hint}`);
    if (c.link && c.status !== 'pass') lines.push(`        ${' '.repeat(width)}  recipe: ${baseUrl}${c.link}`);
  }
  lines.push('');
  lines.push(r.ok ? 'ACCEPTED' : r.readable ? 'REJECTED' : 'UNREADABLE');
  return lines.join('\n') + '\n';
}
