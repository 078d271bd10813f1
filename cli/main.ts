/**
 * `tinyarena` entry point. Each sub-command lives in cli/commands/<name>.ts and is listed in
 * cli/commands/index.ts. Exit codes: 0 success, 1 understood but rejected/failed, 2 bad usage or
 * unreadable input (bad configuration included).
 *
 * Start-up is kept light: only the module of the command being run is loaded; the others appear in
 * help from the command manifest the build writes (cli/command-manifest.ts). Without a manifest (run
 * from the sources) every module is loaded.
 */
import { readFileSync } from 'node:fs';
import { Command, CommanderError, Help } from 'commander';
import { VERSION } from '../core/version.js';
import { commandModules } from './commands/index.js';
import type { ManifestEntry } from './command-manifest.js';
import { CliError } from './errors.js';

function readManifest(): ManifestEntry[] | null {
  try {
    return JSON.parse(readFileSync(new URL('./commands.json', import.meta.url), 'utf8')) as ManifestEntry[];
  } catch {
    return null;
  }
}

const manifest = readManifest();
const terms = new Map(manifest?.map((e) => [e.name, e.term]));
const program = new Command('tinyarena')
  .description('TinyArena: TinyML competition grader, community bot and leaderboards')
  .version(VERSION)
  .showHelpAfterError()
  .exitOverride()
  // Sub-commands inherit this: a required option says so in every --help; commands not loaded show
  // the term the manifest recorded for them.
  .configureHelp({
    optionDescription(option) {
      const text = Help.prototype.optionDescription.call(this, option);
      return option.mandatory ? `${text} (required)` : text;
    },
    subcommandTerm(cmd) {
      return terms.get(cmd.name()) ?? Help.prototype.subcommandTerm.call(this, cmd);
    },
  });

// The command to run: the first argument that is not an option.
const wanted = process.argv.slice(2).find((a) => !a.startsWith('-'));
const loaded = new Set<number>();
const wantedModule = manifest?.find((e) => e.name === wanted)?.module;
for (const [i, m] of commandModules.entries()) {
  if (!manifest || i === wantedModule) {
    for (const register of await m.load()) register(program);
    loaded.add(i);
  }
}
// The others as stubs: listed in help, suggested for typos; never run (their module would be loaded).
for (const e of manifest ?? []) if (!loaded.has(e.module)) program.command(e.name).description(e.description);

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
  const { ConfigError } = await import('../core/config.js');
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
