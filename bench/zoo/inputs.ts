/**
 * Seeded inputs for a model, in the engine's raw-input layout (the input tensors' bytes concatenated in
 * input order): uniform int8 values, or floats across the range the model's QUANTIZE expects.
 */
import { seededRng } from '../../lib/rng.js';
import type { Graph } from '../../grader/tflite/graph.js';

export function seededInput(graph: Graph, seed: number): Uint8Array {
  const rng = seededRng(seed);
  const parts = graph.inputs.map((i) => {
    const t = graph.tensors[i]!;
    if (t.type === 'float32') {
      // The consumer's QUANTIZE range, a little beyond it at both ends.
      const q = graph.operators.find((o) => o.inputs[0] === i)?.outputs[0];
      const out = q !== undefined ? graph.tensors[q]!.quantization : undefined;
      const s = out?.scale[0] ?? 1 / 64;
      const zp = out?.zeroPoint[0] ?? 0;
      const f = Float32Array.from({ length: t.elements }, () => s * (rng.range(-140, 140) - zp));
      return new Uint8Array(f.buffer);
    }
    const width = t.type === 'int32' ? 4 : t.type === 'int16' ? 2 : 1;
    return Uint8Array.from({ length: t.elements * width }, () => rng.int(0, 255));
  });
  const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
