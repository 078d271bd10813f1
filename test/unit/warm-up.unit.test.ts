import { describe, expect, it } from 'vitest';
import { warmUp, warmUpModel } from '../../grader/inference/warm-up.js';
import { createInterpreter } from '../../grader/inference/engine.js';
import { parseModel } from '../../grader/tflite/parse.js';

describe('inference thread warm-up', () => {
  it('covers the layers learners build with, and the engine runs it (a thread swallows warm-up errors, so this is where they show)', () => {
    const graph = parseModel(warmUpModel());
    expect(new Set(graph.operators.map((o) => o.op))).toEqual(new Set(['CONV_2D', 'DEPTHWISE_CONV_2D', 'ADD', 'AVERAGE_POOL_2D', 'SQUEEZE', 'FULLY_CONNECTED', 'SOFTMAX']));
    for (const arithmetic of ['tflm', 'tflite', 'tflm-single'] as const) expect(() => createInterpreter(graph, { arithmetic }).invoke()).not.toThrow();
    expect(() => warmUp()).not.toThrow();
  });
});
