/**
 * Warm-up of a fresh inference thread. The first model a thread prepares and runs pays for V8's cold
 * JavaScript (parsing functions on first call, baseline code, empty inline caches): about 50 ms more
 * than the same work a little later for a KWS model and 256 inferences, most of a whole warm job. A
 * thread started ahead of its first job (see SharedInferencePool.start) spends that time on a small
 * model of the layers learners' models are made of, so the first real model runs on warm code.
 */
import { createInterpreter } from './engine.js';
import { parseModel } from '../tflite/parse.js';
import { Net } from '../tflite/net.js';

/** A DS-CNN-like model: strided and 1×1 convolutions, depthwise, a residual ADD, pooling, dense and softmax. */
export function warmUpModel(): Uint8Array {
  const n = new Net('warm-up', 1);
  let x = n.conv(n.input([1, 16, 8, 1], [-20, 20]), { filters: 8, kernel: [4, 2], stride: 2, act: 'RELU' });
  const block = n.conv(n.depthwise(x, { kernel: 3, act: 'RELU' }), { filters: 8, kernel: 1, act: 'RELU' });
  x = n.add(x, block);
  x = n.squeeze(n.avgPool(x, [8, 4]), [1, 2]);
  n.output(n.softmax(n.dense(x, { units: 4 })));
  return n.build();
}

/**
 * Prepare and run the warm-up model a few times on this thread (about 60 ms, once). Six rounds: V8
 * optimises a function only after several calls, and a KWS prepare right after three rounds still
 * took 16–24 ms against 7–11 ms after six (2–5 ms once fully warm; 45–55 ms with no warm-up).
 */
export function warmUp(): void {
  const bytes = warmUpModel();
  for (let round = 0; round < 6; round++) {
    const it = createInterpreter(parseModel(bytes), { arithmetic: 'tflm' });
    const input = new Uint8Array(it.inputBytes);
    for (let i = 0; i < 20; i++) {
      input.fill(i * 13);
      it.setInputBytes(input);
      it.invoke();
    }
    it.getOutputBytes();
  }
}
