import { output, withServices } from '../services.js';
import { actorFrom } from './challenge.js';
import type { RegisterCommand } from './types.js';

const register: RegisterCommand = (program) => {
  program
    .command('disqualify')
    .description('take a submission off the leaderboards (with --undo: put it back)')
    .argument('<submission-id>')
    .requiredOption('--reason <text>', 'why (shown to the learner and kept in the audit log)')
    .option('--undo', 'requalify')
    .option('--by <handle>', 'the organizer doing it')
    .option('--json', 'print JSON')
    .action(async (id: string, opts: { reason: string; undo?: boolean; by?: string; json?: boolean }) => {
      await withServices(async (services) => {
        const { disqualify } = await import('../../arena/admin.js');
        await disqualify(services, await actorFrom(services, opts), id, !opts.undo);
      });
      output(opts.json, { id, disqualified: !opts.undo }, () => `${id}: ${opts.undo ? 'requalified' : 'disqualified'}`);
    });
};
export default register;
