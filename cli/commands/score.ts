import { readFile } from 'node:fs/promises';
import type { ResolvedDataset } from '../../grader/datasets/resolve.js';
import type { RegisterCommand } from './types.js';
import { ARITHMETIC_NAMES, arithmeticLabel, DEFAULT_ARITHMETIC, isArithmeticProfileName } from '../../grader/interpreter/arithmetic.js';
import { CliError } from '../errors.js';
import { stepBar } from '../progress.js';

const register: RegisterCommand = (program) => {
  program
    .command('score')
    .description('score a model on a held-out set (MLPerf Tiny layout) with the bit-exact engine across all cores')
    .argument('<model>', '.tflite model')
    .option('--task <task>', 'kws, vww or ad')
    .option('--dataset <dir>', 'dataset folder (y_labels.csv + .bin files, optional dataset.json)')
    .option('--format <fmt>', 'dataset format', 'mlperf')
    .option('--challenge <id>', "score on a challenge's held-out set")
    .option('--threads <n>', 'worker threads (default: all cores)')
    .option('--arithmetic <profile>', `runtime whose arithmetic to reproduce: ${ARITHMETIC_NAMES.join(', ')} (default: the board's, stock TFLM)`, DEFAULT_ARITHMETIC)
    .option('--json', 'print the result as JSON')
    .action(async (modelPath: string, opts: { task?: string; dataset?: string; format: string; challenge?: string; threads?: string; arithmetic: string; json?: boolean }) => {
      const threads = opts.threads === undefined ? undefined : Number(opts.threads);
      if (threads !== undefined && !(Number.isInteger(threads) && threads > 0)) throw new CliError('--threads must be a positive integer', 2);
      // The inference threads boot (≈0.15 s of a core each) while the dataset is read; the first
      // scoring then runs on threads already up. Idle threads never hold the process.
      void import('../../grader/inference/shared-pool.js').then(({ startThreadsEarly }) => startThreadsEarly(threads));
      let fromChallenge: ResolvedDataset | undefined;
      if (opts.challenge) {
        if (opts.task || opts.dataset) throw new CliError('give either --challenge, or --task and --dataset', 2);
        fromChallenge = await challengeDataset(opts.challenge, opts.json === true);
        opts.task = fromChallenge.dataset.task;
        opts.dataset = fromChallenge.dir;
      }
      if (!opts.task || !opts.dataset) throw new CliError('give --task kws|vww|ad and --dataset <dir>, or --challenge <id>', 2);
      const [{ isTask, TASK_IDS }, { DATASET_FORMAT_IDS, datasetFormat }] = await Promise.all([import('../../grader/tasks/index.js'), import('../../grader/datasets/formats/index.js')]);
      if (!isTask(opts.task)) throw new CliError(`--task must be one of ${TASK_IDS.join(', ')}`, 2);
      if (!(DATASET_FORMAT_IDS as readonly string[]).includes(opts.format)) throw new CliError(`unknown dataset format "${opts.format}" (known: ${DATASET_FORMAT_IDS.join(', ')})`, 2);
      if (!isArithmeticProfileName(opts.arithmetic)) throw new CliError(`--arithmetic must be one of ${ARITHMETIC_NAMES.join(', ')}`, 2);
      const arithmetic = opts.arithmetic;
      const [{ DatasetError }, { scoreDataset, ScoringError }, { ModelFormatError }, { UnsupportedModelError }] = await Promise.all([
        import('../../grader/datasets/dataset.js'),
        import('../../grader/scoring/score.js'),
        import('../../grader/tflite/flat-reader.js'),
        import('../../grader/interpreter/kernel.js'),
      ]);
      let model: Uint8Array;
      try {
        model = new Uint8Array(await readFile(modelPath));
      } catch (err) {
        throw new CliError(`cannot read ${modelPath}: ${(err as Error).message}`, 2);
      }
      const task = opts.task;
      const progress = opts.json ? null : await stepBar('scoring [{bar}] {percentage}% {value}/{total} inferences');
      try {
        // A challenge's set is scored whole here; the public/private split is the pipeline's business.
        const dataset = fromChallenge?.dataset ?? datasetFormat(opts.format).read(opts.dataset, task);
        const result = await scoreDataset(model, dataset, {
          arithmetic,
          ...(threads ? { threads } : {}),
          onProgress: (done, total) => progress?.update(done, total),
        });
        progress?.stop();
        if (opts.json) {
          const { roc: _roc, ...rest } = result;
          const about = fromChallenge && { challenge: opts.challenge, dataset: { dir: fromChallenge.dir, demo: fromChallenge.demo, generated: fromChallenge.generated } };
          process.stdout.write(JSON.stringify({ ...rest, ...about }) + '\n');
        } else {
          const value = result.metric === 'top1' ? `${(result.value * 100).toFixed(2)}% top-1` : `ROC AUC ${result.value.toFixed(4)}`;
          const about = fromChallenge ? ` of challenge ${opts.challenge}'s ${fromChallenge.demo ? 'demo set' : 'held-out set'} (all of it, public and private) at ${fromChallenge.dir}` : '';
          process.stdout.write(`${result.task}: ${value} on ${result.n} samples${about} (${result.durationMs} ms)\ninputs: ${result.inputConversion.description}\narithmetic: ${arithmeticLabel(result.arithmetic)}\n`);
        }
      } catch (err) {
        progress?.stop();
        if (err instanceof DatasetError || err instanceof ModelFormatError) throw new CliError(err.message, 2);
        if (err instanceof ScoringError || err instanceof UnsupportedModelError) throw new CliError(err.message, 1);
        throw err;
      }
    });
};
export default register;

/** Load a challenge and its held-out set (a demo set is generated on first use, under DATA_DIR). */
async function challengeDataset(id: string, quiet: boolean): Promise<ResolvedDataset> {
  const [{ loadChallenge, ChallengeError }, { resolveChallengeDataset }, { DatasetError }, { loadConfig }, path] = await Promise.all([
    import('../../grader/challenges/load.js'),
    import('../../grader/datasets/resolve.js'),
    import('../../grader/datasets/dataset.js'),
    import('../../core/config.js'),
    import('node:path'),
  ]);
  const config = loadConfig();
  const bar = quiet ? { update: () => {}, stop: () => {} } : await stepBar(`generating the ${id} demo set [{bar}] {percentage}%`);
  try {
    const c = loadChallenge(id, config.CHALLENGES_DIR);
    const r = await resolveChallengeDataset(c.definition, path.dirname(c.file), { dataDir: config.DATA_DIR, onProgress: bar.update });
    bar.stop();
    if (r.generated && !quiet) process.stderr.write(`generated the demo set of ${id} (demo only) → ${r.dir}\n`);
    return r;
  } catch (err) {
    bar.stop();
    if (err instanceof ChallengeError || err instanceof DatasetError) throw new CliError(err.message, 2);
    throw err;
  }
}
