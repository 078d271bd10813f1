/**
 * Every node of every zoo model, run alone (same inputs) in the engine under the `tflite` profile and
 * in the official TFLite runtime (tfjs-tflite's WebAssembly build with XNNPACK on, as shipped).
 * Rules, measured and kept (bench/zoo/README.md): byte-equal where both compute the same integer
 * arithmetic (data movement, pooling, FULLY_CONNECTED, MEAN, DEQUANTIZE, RELU, RELU6, HARD_SWISH);
 * within one LSB where XNNPACK requantizes in float32 (convolutions, ADD, SUB, MUL, QUANTIZE,
 * LEAKY_RELU) or desktop TFLite uses float lookup tables (SOFTMAX, LOGISTIC, TANH), on few elements.
 */
import { describe, expect, it } from 'vitest';
import { createOfficialRunner, officialInputSetter, officialOutputBytes } from '../../bench/peers/tflite-official.js';
import { singleOpModel } from '../../bench/zoo/extract.js';
import { seededInput } from '../../bench/zoo/inputs.js';
import { ZOO } from '../../bench/zoo/models.js';
import { Interpreter } from '../../grader/interpreter/interpreter.js';
import { buildModel } from '../../grader/tflite/builder.js';
import type { OperatorOptions } from '../../grader/tflite/graph.js';
import { parseModel } from '../../grader/tflite/parse.js';

const EXACT = new Set(['RESHAPE', 'SQUEEZE', 'PAD', 'CONCATENATION', 'STRIDED_SLICE', 'TRANSPOSE', 'MAX_POOL_2D', 'AVERAGE_POOL_2D', 'FULLY_CONNECTED', 'MEAN', 'DEQUANTIZE', 'RELU', 'RELU6', 'HARD_SWISH']);
/**
 * Share of output elements allowed one LSB off (2% by default). Desktop TFLite's int8→int8 QUANTIZE
 * and LEAKY_RELU requantize in float, so ties land differently more often.
 */
const OFF_BY_ONE_SHARE: Record<string, number> = { LEAKY_RELU: 0.15, QUANTIZE: 0.1 };

/**
 * A MEAN over H and W of a 4-D tensor with keep_dims is XNNPACK's global average pooling in the
 * official runtime, which requantizes in float32: one LSB on a few elements, like a convolution
 * (seen on the SE pools of effnet_swish_vww; every other MEAN stays byte-equal).
 */
function exactFor(op: string, options: OperatorOptions, inputRank: number, axes: readonly number[] | undefined): boolean {
  if (op !== 'MEAN') return EXACT.has(op);
  const keep = options.kind === 'reducer' && options.keepDims;
  return !(keep && inputRank === 4 && axes?.length === 2 && axes.includes(1) && axes.includes(2));
}

describe('zoo nodes against the official runtime', () => {
  it.each(ZOO.map((z) => z.name))('%s', async (name) => {
    const def = ZOO.find((z) => z.name === name)!.build().def();
    const problems: string[] = [];
    for (let i = 0; i < def.ops.length; i++) {
      const bytes = buildModel(singleOpModel(def, i));
      const graph = parseModel(bytes);
      const node = graph.operators[0]!;
      const op = node.op;
      const axesData = op === 'MEAN' ? graph.tensors[node.inputs[1]!]?.data : undefined;
      const axes = axesData ? Array.from(new Int32Array(axesData.slice().buffer)) : undefined;
      const exact = exactFor(op, node.options, graph.tensors[node.inputs[0]!]!.shape.length, axes);
      const ours = Interpreter.create(graph, { arithmetic: 'tflite' });
      const official = await createOfficialRunner(bytes);
      let off = 0;
      let total = 0;
      try {
        for (let seed = 1; seed <= 3; seed++) {
          const input = seededInput(graph, 1000 * i + seed);
          ours.setInputBytes(input);
          ours.invoke();
          officialInputSetter(official.runner, input);
          official.runner.Infer();
          const float = graph.tensors[graph.outputs[0]!]!.type === 'float32';
          const a = float ? new Float32Array(ours.getOutputBytes().buffer) : new Int8Array(ours.getOutputBytes().buffer);
          const b = float ? new Float32Array(officialOutputBytes(official.runner).buffer) : new Int8Array(officialOutputBytes(official.runner).buffer);
          for (let k = 0; k < a.length; k++) {
            const d = Math.abs(a[k]! - b[k]!);
            total++;
            if (d === 0) continue;
            off++;
            if (exact || d > 1) problems.push(`#${i} ${op} seed ${seed} element ${k}: ${a[k]} vs ${b[k]}`);
          }
        }
      } finally {
        official.dispose();
      }
      if (off / total > (OFF_BY_ONE_SHARE[op] ?? 0.02)) problems.push(`#${i} ${op}: ${off} of ${total} elements one LSB off`);
    }
    expect(problems.slice(0, 10)).toEqual([]);
  });
});
