/**
 * Storage for a model, allocated once: activations share one arena laid out by the same greedy plan
 * TFLM uses (so the host engine reuses memory the way the board does), constants are views into the
 * model bytes, and int32 constants that are not 4-byte aligned in the file are copied once.
 */
import type { Graph, Tensor } from '../tflite/graph.js';
import { TENSOR_TYPE_BYTES } from '../tflite/schema.js';
import { planArena } from '../validate/arena.js';
import type { TensorData } from './kernel.js';

function views(tensor: Tensor, buffer: ArrayBufferLike, byteOffset: number, byteLength: number): TensorData {
  const aligned = byteOffset % 4 === 0;
  return {
    tensor,
    bytes: new Uint8Array(buffer, byteOffset, byteLength),
    i8: new Int8Array(buffer, byteOffset, byteLength),
    i32: aligned ? new Int32Array(buffer, byteOffset, byteLength >> 2) : null,
    f32: aligned ? new Float32Array(buffer, byteOffset, byteLength >> 2) : null,
  };
}

export interface Allocation {
  arena: ArrayBuffer;
  tensors: (TensorData | null)[];
}

export function allocate(graph: Graph): Allocation {
  const { plannedBytes, buffers } = planArena(graph);
  const arena = new ArrayBuffer(Math.max(16, plannedBytes));
  const tensors: (TensorData | null)[] = graph.tensors.map(() => null);
  for (const b of buffers) {
    const t = graph.tensors[b.tensor]!;
    tensors[b.tensor] = views(t, arena, b.offset, t.elements * (TENSOR_TYPE_BYTES[t.type] || 1));
  }
  for (const t of graph.tensors) {
    if (tensors[t.index]) continue;
    const size = t.elements * (TENSOR_TYPE_BYTES[t.type] || 1);
    if (t.data) {
      const d = t.data;
      if (d.byteOffset % 4 === 0) tensors[t.index] = views(t, d.buffer, d.byteOffset, d.byteLength);
      else {
        const copy = new ArrayBuffer(Math.max(4, Math.ceil(d.byteLength / 4) * 4));
        new Uint8Array(copy).set(d);
        tensors[t.index] = views(t, copy, 0, d.byteLength);
      }
    } else {
      // Unplanned activations (variables, unused tensors) get storage of their own.
      tensors[t.index] = views(t, new ArrayBuffer(Math.max(4, Math.ceil(size / 4) * 4)), 0, size);
    }
  }
  return { arena, tensors };
}
