import { CliError } from '../errors.js';
import { stepBar } from '../progress.js';
import type { RegisterCommand } from './types.js';

const register: RegisterCommand = (program) => {
  const dataset = program.command('dataset').description('build and inspect held-out sets');
  dataset
    .command('build')
    .description('build a set in the MLPerf Tiny layout from raw data (KWS: WAV folders named by word)')
    .requiredOption('--task <task>', 'kws (word folders), vww (person/ and non_person/ images) or ad (normal/ and anomaly/ clips)')
    .requiredOption('--from <dir>', 'raw data folder')
    .requiredOption('--out <dir>', 'output folder')
    .action(async (opts: { task: string; from: string; out: string }) => {
      const [{ DATASET_BUILDERS }, { DatasetError }, { TASK_IDS, isTask }] = await Promise.all([import('../../grader/datasets/builders.js'), import('../../grader/datasets/dataset.js'), import('../../grader/tasks/index.js')]);
      const builder = isTask(opts.task) ? DATASET_BUILDERS[opts.task] : undefined;
      if (!builder) throw new CliError(`--task must be ${TASK_IDS.filter((t) => DATASET_BUILDERS[t]).join(', ').replace(/, ([^,]*)$/, ' or $1')}`, 2);
      const bar = await stepBar('building [{bar}] {value}/{total} clips');
      try {
        const r = builder.build(opts.from, opts.out, bar.update);
        bar.stop();
        process.stdout.write(`${r.summary} → ${opts.out}\n${r.details ? `${r.details}\n` : ''}`);
      } catch (err) {
        bar.stop();
        if (err instanceof DatasetError) throw new CliError(err.message, 2);
        throw err;
      }
    });
};
export default register;

/** `tinyarena dataset demo`: make a demo-only set from synthetic data. */
export const registerDemo: RegisterCommand = (program) => {
  const dataset = program.commands.find((c) => c.name() === 'dataset')!;
  dataset
    .command('demo')
    .description('generate a demo-only set the project makes itself (labels true by construction; not a substitute for real held-out data)')
    .requiredOption('--task <task>', 'kws (espeak-ng voices speaking the keywords), vww (rendered scenes with and without people) or ad (synthetic machine sounds with injected faults)')
    .requiredOption('--out <dir>', 'output folder (the raw data goes to <dir>/raw, the set to <dir>/set)')
    .option('--seed <n>', 'seed of the generator (same seed, same set)', '1')
    .option('--from <dir>', 'vww only: also add augmented copies of your own person/ and non_person/ images')
    .action(async (opts: { task: string; out: string; seed: string; from?: string }) => {
      const { TASK_IDS, isTask } = await import('../../grader/tasks/index.js');
      if (!isTask(opts.task)) throw new CliError(`--task must be ${TASK_IDS.join(', ').replace(/, ([^,]*)$/, ' or $1')}`, 2);
      const seed = Number(opts.seed);
      if (!Number.isInteger(seed) || seed < 0) throw new CliError('--seed must be a non-negative integer', 2);
      if (opts.from && opts.task !== 'vww') throw new CliError('--from is for --task vww only', 2);
      const [{ generateDemo }, { DatasetError }, path] = await Promise.all([import('../../grader/datasets/demo.js'), import('../../grader/datasets/dataset.js'), import('node:path')]);
      const bar = await stepBar('generating [{bar}] {percentage}% (making the raw data, then building the set)');
      const set = path.join(opts.out, 'set');
      try {
        const options = opts.task === 'vww' ? { seed, ...(opts.from ? { from: opts.from } : {}) } : { seed };
        const r = generateDemo(opts.task, path.join(opts.out, 'raw'), set, options, bar.update);
        bar.stop();
        process.stdout.write(`${r.samples} demo samples (${r.detail}) → ${set} (demo only)\n`);
      } catch (err) {
        bar.stop();
        if (err instanceof DatasetError) throw new CliError(err.message, 2);
        throw err;
      }
    });
};
