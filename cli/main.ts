/**
 * `tinyarena` entry point. Each sub-command lives in cli/commands/<name>.ts and is listed in
 * cli/commands/index.ts. Exit codes: 0 success, 1 understood but rejected/failed, 2 bad usage or
 * unreadable input (bad configuration included).
 */
import { Command, CommanderError, Help } from 'commander';
import { ConfigError } from '../core/config.js';
import { VERSION } from '../core/version.js';
import { commands } from './commands/index.js';
import { CliError } from './errors.js';

const program = new Command('tinyarena')
  .description('TinyArena: TinyML competition grader, community bot and leaderboards')
  .version(VERSION)
  .showHelpAfterError()
  .exitOverride()
  // Sub-commands inherit this: a required option says so in every --help.
  .configureHelp({
    optionDescription(option) {
      const text = Help.prototype.optionDescription.call(this, option);
      return option.mandatory ? `${text} (required)` : text;
    },
  });
for (const register of commands) register(program);

try {
  await program.parseAsync(process.argv);
  // Exit explicitly once the command is done: the schema engine's wasm leaves a ~10 s lock-timeout
  // timer behind after migrating PostgreSQL, and a finished command should not wait for it.
  await flushStdout();
  process.exit(process.exitCode ?? 0);
} catch (err) {
  if (err instanceof CommanderError) {
    process.exit(err.exitCode === 0 ? 0 : 2);
  }
  const code = err instanceof ConfigError ? 2 : err instanceof CliError ? err.exitCode : 1;
  const message = err instanceof Error ? err.message : String(err);
  // An empty message means the command already explained itself on stdout (e.g. a rejection).
  if (message) process.stderr.write(`tinyarena: ${message}\n`);
  if (process.env.TINYARENA_DEBUG && err instanceof Error) process.stderr.write(`${err.stack}\n`);
  await flushStdout();
  process.exit(code);
}

function flushStdout(): Promise<void> {
  return new Promise((resolve) => process.stdout.write('', () => resolve()));
}
