/**
 * Worker side of SharedInferencePool: keeps the few most recently used models prepared (an LRU the
 * pool mirrors exactly, so it knows when to send a model's bytes) and runs batches of any of them.
 */
import { parentPort } from 'node:worker_threads';
import type { ArithmeticProfileName } from '../interpreter/arithmetic.js';
import type { Interpreter } from '../interpreter/interpreter.js';
import { createInterpreter } from './engine.js';
import { parseModel } from '../tflite/parse.js';

export const MODELS_PER_THREAD = 4;

export interface SharedRequest {
  id: number;
  key: string;
  /** Present when this thread does not hold the model yet. */
  model?: Uint8Array;
  arithmetic: ArithmeticProfileName;
  inputs: ArrayBuffer;
  count: number;
}
export type SharedReply = { id: number; outputs: ArrayBuffer } | { id: number; error: string };

const loaded = new Map<string, Interpreter>();

parentPort?.on('message', (req: SharedRequest) => {
  try {
    let interpreter = loaded.get(req.key);
    if (interpreter) {
      loaded.delete(req.key);
    } else {
      if (!req.model) throw new Error(`model ${req.key} is not loaded in this thread`);
      interpreter = createInterpreter(parseModel(req.model), { arithmetic: req.arithmetic });
      if (loaded.size >= MODELS_PER_THREAD) loaded.delete(loaded.keys().next().value!);
    }
    loaded.set(req.key, interpreter); // most recently used last
    const inSize = interpreter.inputBytes;
    const outSize = interpreter.outputBytes;
    const inputs = new Uint8Array(req.inputs);
    const outputs = new Uint8Array(req.count * outSize);
    for (let i = 0; i < req.count; i++) {
      interpreter.setInputBytes(inputs.subarray(i * inSize, (i + 1) * inSize));
      interpreter.invoke();
      interpreter.getOutputBytes(outputs.subarray(i * outSize, (i + 1) * outSize));
    }
    parentPort!.postMessage({ id: req.id, outputs: outputs.buffer } satisfies SharedReply, [outputs.buffer]);
  } catch (err) {
    parentPort!.postMessage({ id: req.id, error: err instanceof Error ? err.message : String(err) } satisfies SharedReply);
  }
});
parentPort?.postMessage({ ready: true });
