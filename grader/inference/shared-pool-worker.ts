/**
 * Worker side of SharedInferencePool: keeps the few most recently used models prepared (an LRU the
 * pool mirrors exactly, so it knows when to send a model's bytes) and runs batches of any of them.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { Interpreter } from '../interpreter/interpreter.js';
import { UnsupportedModelError } from '../interpreter/kernel.js';
import { ModelFormatError } from '../tflite/flat-reader.js';
import { createInterpreter, loadEngine } from './engine.js';
import { warmUp } from './warm-up.js';
import { MODELS_PER_THREAD, type SharedError, type SharedReply, type SharedRequest, type SharedWorkerData } from './shared-pool-protocol.js';
import { parseModel } from '../tflite/parse.js';

const loaded = new Map<string, Interpreter>();
const given = workerData as SharedWorkerData | null;
if (parentPort) {
  loadEngine(given?.simd instanceof WebAssembly.Module ? given.simd : undefined);
  // Before saying ready: until then the pool's calling thread does the work itself.
  try {
    warmUp();
  } catch {
    // Only a warm-up: the first real model is then prepared on cold code, nothing worse.
  }
}

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
    parentPort!.postMessage(describeError(req.id, err) satisfies SharedReply);
  }
});
parentPort?.postMessage({ ready: true });

function describeError(id: number, err: unknown): SharedError {
  if (err instanceof UnsupportedModelError) return { id, error: err.message, name: err.name, fields: { nodeIndex: err.nodeIndex, op: err.op } };
  if (err instanceof ModelFormatError) return { id, error: err.message, name: err.name, fields: { code: err.code, path: err.path } };
  return { id, error: err instanceof Error ? err.message : String(err) };
}
