import type { RegisterCommand } from './types.js';
/**
 * Every sub-command module, explicitly listed, with the top-level commands it registers. A module is
 * loaded only when one of its commands runs: `tinyarena --help` lists them from the command manifest
 * the build writes (dist/cli/commands.json, see cli/command-manifest.ts) without loading any.
 */
export interface CommandModule {
  names: readonly string[];
  load: () => Promise<RegisterCommand[]>;
}

const one = (m: Promise<{ default: RegisterCommand }>) => m.then((x) => [x.default]);

export const commandModules: CommandModule[] = [
  { names: ['start', 'web', 'worker'], load: () => one(import('./start.js')) },
  { names: ['migrate'], load: () => one(import('./migrate.js')) },
  { names: ['config'], load: () => one(import('./config.js')) },
  { names: ['db-generate'], load: () => one(import('./db-generate.js')) },
  { names: ['validate'], load: () => one(import('./validate.js')) },
  { names: ['infer'], load: () => one(import('./infer.js')) },
  { names: ['score'], load: () => one(import('./score.js')) },
  { names: ['dataset'], load: async () => import('./dataset.js').then((m) => [m.default, m.registerDemo]) },
  { names: ['submit'], load: () => one(import('./submit.js')) },
  { names: ['status'], load: () => one(import('./status.js')) },
  { names: ['leaderboard'], load: () => one(import('./leaderboard.js')) },
  { names: ['challenge'], load: () => one(import('./challenge.js')) },
  { names: ['rejudge'], load: () => one(import('./rejudge.js')) },
  { names: ['disqualify'], load: () => one(import('./disqualify.js')) },
  { names: ['quota'], load: () => one(import('./quota.js')) },
  { names: ['token'], load: () => one(import('./token.js')) },
  { names: ['team'], load: () => one(import('./team.js')) },
  { names: ['results'], load: () => one(import('./results.js')) },
  { names: ['ask'], load: () => one(import('./ask.js')) },
  { names: ['triage'], load: () => one(import('./triage.js')) },
  { names: ['rack'], load: () => one(import('./rack.js')) },
  { names: ['discord-deploy'], load: () => one(import('./discord-deploy.js')) },
];
