/** Worker side of InferencePool: one Interpreter per thread, batches in, outputs out. */
import { parentPort, workerData } from 'node:worker_threads';
import type { ArithmeticProfileName } from './arithmetic.js';
import { Interpreter } from './interpreter.js';
import { parseModel } from '../tflite/parse.js';

interface Init {
  model: Uint8Array;
  arithmetic: ArithmeticProfileName;
}
export interface BatchRequest {
  id: number;
  inputs: ArrayBuffer;
  count: number;
}
export type BatchReply = { id: number; outputs: ArrayBuffer } | { id: number; error: string };

const { model, arithmetic } = workerData as Init;
const interpreter = Interpreter.create(parseModel(model), { arithmetic });
const inSize = interpreter.inputBytes;
// Tell the pool this thread has loaded and prepared the model.
parentPort!.postMessage({ ready: true });
const outSize = interpreter.outputBytes;

parentPort!.on('message', (req: BatchRequest) => {
  try {
    const inputs = new Uint8Array(req.inputs);
    const outputs = new Uint8Array(req.count * outSize);
    for (let i = 0; i < req.count; i++) {
      interpreter.setInputBytes(inputs.subarray(i * inSize, (i + 1) * inSize));
      interpreter.invoke();
      interpreter.getOutputBytes(outputs.subarray(i * outSize, (i + 1) * outSize));
    }
    parentPort!.postMessage({ id: req.id, outputs: outputs.buffer } satisfies BatchReply, [outputs.buffer]);
  } catch (err) {
    parentPort!.postMessage({ id: req.id, error: err instanceof Error ? err.message : String(err) } satisfies BatchReply);
  }
});
