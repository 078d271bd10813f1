import { mkdir, readFile, readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ARITHMETIC_PROFILES, DEFAULT_ARITHMETIC, type ArithmeticProfileName } from '../../grader/interpreter/arithmetic.js';
import type { Interpreter } from '../../grader/interpreter/interpreter.js';
import { createInterpreter } from '../../grader/inference/engine.js';
import { UnsupportedModelError } from '../../grader/interpreter/kernel.js';
import { ModelFormatError } from '../../grader/tflite/flat-reader.js';
import { parseModel } from '../../grader/tflite/parse.js';
import { CliError } from '../errors.js';
import type { RegisterCommand } from './types.js';

interface InferOptions {
  model: string;
  input?: string;
  output?: string;
  inputDir?: string;
  outputDir?: string;
  arithmetic: string;
}

async function readOrFail(path: string, what: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (err) {
    throw new CliError(`cannot read ${what} ${path}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`, 2);
  }
}

const register: RegisterCommand = (program) => {
  program
    .command('infer')
    .description('run a model on raw input bytes, bit-exactly (input: the input tensors\' bytes concatenated; output likewise)')
    .requiredOption('--model <file>', '.tflite model')
    .option('--input <file>', 'raw input bytes')
    .option('--output <file>', 'where to write the raw output bytes')
    .option('--input-dir <dir>', 'run every input_<i>.bin in this folder (one process, many cases)')
    .option('--output-dir <dir>', 'write output_<i>.bin here for each input_<i>.bin')
    .option('--arithmetic <profile>', `runtime to reproduce: ${Object.keys(ARITHMETIC_PROFILES).join(', ')}`, DEFAULT_ARITHMETIC)
    .action(async (opts: InferOptions) => {
      if (!(opts.arithmetic in ARITHMETIC_PROFILES)) throw new CliError(`--arithmetic must be one of ${Object.keys(ARITHMETIC_PROFILES).join(', ')}`, 2);
      const single = opts.input !== undefined || opts.output !== undefined;
      const dirs = opts.inputDir !== undefined || opts.outputDir !== undefined;
      if (single === dirs || (single && (!opts.input || !opts.output)) || (dirs && (!opts.inputDir || !opts.outputDir))) {
        throw new CliError('give either --input and --output, or --input-dir and --output-dir', 2);
      }
      let interpreter: Interpreter;
      try {
        interpreter = createInterpreter(parseModel(new Uint8Array(await readOrFail(opts.model, 'model'))), { arithmetic: opts.arithmetic as ArithmeticProfileName });
      } catch (err) {
        if (err instanceof ModelFormatError) throw new CliError(`${opts.model} is not a readable TFLite model: ${err.message}`, 2);
        if (err instanceof UnsupportedModelError) throw new CliError(`${opts.model} cannot run: ${err.message}`, 1);
        throw err;
      }
      const run = async (inPath: string, outPath: string) => {
        const raw = await readOrFail(inPath, 'input');
        if (raw.length !== interpreter.inputBytes) {
          throw new CliError(`${inPath} is ${raw.length} bytes; the model's input${interpreter.inputs.length > 1 ? 's take' : ' takes'} ${interpreter.inputBytes} (${interpreter.inputs.map((t) => `[${t.tensor.shape.join(',')}] ${t.tensor.type}`).join(' + ')})`, 2);
        }
        interpreter.setInputBytes(raw);
        interpreter.invoke();
        await writeFile(outPath, interpreter.getOutputBytes());
      };
      if (single) return run(opts.input!, opts.output!);
      const entries = await readdir(opts.inputDir!).catch(() => {
        throw new CliError(`cannot read folder ${opts.inputDir}`, 2);
      });
      const cases = entries.map((f) => /^input_(.+)\.bin$/.exec(f)?.[1]).filter((c): c is string => c !== undefined);
      if (cases.length === 0) throw new CliError(`no input_<i>.bin files in ${opts.inputDir}`, 2);
      await mkdir(opts.outputDir!, { recursive: true });
      if (!(await stat(opts.outputDir!)).isDirectory()) throw new CliError(`${opts.outputDir} is not a folder`, 2);
      for (const c of cases) await run(join(opts.inputDir!, `input_${c}.bin`), join(opts.outputDir!, `output_${c}.bin`));
    });
};
export default register;
