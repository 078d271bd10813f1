import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { formatTimeIn, plural } from '../../lib/format.js';
import { CliError } from '../errors.js';
import { apiRequest, output, remote, withServices } from '../services.js';
import type { RegisterCommand } from './types.js';

interface SubmitOutput {
  id: string;
  state: string;
  queuePosition: number;
  status?: string;
  reason?: string | null;
  etaSeconds?: number | null;
  quota?: { remaining: number; resetsAt: string | Date; timeZone?: string };
}

const register: RegisterCommand = (program) => {
  program
    .command('submit')
    .description('submit a model or firmware to a challenge (exit 0 queued or already submitted, 1 rejected/closed/out of quota, 2 bad usage)')
    .argument('<file>', 'the .tflite model, or a firmware .bin/.hex/.elf where the challenge takes firmware')
    .requiredOption('--challenge <id>', 'challenge id')
    .option('--as <person>', 'server-side: submit as this person (handle; created if new)')
    .option('--server <url>', 'remote: the TinyArena server URL')
    .option('--token <token>', 'remote: your API token')
    .option('--note <text>', 'a note shown with the submission')
    .option('--wait', 'wait until it is graded, showing progress')
    .option('--json', 'print JSON: { id, state, queuePosition, … }')
    .action(async (file: string, opts: { challenge: string; as?: string; server?: string; token?: string; note?: string; wait?: boolean; json?: boolean }) => {
      const st = await stat(file).catch(() => null);
      if (!st?.isFile()) throw new CliError(`${file}: no such file`, 2);
      const r = remote(opts);
      let result: SubmitOutput;
      if (r) {
        const qs = new URLSearchParams({ challenge: opts.challenge, fileName: basename(file), ...(opts.note ? { note: opts.note } : {}) });
        result = (await apiRequest(r, `/api/submissions?${qs.toString()}`, {
          method: 'POST',
          headers: { 'content-type': 'application/octet-stream', 'content-length': String(st.size) },
          body: createReadStream(file),
          duplex: 'half',
        })) as SubmitOutput;
      } else {
        if (!opts.as) throw new CliError('give --as <person> (on the server machine) or --server and --token', 2);
        result = await withServices(async (services) => {
          const [{ submit }, { ensurePerson }] = await Promise.all([import('../../arena/intake.js'), import('../../arena/people.js')]);
          const person = await ensurePerson(services.db, opts.as!);
          const res = await submit(services, { challengeId: opts.challenge, personId: person.id, fileName: basename(file), note: opts.note, source: 'cli', body: createReadStream(file) });
          const { report: _report, ...rest } = res;
          return rest;
        });
      }
      // With --wait --json, one document at the end (the final status, with the intake fields).
      if (!(opts.wait && opts.json && result.status !== 'rejected'))
        output(opts.json, result, () =>
        result.status === 'rejected'
          ? `rejected (no quota used): ${result.reason ?? ''}\nsubmission ${result.id}`
          : `${result.status === 'duplicate' ? 'already submitted' : 'queued'}: ${result.id} (state ${result.state}, position ${result.queuePosition}${result.etaSeconds ? `, about ${result.etaSeconds} s` : ''})${result.quota ? `; ${plural(result.quota.remaining, 'submission')} left before ${formatTimeIn(result.quota.resetsAt, result.quota.timeZone ?? 'UTC')}` : ''}`,
      );
      if (result.status === 'rejected') throw new CliError('', 1);
      if (opts.wait) {
        const { describeStatus, waitForSubmission } = await import('./status.js');
        const final = await waitForSubmission(result.id, r, !opts.json);
        output(opts.json, { ...result, ...final }, () => describeStatus(final));
        if (final.state !== 'done') throw new CliError(`${final.state}: ${final.reason ?? ''}`, 1);
      }
    });
};
export default register;
