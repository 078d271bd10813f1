import { CliError } from '../errors.js';
import { formatTimeIn, plural } from '../../lib/format.js';
import { findParticipant } from '../people.js';
import { output, withServices } from '../services.js';
import { actorFrom } from './challenge.js';
import type { RegisterCommand } from './types.js';

const register: RegisterCommand = (program) => {
  const quota = program.command('quota').description('submission quotas');
  quota
    .command('show')
    .description("a person's quota in a challenge")
    .argument('<challenge>')
    .argument('<person>', 'handle')
    .option('--json', 'print JSON')
    .action(async (challenge: string, handle: string, opts: { json?: boolean }) => {
      const q = await withServices(async (services) => {
        const [{ getChallenge }, { participantFor }, { participantQuota }] = await Promise.all([
          import('../../arena/catalog.js'),
          import('../../arena/people.js'),
          import('../../arena/quota-usage.js'),
        ]);
        const person = await findParticipant(services, handle);
        const c = await getChallenge(services.db, challenge, services.config.CHALLENGES_DIR);
        return participantQuota(services.db, challenge, c.def, await participantFor(services.db, challenge, person.id), new Date());
      });
      output(opts.json, q, () => `${plural(q.remaining, 'submission')} left (today ${q.usedToday}/${q.perDay}${q.total ? `, total ${q.usedTotal}/${q.total}` : ''}); resets at ${formatTimeIn(q.resetsAt, q.timeZone)} (daily at ${q.resetLabel})`);
    });
  quota
    .command('grant')
    .description('give a person extra submissions in a challenge')
    .argument('<challenge>')
    .argument('<person>', 'handle')
    .argument('<extra>', 'number of extra submissions')
    .requiredOption('--reason <text>', 'why (audit log)')
    .option('--by <handle>', 'the organizer doing it')
    .option('--json', 'print JSON')
    .action(async (challenge: string, handle: string, extra: string, opts: { reason: string; by?: string; json?: boolean }) => {
      const n = Number(extra);
      if (!Number.isInteger(n)) throw new CliError('<extra> must be a whole number', 2);
      const grant = await withServices(async (services) => {
        const { grantQuota } = await import('../../arena/admin.js');
        const person = await findParticipant(services, handle);
        return grantQuota(services, await actorFrom(services, opts), challenge, person.id, n);
      });
      output(opts.json, grant, () => `granted ${plural(n, 'extra submission')} to ${handle} in ${challenge}`);
    });
};
export default register;
