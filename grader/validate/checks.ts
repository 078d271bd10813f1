/**
 * Preflight checks over a parsed Graph. Pure: graph + rules + measurements in, a list of checks out.
 * Every failing check names exactly what breaks it and gives a concrete fix.
 */
import { formatBytes } from '../../lib/format.js';
import type { Graph, Operator, Tensor } from '../tflite/graph.js';
import { FLOAT_TYPES } from '../tflite/schema.js';
import type { ArenaEstimate } from './arena.js';
import { taskPlugin } from '../tasks/index.js';
import type { PreflightRules, TensorSpec } from './rules.js';

export type CheckStatus = 'pass' | 'fail' | 'warn';

export interface Check {
  id: string;
  status: CheckStatus;
  message: string;
  hint?: string;
}

export interface Measurements {
  arena: ArenaEstimate;
  macs: number;
}

const FULL_INT8_HINT =
  'Convert with full-integer post-training quantization: converter.optimizations = [tf.lite.Optimize.DEFAULT]; ' +
  'converter.representative_dataset = <a generator of ~100–500 real training inputs>; ' +
  'converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]; ' +
  'converter.inference_input_type = tf.int8; converter.inference_output_type = tf.int8.';

const pass = (id: string, message: string): Check => ({ id, status: 'pass', message });
const fail = (id: string, message: string, hint: string): Check => ({ id, status: 'fail', message, hint });
const warn = (id: string, message: string, hint?: string): Check => (hint ? { id, status: 'warn', message, hint } : { id, status: 'warn', message });

/** "a, b, c and 4 more" — keeps chat messages short while naming the first offenders. */
function listSome(items: string[], max = 5): string {
  if (items.length <= max) return items.join(', ');
  return `${items.slice(0, max).join(', ')} and ${items.length - max} more`;
}

/** Converter names fuse several ops ("a/Relu;a/BiasAdd;…"): the first part says the most. */
export function shortTensorName(t: Tensor): string {
  const first = (t.name.split(';')[0] ?? '').trim();
  if (!first) return `tensor ${t.index}`;
  return first.length > 60 ? `…${first.slice(-59)}` : first;
}

const describeTensor = (t: Tensor) => `${shortTensorName(t)} (${t.type})`;
const describeOp = (op: Operator) => `#${op.index} ${op.op}`;
const shapeText = (s: number[]) => `[${s.join(',')}]`;

export function runChecks(graph: Graph, rules: PreflightRules, m: Measurements): Check[] {
  return [
    checkIdentifier(graph),
    checkSchemaVersion(graph),
    checkSubgraphs(graph),
    pass('format.buffers', `${graph.buffers.length} buffers, all within the file`),
    checkIo('io.inputs', 'input', graph, graph.inputs, rules.inputs, rules),
    checkIo('io.outputs', 'output', graph, graph.outputs, rules.outputs, rules),
    ...(rules.int8Required ? checkInt8(graph, rules) : []),
    checkOps(graph, rules),
    ...checkOpVersions(graph, rules),
    checkSparsity(graph),
    checkFlash(graph, rules),
    checkArena(m.arena, rules),
    checkMacs(m.macs, rules),
  ];
}

function checkIdentifier(g: Graph): Check {
  return g.identifier === 'TFL3'
    ? pass('format.identifier', 'file identifier TFL3')
    : fail('format.identifier', `file identifier is "${g.identifier.replace(/[^\x20-\x7e]/g, '?')}", not TFL3`, 'Upload the .tflite file written by tf.lite.TFLiteConverter (convert() output saved with open(path, "wb")).');
}

function checkSchemaVersion(g: Graph): Check {
  return g.schemaVersion === 3
    ? pass('format.schema-version', 'schema version 3')
    : fail('format.schema-version', `schema version ${g.schemaVersion}; the board runs version 3`, 'Re-convert the model with a current TensorFlow (2.x) TFLiteConverter.');
}

function checkSubgraphs(g: Graph): Check {
  if (g.subgraphCount === 1) return pass('format.subgraphs', 'one subgraph');
  return fail('format.subgraphs', `${g.subgraphCount} subgraphs; the board runs exactly one`, 'Export a single graph without control flow (tf.cond / tf.while_loop) and with one signature.');
}

function checkIo(id: string, what: 'input' | 'output', g: Graph, indices: number[], expected: TensorSpec[] | null, rules: PreflightRules): Check {
  const actual = indices.map((i) => g.tensors[i]!);
  const text = actual.map((t) => `${shapeText(t.shape)} ${t.type}`).join(', ') || 'none';
  if (actual.length === 0) return fail(id, `the model has no ${what}s`, `Export the model with its ${what} tensors (a complete Keras model or concrete function).`);
  if (!expected) {
    const nonInt8 = actual.filter((t) => t.type !== 'int8');
    if (rules.int8Required && nonInt8.length > 0 && !rules.allowEdgeQuantize) {
      return fail(id, `${what}s are ${text}; int8 ${what}s are required`, `Set converter.inference_${what}_type = tf.int8 (with full-integer quantization).`);
    }
    return pass(id, `${actual.length} ${what}${actual.length > 1 ? 's' : ''}: ${text}`);
  }
  const want = expected.map((s) => `${shapeText(s.shape)} ${s.dtype}`).join(', ');
  if (actual.length !== expected.length) {
    return fail(id, `the model has ${actual.length} ${what}s (${text}); ${rules.source} expects ${expected.length} (${want})`, `Export a model with exactly ${expected.length} ${what}${expected.length > 1 ? 's' : ''}: ${want}.`);
  }
  for (let k = 0; k < expected.length; k++) {
    const t = actual[k]!;
    const s = expected[k]!;
    const shapeOk = t.shape.length === s.shape.length && t.shape.every((d, j) => d === s.shape[j]);
    const edgeFloat = rules.allowEdgeQuantize && t.type === 'float32' && s.dtype === 'int8';
    if (!shapeOk) {
      return fail(id, `${what} ${k} is ${shapeText(t.shape)}; ${rules.source} expects ${shapeText(s.shape)}`, shapeHint(rules, what, s));
    }
    if (t.type !== s.dtype && !edgeFloat) {
      return fail(id, `${what} ${k} is ${t.type}; ${rules.source} expects ${s.dtype}`, s.dtype === 'int8' ? `Set converter.inference_${what}_type = tf.int8 (with full-integer quantization).` : `Make ${what} ${k} ${s.dtype}.`);
    }
    if (t.type === 'int8' && !validActivationQuant(t)) {
      return fail(id, `${what} ${k} is int8 without a usable scale/zero point`, FULL_INT8_HINT);
    }
  }
  return pass(id, `${what}${expected.length > 1 ? 's' : ''} ${text} as ${rules.source} expects`);
}

function shapeHint(rules: PreflightRules, what: 'input' | 'output', s: TensorSpec): string {
  return rules.task ? taskPlugin(rules.task).describeTensor(what, shapeText(s.shape)) : `Make ${what} shape ${shapeText(s.shape)}.`;
}

function validActivationQuant(t: Tensor): boolean {
  const q = t.quantization;
  if (!q || q.scale.length !== 1) return false;
  const s = q.scale[0]!;
  const zp = q.zeroPoint[0] ?? 0;
  return Number.isFinite(s) && s > 0 && zp >= -128 && zp <= 127;
}

const WEIGHTED = new Map<string, { weight: number; bias: number; channelDim: number }>([
  ['CONV_2D', { weight: 1, bias: 2, channelDim: 0 }],
  ['DEPTHWISE_CONV_2D', { weight: 1, bias: 2, channelDim: 3 }],
  ['FULLY_CONNECTED', { weight: 1, bias: 2, channelDim: 0 }],
  ['TRANSPOSE_CONV', { weight: 1, bias: 3, channelDim: 0 }],
]);

/** Edge converters: QUANTIZE fed by a graph input, DEQUANTIZE feeding a graph output. */
function isEdgeConverter(g: Graph, op: Operator): boolean {
  if (op.op === 'QUANTIZE') return op.inputs.every((i) => g.inputs.includes(i));
  if (op.op === 'DEQUANTIZE') return op.outputs.every((o) => g.outputs.includes(o));
  return false;
}

function checkInt8(g: Graph, rules: PreflightRules): Check[] {
  const edgeOps = new Set(g.operators.filter((op) => rules.allowEdgeQuantize && isEdgeConverter(g, op)).map((op) => op.index));
  const edgeTensors = new Set<number>();
  for (const op of g.operators) if (edgeOps.has(op.index)) for (const t of op.op === 'QUANTIZE' ? op.inputs : op.outputs) edgeTensors.add(t);

  // Activations
  const used = usedTensors(g);
  const badActivations = g.tensors.filter((t) => !t.data && !edgeTensors.has(t.index) && t.type !== 'int8' && used.has(t.index));
  const badQuant = g.tensors.filter((t) => !t.data && t.type === 'int8' && !validActivationQuant(t));
  const floatOps = g.operators.filter(
    (op) => !edgeOps.has(op.index) && [...op.inputs, ...op.outputs].some((i) => i >= 0 && FLOAT_TYPES.has(g.tensors[i]!.type)),
  );
  const onlyWeightsQuantized = floatOps.length > 0 && g.tensors.some((t) => t.data && t.type === 'int8');
  const checks: Check[] = [];
  if (badActivations.length === 0 && badQuant.length === 0) {
    checks.push(pass('int8.activations', 'all activations are int8 with valid scale and zero point'));
  } else if (badActivations.length > 0) {
    checks.push(
      fail(
        'int8.activations',
        `${badActivations.length} activation tensor${badActivations.length > 1 ? 's are' : ' is'} not int8: ${listSome(badActivations.map(describeTensor))}`,
        onlyWeightsQuantized
          ? `This looks like dynamic-range quantization (int8 weights, float activations). ${FULL_INT8_HINT}`
          : FULL_INT8_HINT,
      ),
    );
  } else {
    checks.push(fail('int8.activations', `int8 activations without a usable scale/zero point (scale > 0, zero point in −128…127): ${listSome(badQuant.map(describeTensor))}`, FULL_INT8_HINT));
  }

  // Weights and biases of weighted ops
  const weightProblems: string[] = [];
  const biasProblems: string[] = [];
  for (const op of g.operators) {
    const spec = WEIGHTED.get(op.op);
    if (!spec) continue;
    const w = g.tensors[op.inputs[spec.weight] ?? -1];
    if (w) {
      const why = weightProblem(w, spec.channelDim);
      if (why) weightProblems.push(`${describeOp(op)} ${shortTensorName(w)}: ${why}`);
    }
    const b = g.tensors[op.inputs[spec.bias] ?? -1];
    if (b && b.type !== 'int32') biasProblems.push(`${describeOp(op)} ${describeTensor(b)}`);
  }
  checks.push(
    weightProblems.length === 0
      ? pass('int8.weights', 'weights are int8, symmetric, with positive finite scales')
      : fail('int8.weights', `weights that the int8 kernels cannot use: ${listSome(weightProblems, 4)}`, FULL_INT8_HINT),
  );
  checks.push(
    biasProblems.length === 0
      ? pass('int8.biases', 'biases are int32')
      : fail('int8.biases', `biases must be int32 for int8 kernels: ${listSome(biasProblems)}`, `${FULL_INT8_HINT} (16x8 quantization, which makes int64 biases, is not supported on the board.)`),
  );

  // Float compute
  const converters = g.operators.filter((op) => (op.op === 'QUANTIZE' || op.op === 'DEQUANTIZE') && !edgeOps.has(op.index) && isEdgeConverter(g, op));
  if (floatOps.length === 0) {
    checks.push(pass('int8.no-float-ops', edgeOps.size ? `no float compute (QUANTIZE/DEQUANTIZE at the edges, as ${rules.source} allows)` : 'no float compute'));
  } else if (converters.length === floatOps.length) {
    checks.push(
      fail(
        'int8.no-float-ops',
        `float QUANTIZE/DEQUANTIZE at the model's edges (${listSome(converters.map(describeOp))}); ${rules.source} needs int8 inputs and outputs`,
        'Set converter.inference_input_type = tf.int8 and converter.inference_output_type = tf.int8 so the converter drops the edge QUANTIZE/DEQUANTIZE.',
      ),
    );
  } else {
    checks.push(fail('int8.no-float-ops', `${floatOps.length} of ${g.operators.length} operators compute in float: ${listSome(floatOps.map(describeOp))}`, FULL_INT8_HINT));
  }
  return checks;
}

/** Tensors the graph touches (converters sometimes leave unused float tensors behind). */
function usedTensors(g: Graph): Set<number> {
  const used = new Set<number>([...g.inputs, ...g.outputs]);
  for (const op of g.operators) for (const i of [...op.inputs, ...op.outputs]) if (i >= 0) used.add(i);
  return used;
}

function weightProblem(w: Tensor, channelDim: number): string | null {
  if (w.type !== 'int8') return `${w.type}, not int8`;
  if (!w.data) return 'not constant';
  const q = w.quantization;
  if (!q) return 'no quantization parameters';
  for (const s of q.scale) if (!(Number.isFinite(s) && s > 0)) return `scale ${s} (must be > 0 and finite)`;
  if (q.zeroPoint.some((z) => z !== 0)) return 'zero point ≠ 0 (int8 weights must be symmetric)';
  if (q.scale.length > 1) {
    if (q.quantizedDimension < 0 || q.quantizedDimension >= w.shape.length) return `quantized dimension ${q.quantizedDimension} outside rank ${w.shape.length}`;
    const channels = w.shape[q.quantizedDimension]!;
    if (q.scale.length !== channels) return `${q.scale.length} scales for ${channels} channels`;
    if (q.quantizedDimension !== channelDim) return `per-channel along dimension ${q.quantizedDimension}, expected ${channelDim}`;
    if (q.zeroPoint.length !== q.scale.length && q.zeroPoint.length > 1) return `${q.zeroPoint.length} zero points for ${q.scale.length} scales`;
  }
  return null;
}

function checkOps(g: Graph, rules: PreflightRules): Check {
  const missing = new Map<string, number[]>();
  for (const op of g.operators) {
    const code = g.operatorCodes[op.opcodeIndex]!;
    const name = op.op === 'CUSTOM' ? `CUSTOM "${code.customCode ?? '?'}"` : op.op;
    if (op.op === 'CUSTOM' || !rules.allowedOps.has(op.op)) missing.set(name, [...(missing.get(name) ?? []), op.index]);
  }
  if (missing.size === 0) return pass('ops.supported', `all ${g.operators.length} operators are in the board's op set`);
  const list = [...missing.entries()].map(([name, where]) => `${name} (${where.length}×, e.g. #${where[0]})`);
  const custom = [...missing.keys()].some((n) => n.startsWith('CUSTOM'));
  return fail(
    'ops.supported',
    `operators the board firmware does not have: ${listSome(list)}`,
    `${custom ? 'Custom ops cannot run on the board. ' : ''}Rebuild the model from supported layers: ${[...rules.allowedOps.keys()].join(', ')}.`,
  );
}

function checkOpVersions(g: Graph, rules: PreflightRules): Check[] {
  const newer = g.operatorCodes.filter((c) => {
    const s = rules.allowedOps.get(c.name);
    return s && c.version > s.maxVersion;
  });
  if (newer.length === 0) return [];
  return [
    warn(
      'ops.versions',
      `newer op versions than the firmware was tested with: ${newer.map((c) => `${c.name} v${c.version} (tested ≤ v${rules.allowedOps.get(c.name)!.maxVersion})`).join(', ')}`,
      'The device stage will tell whether the board runs them; converting with TensorFlow 2.x defaults avoids most of these.',
    ),
  ];
}

function checkSparsity(g: Graph): Check {
  const sparse = g.tensors.filter((t) => t.hasSparsity);
  return sparse.length === 0
    ? pass('model.dense', 'no sparse tensors')
    : fail('model.dense', `sparse tensors the board cannot run: ${listSome(sparse.map(describeTensor))}`, 'Convert without sparsity encoding (drop tf.lite.Optimize.EXPERIMENTAL_SPARSITY).');
}

function checkFlash(g: Graph, rules: PreflightRules): Check {
  const over = g.sizeBytes - rules.maxModelBytes;
  return over <= 0
    ? pass('budget.flash', `${formatBytes(g.sizeBytes)} of ${formatBytes(rules.maxModelBytes)} flash budget (${pct(g.sizeBytes, rules.maxModelBytes)})`)
    : fail('budget.flash', `the model is ${formatBytes(g.sizeBytes)}, ${formatBytes(over)} over the ${formatBytes(rules.maxModelBytes)} flash budget`, 'Shrink it: fewer filters or layers, depthwise-separable convolutions instead of full ones, smaller dense layers; make sure the weights are int8.');
}

function checkArena(a: ArenaEstimate, rules: PreflightRules): Check {
  const detail = `${formatBytes(a.plannedBytes)} activations + ~${formatBytes(a.persistentBytes)} bookkeeping`;
  return a.totalBytes <= rules.maxArenaBytes
    ? pass('budget.arena', `tensor arena ≈ ${formatBytes(a.totalBytes)} (${detail}) of ${formatBytes(rules.maxArenaBytes)} RAM budget`)
    : fail('budget.arena', `tensor arena ≈ ${formatBytes(a.totalBytes)} (${detail}), over the ${formatBytes(rules.maxArenaBytes)} RAM budget`, 'Reduce the largest activations: downsample earlier (stride 2 in the first layers), use fewer channels where the feature maps are large.');
}

function checkMacs(macs: number, rules: PreflightRules): Check {
  if (rules.maxMacs === null) return pass('budget.macs', `${macs.toLocaleString('en-US')} MACs per inference`);
  return macs <= rules.maxMacs
    ? pass('budget.macs', `${macs.toLocaleString('en-US')} MACs of ${rules.maxMacs.toLocaleString('en-US')} allowed`)
    : fail('budget.macs', `${macs.toLocaleString('en-US')} MACs per inference, over the ${rules.maxMacs.toLocaleString('en-US')} allowed`, 'Use fewer or narrower layers, or depthwise-separable convolutions, to cut the multiply-accumulates.');
}

const pct = (a: number, b: number) => `${Math.round((100 * a) / b)}%`;
