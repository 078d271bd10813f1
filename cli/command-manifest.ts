/**
 * The command manifest: every top-level command's name, help term and description, written by the
 * build (scripts/build.mjs runs this file from dist/) so that `tinyarena --help` lists every command
 * without loading the command modules (and the database, queue and web code they import).
 *
 *   node dist/cli/command-manifest.js <out.json>
 */
import { writeFileSync } from 'node:fs';
import { Command, Help } from 'commander';
import { commandModules } from './commands/index.js';

export interface ManifestEntry {
  name: string;
  /** How root help shows the command, e.g. `validate [options] <model>`. */
  term: string;
  description: string;
  /** Index of its module in commandModules. */
  module: number;
}

/** Register every module into a scratch program and describe its top-level commands. */
export async function commandManifest(): Promise<ManifestEntry[]> {
  const program = new Command('tinyarena');
  const help = new Help();
  const out: ManifestEntry[] = [];
  for (const [i, m] of commandModules.entries()) {
    const before = program.commands.length;
    for (const register of await m.load()) register(program);
    for (const cmd of program.commands.slice(before)) out.push({ name: cmd.name(), term: help.subcommandTerm(cmd), description: cmd.description(), module: i });
  }
  return out;
}

if (process.argv[2]) writeFileSync(process.argv[2], `${JSON.stringify(await commandManifest(), null, 1)}\n`);
