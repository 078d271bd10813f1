import type { Part } from '../run-parts.js';
import type { RegisterCommand } from './types.js';

// Loaded on use: the service stack (BullMQ, Prisma, express) is heavy for short commands.
const runParts = async (parts: Part[]) => (await import('../run-parts.js')).runParts(parts);

/** `start` (everything in one process) and one command per part, for scaling out. */
const register: RegisterCommand = (program) => {
  program
    .command('start')
    .description('run web + workers (+ bots and rack when configured) in one process; Ctrl-C stops it cleanly')
    .action(() => runParts(['web', 'worker']));
  const parts: [Part, string][] = [
    ['web', 'run only the web server (HTTP API, pages, webhooks)'],
    ['worker', 'run only the queue workers (grading stages, housekeeping)'],
  ];
  for (const [part, description] of parts) {
    program.command(part).description(description).action(() => runParts([part]));
  }
};
export default register;
