import { generateClients, ensureClients } from '../../core/db/generate.js';
import type { RegisterCommand } from './types.js';

const register: RegisterCommand = (program) => {
  program
    .command('db-generate')
    .description('generate the Prisma clients (SQLite and PostgreSQL) from prisma/schema.prisma, offline')
    .option('--force', 'regenerate even when they are up to date')
    .action((opts: { force?: boolean }) => {
      if (opts.force) generateClients();
      else ensureClients();
    });
};
export default register;
