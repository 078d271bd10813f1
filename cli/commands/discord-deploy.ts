import { output, withServices } from '../services.js';
import { CliError } from '../errors.js';
import type { RegisterCommand } from './types.js';

/** `tinyarena discord-deploy [--global]`: register the slash commands (bot/discord/deploy.ts). */
const register: RegisterCommand = (program) => {
  program
    .command('discord-deploy')
    .description('register the Discord slash commands in DISCORD_GUILD_ID (instant) or globally (--global, up to an hour)')
    .option('--global', 'register for every server the bot is in')
    .option('--json', 'print JSON')
    .action(async (opts: { global?: boolean; json?: boolean }) => {
      const res = await withServices(async (services) => {
        const { deployCommands } = await import('../../bot/discord/deploy.js');
        try {
          return await deployCommands(services.config, services.db, { global: opts.global === true });
        } catch (err) {
          // Missing settings are bad usage; Discord refusing (bad token, no access) is a failure.
          if (/must be set|is not set/.test((err as Error).message)) throw new CliError((err as Error).message, 2);
          throw new CliError(`Discord refused the registration: ${(err as Error).message}`, 1);
        }
      });
      output(opts.json, res, () => `registered ${res.commands.length} commands (${res.commands.map((c) => `/${c}`).join(' ')}) ${res.scope === 'global' ? 'globally' : `in guild ${res.guildIds.join(', ')}`}`);
    });
};
export default register;
