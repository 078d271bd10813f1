/**
 * Score a model on a held-out set through the process's inference pool (grader/inference): convert every sample to the
 * model's own input quantization, run, and compute the task's metric through its plug-in
 * (grader/tasks/: top-1 for KWS/VWW, exact ROC AUC of per-file reconstruction error for AD).
 */
import { conversionFor, type Conversion } from '../datasets/convert.js';
import { DatasetError, type Dataset } from '../datasets/dataset.js';
import { arithmeticLabel, DEFAULT_ARITHMETIC, type ArithmeticProfileName } from '../interpreter/arithmetic.js';
import { sharedPool } from '../inference/shared-pool.js';
import { parseModel } from '../tflite/parse.js';
import type { Graph } from '../tflite/graph.js';
import { createInterpreter } from '../inference/engine.js';
import { scoreOutputs, taskPlugin, type Task } from '../tasks/index.js';
import type { MetricResult } from '../tasks/types.js';

/** A task's metric on a set, how it was computed and how long it took: the score stage's result per split. */
export interface ScoreResult extends MetricResult {
  task: Task;
  n: number;
  durationMs: number;
  inputConversion: { method: Conversion['method']; description: string };
  arithmetic: ArithmeticProfileName;
  /** The arithmetic in a learner's words, e.g. "TFLM reference / CMSIS-NN arithmetic, as on the Nano 33 BLE Sense". */
  arithmeticLabel: string;
}

export interface ScoreOptions {
  threads?: number;
  arithmetic?: ArithmeticProfileName;
  onProgress?: (done: number, total: number) => void;
  /** Abandoned scoring stops between batches of inferences (rejecting with the signal's reason). */
  signal?: AbortSignal;
}

/** The model cannot be scored on this task (wrong signature); the message says why. */
export class ScoringError extends Error {
  override name = 'ScoringError';
}

/**
 * Up to this many inferences run on the calling thread: starting worker threads costs more than a
 * small set takes (a pipeline scoring many distinct models on a small set would pay it every time).
 */
const IN_PROCESS_MAX = 256;

function inferInProcess(graph: Graph, arithmetic: ArithmeticProfileName, inputs: Uint8Array, count: number, onProgress?: (done: number, total: number) => void): Uint8Array {
  const interpreter = createInterpreter(graph, { arithmetic });
  const inSize = interpreter.inputBytes;
  const outSize = interpreter.outputBytes;
  const outputs = new Uint8Array(count * outSize);
  for (let i = 0; i < count; i++) {
    interpreter.setInputBytes(inputs.subarray(i * inSize, (i + 1) * inSize));
    interpreter.invoke();
    interpreter.getOutputBytes(outputs.subarray(i * outSize, (i + 1) * outSize));
  }
  onProgress?.(count, count);
  return outputs;
}

const storedBytesPerElement = (d: Dataset) => (d.encoding.dtype === 'float32' ? 4 : 1);

export async function scoreDataset(model: Uint8Array, dataset: Dataset, opts: ScoreOptions = {}): Promise<ScoreResult> {
  const t0 = performance.now();
  const graph = parseModel(model);
  if (graph.inputs.length !== 1 || graph.outputs.length !== 1) throw new ScoringError('scoring needs a model with one input and one output');
  const input = graph.tensors[graph.inputs[0]!]!;
  const output = graph.tensors[graph.outputs[0]!]!;
  if (input.type !== 'int8' || output.type !== 'int8' || !input.quantization || !output.quantization) {
    throw new ScoringError(`scoring needs int8 input and output with quantization (got ${input.type} → ${output.type})`);
  }
  const inQ = { dtype: 'int8' as const, scale: input.quantization.scale[0]!, zeroPoint: input.quantization.zeroPoint[0] ?? 0 };
  const conversion = conversionFor(dataset.encoding, inQ);
  const width = storedBytesPerElement(dataset);
  const elements = input.elements;

  // Model inputs for every sample (a windowed task such as AD: every window of every file).
  const windowsPerSample: number[] = [];
  const chunks: Uint8Array[] = [];
  for (const s of dataset.samples) {
    if (dataset.window) {
      const w = dataset.window;
      if (w.bytes !== elements * width) throw new DatasetError(`${dataset.task.toUpperCase()} windows are ${w.bytes} bytes but the model takes ${elements} × ${width}-byte values`);
      if (s.data.length < w.bytes) throw new DatasetError(`${s.id}: ${s.data.length} bytes is shorter than one ${w.bytes}-byte window`);
      const n = Math.floor((s.data.length - w.bytes) / w.stride) + 1;
      windowsPerSample.push(n);
      for (let k = 0; k < n; k++) chunks.push(s.data.subarray(k * w.stride, k * w.stride + w.bytes));
    } else {
      if (s.data.length !== elements * width) throw new DatasetError(`${s.id}: ${s.data.length} bytes, but the model input [${input.shape.join(',')}] needs ${elements * width}`);
      windowsPerSample.push(1);
      chunks.push(s.data);
    }
  }
  const inputs = new Int8Array(chunks.length * elements);
  chunks.forEach((c, i) => conversion.apply(c, inputs.subarray(i * elements, (i + 1) * elements)));

  const arithmetic = opts.arithmetic ?? DEFAULT_ARITHMETIC;
  opts.signal?.throwIfAborted();
  const raw =
    chunks.length <= IN_PROCESS_MAX && !opts.threads
      ? inferInProcess(graph, arithmetic, new Uint8Array(inputs.buffer), chunks.length, opts.onProgress)
      : await sharedPool(opts.threads).inferMany(model, arithmetic, new Uint8Array(inputs.buffer), chunks.length, opts.onProgress, undefined, opts.signal);
  const outputs = new Int8Array(raw.buffer, raw.byteOffset, raw.length);
  const outN = output.elements;
  const plugin = taskPlugin(dataset.task);
  const quant = { scale: output.quantization.scale[0]!, zeroPoint: output.quantization.zeroPoint[0] ?? 0 };
  // Per sample, per model input: the raw output, or what the task makes of it (AD: the window's reconstruction error).
  const perSample: ArrayLike<number>[][] = [];
  let row = 0;
  for (const n of windowsPerSample) {
    const mine: ArrayLike<number>[] = [];
    for (let k = 0; k < n; k++, row++) {
      const out = outputs.subarray(row * outN, (row + 1) * outN);
      mine.push(plugin.hostOutput ? plugin.hostOutput(chunks[row]!, out, quant) : out);
    }
    perSample.push(mine);
  }
  const result = scoreOutputs(dataset.task, dataset.samples.map((s) => s.label), perSample);
  return { task: dataset.task, n: dataset.samples.length, inputConversion: { method: conversion.method, description: conversion.description }, arithmetic, arithmeticLabel: arithmeticLabel(arithmetic), ...result, durationMs: Math.round(performance.now() - t0) };
}
