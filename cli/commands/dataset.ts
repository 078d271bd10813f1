import { CliError } from '../errors.js';
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
      if (!['kws', 'vww', 'ad'].includes(opts.task)) throw new CliError('--task must be kws, vww or ad', 2);
      const [{ buildKwsSet, KWS_LABELS }, { buildAdSet }, { buildVwwSet }, { DatasetError }, { SingleBar, Presets }] = await Promise.all([
        import('../../grader/datasets/build-kws.js'),
        import('../../grader/datasets/build-ad.js'),
        import('../../grader/datasets/build-vww.js'),
        import('../../grader/datasets/dataset.js'),
        import('cli-progress'),
      ]);
      const bar = process.stderr.isTTY ? new SingleBar({ format: 'building [{bar}] {value}/{total} clips', stream: process.stderr }, Presets.shades_classic) : null;
      let started = false;
      try {
        const onProgress = (done: number, total: number) => {
          if (bar && !started) {
            bar.start(total, 0);
            started = true;
          }
          bar?.update(done);
        };
        if (opts.task === 'vww') {
          const r = buildVwwSet(opts.from, opts.out, onProgress);
          if (started) bar?.stop();
          process.stdout.write(`${r.samples} images (${r.persons} with a person) → ${opts.out}\n`);
          return;
        }
        if (opts.task === 'ad') {
          const r = buildAdSet(opts.from, opts.out, onProgress);
          if (started) bar?.stop();
          process.stdout.write(`${r.samples} clips (${r.anomalies} anomalous) → ${opts.out}\n`);
          return;
        }
        const r = buildKwsSet(opts.from, opts.out, onProgress);
        if (started) bar?.stop();
        process.stdout.write(`${r.samples} samples → ${opts.out}\n${KWS_LABELS.map((l, i) => `${l}: ${r.perLabel[i]}`).join(', ')}\n`);
      } catch (err) {
        if (started) bar?.stop();
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
      if (!['kws', 'vww', 'ad'].includes(opts.task)) throw new CliError('--task must be kws, vww or ad', 2);
      const seed = Number(opts.seed);
      if (!Number.isInteger(seed) || seed < 0) throw new CliError('--seed must be a non-negative integer', 2);
      if (opts.from && opts.task !== 'vww') throw new CliError('--from is for --task vww only', 2);
      const [{ generateDemo }, { DatasetError }, path] = await Promise.all([import('../../grader/datasets/demo.js'), import('../../grader/datasets/dataset.js'), import('node:path')]);
      const bar = await stepBar('generating [{bar}] {percentage}% (making the raw data, then building the set)');
      const set = path.join(opts.out, 'set');
      try {
        const options = opts.task === 'vww' ? { seed, ...(opts.from ? { from: opts.from } : {}) } : { seed };
        const r = generateDemo(opts.task as 'kws' | 'vww' | 'ad', path.join(opts.out, 'raw'), set, options, bar.update);
        bar.stop();
        process.stdout.write(`${r.samples} demo samples (${r.detail}) → ${set} (demo only)\n`);
      } catch (err) {
        bar.stop();
        if (err instanceof DatasetError) throw new CliError(err.message, 2);
        throw err;
      }
    });
};

/** A progress bar on stderr for an interactive terminal (a no-op otherwise); starts on the first update. */
export async function stepBar(format: string): Promise<{ update: (done: number, total: number) => void; stop: () => void }> {
  if (!process.stderr.isTTY) return { update: () => {}, stop: () => {} };
  const { SingleBar, Presets } = await import('cli-progress');
  const bar = new SingleBar({ format, stream: process.stderr, hideCursor: true }, Presets.shades_classic);
  let started = false;
  return {
    update(done, total) {
      if (!started) {
        bar.start(total, 0);
        started = true;
      }
      bar.update(done);
    },
    stop() {
      if (started) bar.stop();
      started = false;
    },
  };
}
