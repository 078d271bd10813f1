import { loadConfig } from '../../core/config.js';
import { redactUrl, resolveDbTarget } from '../../core/db/target.js';
import { ensureClients } from '../../core/db/generate.js';
import { CliError } from '../errors.js';
import type { RegisterCommand } from './types.js';

const register: RegisterCommand = (program) => {
  program
    .command('migrate')
    .description('bring the database (DATABASE_URL, or SQLite in DATA_DIR) up to date; offline, no Prisma binary needed')
    .option('--status', 'only report applied / pending migrations')
    .option('--json', 'machine-readable output')
    .action(async (opts: { status?: boolean; json?: boolean }) => {
      const config = loadConfig();
      ensureClients();
      const target = resolveDbTarget(config.DATABASE_URL, config.DATA_DIR);
      const { applyMigrations, migrationStatus } = await import('../../core/db/migrate.js');
      if (opts.status) {
        const st = await migrationStatus(target);
        if (opts.json) process.stdout.write(JSON.stringify({ provider: target.provider, ...st }) + '\n');
        else process.stdout.write(`${target.provider} ${redactUrl(target.url)}: ${st.total - st.pending.length}/${st.total} applied${st.pending.length ? `; pending: ${st.pending.join(', ')}` : ''}\n`);
        if (st.pending.length || st.failed.length) throw new CliError(`${st.pending.length} pending, ${st.failed.length} failed migration(s)`);
        return;
      }
      const res = await applyMigrations(target);
      if (opts.json) process.stdout.write(JSON.stringify({ provider: target.provider, ...res }) + '\n');
      else process.stdout.write(res.applied.length ? `applied ${res.applied.join(', ')}\n` : `${target.provider}: already up to date (${res.total} migrations)\n`);
    });
};
export default register;
