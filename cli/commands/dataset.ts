import { CliError } from '../errors.js';
import type { RegisterCommand } from './index.js';

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
    .description('generate a demo-only set the project makes itself (kws: espeak-ng voices speaking the keywords)')
    .requiredOption('--task <task>', 'kws')
    .requiredOption('--out <dir>', 'output folder (the raw clips go to <dir>/raw, the set to <dir>/set)')
    .action(async (opts: { task: string; out: string }) => {
      if (opts.task !== 'kws') throw new CliError('only --task kws has a demo generator so far', 2);
      const [{ generateKwsDemo }, { DatasetError }, path] = await Promise.all([import('../../grader/datasets/demo-kws.js'), import('../../grader/datasets/dataset.js'), import('node:path')]);
      try {
        const r = generateKwsDemo(path.join(opts.out, 'raw'), path.join(opts.out, 'set'));
        process.stdout.write(`${r.samples} demo samples → ${path.join(opts.out, 'set')} (synthetic speech: demo only)\n`);
      } catch (err) {
        if (err instanceof DatasetError) throw new CliError(err.message, 2);
        throw err;
      }
    });
};
