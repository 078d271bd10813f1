import { output, withServices } from '../services.js';
import { actorFrom } from './challenge.js';
import type { RegisterCommand } from './types.js';

const register: RegisterCommand = (program) => {
  program
    .command('rejudge')
    .description('judge submissions again under the current evaluator (old scores are kept per evaluator version)')
    .argument('<challenge>')
    .option('--submission <id...>', 'only these submissions (default: all judged ones)')
    .requiredOption('--reason <text>', 'why (audit log)')
    .option('--by <handle>', 'the organizer doing it')
    .option('--json', 'print JSON')
    .action(async (challenge: string, opts: { submission?: string[]; reason: string; by?: string; json?: boolean }) => {
      const res = await withServices(async (services) => {
        const { rejudge, describeRejudge } = await import('../../arena/admin.js');
        const r = await rejudge(services, await actorFrom(services, opts), { challengeId: challenge, ...(opts.submission ? { submissionIds: opts.submission } : {}) });
        return { ...r, message: describeRejudge(r) };
      });
      output(opts.json, res, () => res.message);
    });
};
export default register;
