import { output, withServices } from '../services.js';
import { actorFrom } from './challenge.js';
import type { RegisterCommand } from './types.js';

const register: RegisterCommand = (program) => {
  const results = program.command('results').description('final results');
  results
    .command('publish')
    .description('commit the final results page and data of a closed challenge to RESULTS_REPO on GitHub (idempotent)')
    .argument('<challenge>')
    .requiredOption('--reason <text>', 'why (audit log)')
    .option('--by <handle>', 'the organizer doing it')
    .option('--json', 'print JSON')
    .action(async (challenge: string, opts: { reason: string; by?: string; json?: boolean }) => {
      const res = await withServices(async (services) => {
        const { publishResults } = await import('../../arena/results.js');
        return publishResults(services, await actorFrom(services, opts), challenge);
      });
      output(opts.json, res, () => res.files.map((f) => `${f.status.padEnd(9)} ${res.repo}/${f.path}`).join('\n'));
    });
};
export default register;
