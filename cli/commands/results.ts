import { dirname, join, resolve } from 'node:path';
import { output, withServices } from '../services.js';
import { actorFrom } from './challenge.js';
import type { RegisterCommand } from './types.js';

const register: RegisterCommand = (program) => {
  const results = program.command('results').description('final results');
  results
    .command('publish')
    .description('publish the final results page and data of a closed challenge: committed to RESULTS_REPO on GitHub (idempotent), or written to a folder (--out, or $DATA_DIR/results when GitHub is not configured)')
    .argument('<challenge>')
    .requiredOption('--reason <text>', 'why (audit log)')
    .option('--by <handle>', 'the organizer doing it')
    .option('--out <folder>', 'write the files here instead of committing them to GitHub')
    .option('--json', 'print JSON')
    .action(async (challenge: string, opts: { reason: string; by?: string; out?: string; json?: boolean }) => {
      const res = await withServices(async (services) => {
        const { canPublishToGitHub, exportResults, publishResults } = await import('../../arena/results.js');
        const actor = await actorFrom(services, opts);
        if (!opts.out && canPublishToGitHub(services.config)) return { github: await publishResults(services, actor, challenge), local: null };
        // No GitHub settings: a local export instead of a failure (commit it wherever the results live).
        const folder = resolve(opts.out ?? join(services.config.DATA_DIR, 'results'));
        const fs = await import('node:fs/promises');
        const files = await exportResults(services, actor, challenge);
        for (const f of files) {
          await fs.mkdir(dirname(join(folder, f.path)), { recursive: true });
          await fs.writeFile(join(folder, f.path), f.text);
        }
        return { github: null, local: { folder, files: files.map((f) => join(folder, f.path)), github: false as const, reason: opts.out ? null : 'GITHUB_TOKEN and RESULTS_REPO are not set' } };
      });
      const gh = res.github;
      if (gh) {
        output(opts.json, gh, () => gh.files.map((f) => `${f.status.padEnd(9)} ${gh.repo}/${f.path}`).join('\n'));
        return;
      }
      const l = res.local;
      output(opts.json, l, () =>
        [
          ...(l.reason ? [`GitHub is not configured (${l.reason}), so the results were written locally:`] : []),
          ...l.files.map((f) => `written   ${f}`),
          ...(l.reason ? ['Commit these to your results repository, or set GITHUB_TOKEN and RESULTS_REPO (owner/name) to publish there directly.'] : []),
        ].join('\n'),
      );
    });
};
export default register;
