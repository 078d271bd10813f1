/**
 * Multiply-accumulate counts per operator, from shapes alone.
 *
 * Convolutions and fully-connected layers count one MAC per weight use; pooling counts one per window
 * element; element-wise arithmetic and activations one per output element; data movement (reshape,
 * pad, concatenation, …) counts zero.
 */
import type { Graph, Operator } from '../tflite/graph.js';

const ELEMENTWISE = new Set(['ADD', 'SUB', 'MUL', 'DIV', 'RELU', 'RELU6', 'LEAKY_RELU', 'LOGISTIC', 'TANH', 'HARD_SWISH', 'SOFTMAX', 'QUANTIZE', 'DEQUANTIZE', 'MEAN']);

function dims(graph: Graph, tensor: number | undefined): number[] {
  return tensor !== undefined && tensor >= 0 ? graph.tensors[tensor]!.shape : [];
}

const product = (xs: number[]) => xs.reduce((a, b) => a * b, 1);

export function operatorMacs(graph: Graph, op: Operator): number {
  const out = dims(graph, op.outputs[0]);
  switch (op.op) {
    case 'CONV_2D': {
      // filter [outC, kH, kW, inC]
      const f = dims(graph, op.inputs[1]);
      return f.length === 4 ? product(out) * f[1]! * f[2]! * f[3]! : 0;
    }
    case 'DEPTHWISE_CONV_2D': {
      // filter [1, kH, kW, outC]
      const f = dims(graph, op.inputs[1]);
      return f.length === 4 ? product(out) * f[1]! * f[2]! : 0;
    }
    case 'TRANSPOSE_CONV': {
      const f = dims(graph, op.inputs[1]);
      const input = dims(graph, op.inputs[2]);
      return f.length === 4 ? product(input) * f[0]! * f[1]! * f[2]! : 0;
    }
    case 'FULLY_CONNECTED': {
      // weights [units, depth]; one MAC per weight per batch row
      const w = dims(graph, op.inputs[1]);
      if (w.length !== 2) return 0;
      const units = w[0]!;
      const batches = units > 0 ? product(out) / units : 0;
      return batches * units * w[1]!;
    }
    case 'AVERAGE_POOL_2D':
    case 'MAX_POOL_2D': {
      const o = op.options;
      return o.kind === 'pool2d' ? product(out) * o.filterW * o.filterH : 0;
    }
    default:
      return ELEMENTWISE.has(op.op) ? product(out) : 0;
  }
}

/** Which inputs of an op hold learned parameters (weights, biases, constant operands). */
const PARAMETER_INPUTS: Record<string, number[] | 'all'> = {
  CONV_2D: [1, 2],
  DEPTHWISE_CONV_2D: [1, 2],
  FULLY_CONNECTED: [1, 2],
  TRANSPOSE_CONV: [1, 3],
  ADD: 'all',
  SUB: 'all',
  MUL: 'all',
  CONCATENATION: 'all',
};

/** Elements of constant parameter tensors (shape helper tensors such as RESHAPE's do not count). */
export function parameterCount(graph: Graph): number {
  const seen = new Set<number>();
  let n = 0;
  for (const op of graph.operators) {
    const which = PARAMETER_INPUTS[op.op];
    if (!which) continue;
    const indices = which === 'all' ? op.inputs : which.map((k) => op.inputs[k] ?? -1);
    for (const i of indices) {
      const t = i >= 0 ? graph.tensors[i] : undefined;
      if (t?.data && !seen.has(i)) {
        seen.add(i);
        n += t.elements;
      }
    }
  }
  return n;
}
