/**
 * Preflight checks over a parsed Graph. Pure: graph + rules + measurements in, a list of checks out.
 * Every failing check names exactly what breaks it and gives a concrete fix.
 */
import { formatBytes } from '../../lib/format.js';
import type { Graph, Operator, Tensor } from '../tflite/graph.js';
import { FLOAT_TYPES, type TensorType } from '../tflite/schema.js';
import { estimateArena, type ArenaEstimate } from './arena.js';
import { taskPlugin } from '../tasks/index.js';
import { asInt8Activations, diagnoseQuantization, int8FlashEstimate, isEdgeConverter, WEIGHTED_OPS, type QuantizationDiagnosis } from './quantization.js';
import type { PreflightRules, TensorSpec } from './rules.js';

export type CheckStatus = 'pass' | 'fail' | 'warn';

export interface Check {
  id: string;
  status: CheckStatus;
  /** What was found; for a failure, exactly what is wrong. */
  message: string;
  /** One fix, for failures and warnings. */
  hint?: string;
  /** Path of the page with the full recipe on the TinyArena site (e.g. `/help/quantization#float16`). */
  link?: string;
}

export interface Measurements {
  arena: ArenaEstimate;
  macs: number;
}

/** The page with the whole conversion recipe (web/routes/help.ts); each failure links the section it needs. */
export const QUANTIZATION_HELP = '/help/quantization';
/** Sections of that page: the recipe itself, then one per wrong conversion. */
export const RECIPE_SECTIONS = ['recipe', 'float32', 'dynamic-range', 'float16', 'int16x8', 'float-io', 'uint8', 'mixed'] as const;
export type RecipeSection = (typeof RECIPE_SECTIONS)[number];
const recipe = (section: RecipeSection) => `${QUANTIZATION_HELP}#${section}`;

/** The fix every unquantized model needs, in one sentence (the linked page has the code). */
const FULL_INT8_FIX = 'Convert with full-integer post-training quantization: a representative dataset of real inputs, int8 ops only (TFLITE_BUILTINS_INT8), int8 input and output types.';

const pass = (id: string, message: string): Check => ({ id, status: 'pass', message });
const fail = (id: string, message: string, hint: string, link?: string): Check => ({ id, status: 'fail', message, hint, ...(link ? { link } : {}) });
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
const shapeList = (ts: Tensor[]) => ts.map((t) => shapeText(t.shape)).join(', ');

/**
 * One failing check per problem: when the conversion itself is wrong (float32, dynamic-range,
 * float16, 16x8, …), `int8.quantization` says so once, and the checks that would only repeat it —
 * input/output types, the int8 details, float ops, a budget that the int8 model would meet — do not
 * fail again.
 */
export function runChecks(graph: Graph, rules: PreflightRules, m: Measurements): Check[] {
  const q = rules.int8Required ? diagnoseQuantization(graph) : null;
  const quant = q ? checkQuantization(q, graph, rules) : null;
  const wrongConversion = quant?.status === 'fail';
  return [
    checkIdentifier(graph),
    checkSchemaVersion(graph),
    checkSubgraphs(graph),
    pass('format.buffers', `${graph.buffers.length} buffers, all within the file`),
    checkIo('io.inputs', 'input', graph, graph.inputs, rules.inputs, rules, wrongConversion),
    checkIo('io.outputs', 'output', graph, graph.outputs, rules.outputs, rules, wrongConversion),
    ...(quant ? [quant, ...(wrongConversion ? [] : checkInt8(graph, rules))] : []),
    checkOps(graph, rules),
    ...checkOpVersions(graph, rules),
    checkSparsity(graph),
    checkFlash(graph, rules, wrongConversion ? q : null),
    checkArena(m.arena, rules, wrongConversion ? { diagnosis: q!, int8: estimateArena(asInt8Activations(graph)) } : null),
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

/** `typesReported`: the quantization check already failed on the types, so only count and shape are checked here. */
function checkIo(id: string, what: 'input' | 'output', g: Graph, indices: number[], expected: TensorSpec[] | null, rules: PreflightRules, typesReported: boolean): Check {
  const actual = indices.map((i) => g.tensors[i]!);
  const text = actual.map((t) => `${shapeText(t.shape)} ${t.type}`).join(', ') || 'none';
  if (actual.length === 0) return fail(id, `the model has no ${what}s`, `Export the model with its ${what} tensors (a complete Keras model or concrete function).`);
  if (!expected) {
    const nonInt8 = actual.filter((t) => t.type !== 'int8');
    if (rules.int8Required && nonInt8.length > 0 && !rules.allowEdgeQuantize && !typesReported) {
      return fail(id, `${what}s are ${text}; int8 ${what}s are required`, `Set converter.inference_${what}_type = tf.int8 (with full-integer quantization).`, recipe('float-io'));
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
    if (t.type !== s.dtype && !edgeFloat && !typesReported) {
      return s.dtype === 'int8'
        ? fail(id, `${what} ${k} is ${t.type}; ${rules.source} expects int8`, `Set converter.inference_${what}_type = tf.int8 (with full-integer quantization).`, recipe('float-io'))
        : fail(id, `${what} ${k} is ${t.type}; ${rules.source} expects ${s.dtype}`, `Make ${what} ${k} ${s.dtype}.`);
    }
    if (t.type === 'int8' && !validActivationQuant(t)) {
      return fail(id, `${what} ${k} is int8 without a usable scale/zero point`, 'Re-convert with a representative dataset so the converter calibrates the scale and zero point of every tensor.', recipe('recipe'));
    }
  }
  if (typesReported && actual.some((t, k) => t.type !== expected[k]!.dtype)) return pass(id, `${what}${expected.length > 1 ? 's' : ''} ${shapeList(actual)} have the shape ${rules.source} expects (their type: see int8.quantization)`);
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

const WEIGHTED = WEIGHTED_OPS;

const isFloatType = (t: TensorType) => FLOAT_TYPES.has(t);
const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
const typeCounts = (m: Partial<Record<string, number>>) =>
  Object.entries(m)
    .sort((a, b) => b[1]! - a[1]!)
    .map(([t, n]) => `${n} ${t}`)
    .join(', ');

/**
 * Whether the model is full-integer int8, and if not, which conversion made it, what that left in
 * float (or int16), and the one change that fixes it.
 */
function checkQuantization(q: QuantizationDiagnosis, g: Graph, rules: PreflightRules): Check {
  const id = 'int8.quantization';
  const w = q.weights;
  const int8W = w.byType.int8 ?? 0;
  // "the input and the output", or the one of them that is float (the other one is named with its type).
  const floatIn = q.inputTypes.some(isFloatType);
  const floatOut = q.outputTypes.some(isFloatType);
  const ioText = floatIn && floatOut ? 'the input and the output' : floatIn ? `the input (the output is ${[...new Set(q.outputTypes)].join('/')})` : floatOut ? `the output (the input is ${[...new Set(q.inputTypes)].join('/')})` : '';
  const andIo = ioText ? `, ${ioText}` : '';
  switch (q.kind) {
    case 'full-int8':
      return pass(id, 'full-integer int8: int8 weights and activations');
    case 'int8-float-io': {
      const edges = q.edgeOps.map((op) => `#${op.index} ${op.op}`).join(', ');
      if (rules.allowEdgeQuantize) return pass(id, `int8 inside; float input/output converted at the edges (${edges}), as ${rules.source} allows`);
      const which = [q.inputTypes.some((t) => t !== 'int8') ? 'input' : '', q.outputTypes.some((t) => t !== 'int8') ? 'output' : ''].filter(Boolean).join(' and ');
      return fail(
        id,
        `int8 inside, but the ${which} ${which.includes(' and ') ? 'are' : 'is'} float32: the converter wrapped the model in ${edges}`,
        `Also set converter.inference_input_type = tf.int8 and converter.inference_output_type = tf.int8; ${rules.source} feeds int8 tensors.`,
        recipe('float-io'),
      );
    }
    case 'float32':
      return fail(id, `the model is not quantized: its ${plural(w.total, 'weight tensor')}, all activations${andIo} are float32 (a plain float32 conversion)`, FULL_INT8_FIX, recipe('float32'));
    case 'dynamic-range': {
      const rest = w.total - int8W;
      const small = rest > 0 && w.floatUnder1024 === rest ? ` (the ${plural(rest, 'smaller one')}, under 1,024 values each, stay float32: the converter leaves those alone)` : rest > 0 ? ` (${rest} stay ${typeCounts(Object.fromEntries(Object.entries(w.byType).filter(([t]) => t !== 'int8')))})` : '';
      return fail(
        id,
        `dynamic-range quantization: ${int8W} of ${plural(w.total, 'weight tensor')} are int8${small}, but every activation${andIo} are float32; the board's int8 kernels need int8 activations`,
        'Keep optimizations = [tf.lite.Optimize.DEFAULT] and add a representative dataset of real inputs, int8 ops only (TFLITE_BUILTINS_INT8) and int8 input and output types: that makes it full-integer.',
        recipe('dynamic-range'),
      );
    }
    case 'float16':
      return fail(
        id,
        `float16 quantization: weights are stored as float16 and expanded to float32 by ${plural(q.weightDequantizeOps, 'DEQUANTIZE op')} at run time; all activations${andIo} are float32`,
        `Remove converter.target_spec.supported_types = [tf.float16]. ${FULL_INT8_FIX}`,
        recipe('float16'),
      );
    case 'int16x8':
      return fail(
        id,
        `16x8 quantization: ${plural(q.activations.byType.int16 ?? 0, 'activation tensor')} are int16 (weights ${typeCounts(w.byType) || 'none'}); the board's kernels take int8 activations only`,
        'Use converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8] instead of EXPERIMENTAL_TFLITE_BUILTINS_ACTIVATIONS_INT16_WEIGHTS_INT8, with int8 input and output types.',
        recipe('int16x8'),
      );
    case 'uint8':
      return fail(id, `uint8 quantization (TensorFlow 1 style): activations are uint8; the board's kernels take int8`, `Re-convert with TensorFlow 2's TFLiteConverter. ${FULL_INT8_FIX}`, recipe('uint8'));
    case 'mixed':
      return fail(
        id,
        `partly quantized: ${q.floatOps.length} of ${g.operators.length} operators still compute in float between int8 parts: ${listSome(q.floatOps.map(describeOp))}`,
        'Set converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8] so the converter quantizes every op or names the one it cannot; replace that layer with a supported one.',
        recipe('mixed'),
      );
  }
}

/** The details of an int8 model: calibrated activations, symmetric int8 weights, int32 biases, no float compute. */
function checkInt8(g: Graph, rules: PreflightRules): Check[] {
  const edgeOps = new Set(g.operators.filter((op) => rules.allowEdgeQuantize && isEdgeConverter(g, op)).map((op) => op.index));
  const edgeTensors = new Set<number>();
  for (const op of g.operators) if (edgeOps.has(op.index)) for (const t of op.op === 'QUANTIZE' ? op.inputs : op.outputs) edgeTensors.add(t);

  const used = usedTensors(g);
  const badQuant = g.tensors.filter((t) => !t.data && t.type === 'int8' && used.has(t.index) && !edgeTensors.has(t.index) && !validActivationQuant(t));
  const checks: Check[] = [];
  checks.push(
    badQuant.length === 0
      ? pass('int8.activations', 'all activations are int8 with valid scale and zero point')
      : fail('int8.activations', `int8 activations without a usable scale/zero point (scale > 0, zero point in −128…127): ${listSome(badQuant.map(describeTensor))}`, 'Re-convert with a representative dataset so the converter calibrates the scale and zero point of every activation.', recipe('recipe')),
  );

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
      : fail('int8.weights', `weights that the int8 kernels cannot use: ${listSome(weightProblems, 4)}`, "Let the TFLite converter quantize the weights (full-integer quantization): int8, symmetric, one positive scale per output channel.", recipe('recipe')),
  );
  checks.push(
    biasProblems.length === 0
      ? pass('int8.biases', 'biases are int32')
      : fail('int8.biases', `biases must be int32 for int8 kernels: ${listSome(biasProblems)}`, 'Let the TFLite converter quantize the model (full-integer int8): it stores biases as int32.', recipe('recipe')),
  );

  // Float constants are the weights' and biases' business (above): this is about float activations.
  const floatOps = g.operators.filter((op) => !edgeOps.has(op.index) && [...op.inputs, ...op.outputs].some((i) => i >= 0 && !g.tensors[i]!.data && FLOAT_TYPES.has(g.tensors[i]!.type)));
  checks.push(
    floatOps.length === 0
      ? pass('int8.no-float-ops', edgeOps.size ? `no float compute (QUANTIZE/DEQUANTIZE at the edges, as ${rules.source} allows)` : 'no float compute')
      : fail('int8.no-float-ops', `${floatOps.length} of ${g.operators.length} operators compute in float: ${listSome(floatOps.map(describeOp))}`, FULL_INT8_FIX, recipe('recipe')),
  );
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

const SHRINK_FLASH = 'Shrink it: fewer filters or layers, depthwise-separable convolutions instead of full ones, smaller dense layers.';
const SHRINK_ARENA = 'Reduce the largest activations: downsample earlier (stride 2 in the first layers), use fewer channels where the feature maps are large.';

/** `unconverted`: the model failed int8.quantization, so the budget is also judged as its int8 conversion would be. */
function checkFlash(g: Graph, rules: PreflightRules, unconverted: QuantizationDiagnosis | null): Check {
  const over = g.sizeBytes - rules.maxModelBytes;
  if (over <= 0) return pass('budget.flash', `${formatBytes(g.sizeBytes)} of ${formatBytes(rules.maxModelBytes)} flash budget (${pct(g.sizeBytes, rules.maxModelBytes)})`);
  if (unconverted) {
    const int8 = int8FlashEstimate(g);
    if (int8 <= rules.maxModelBytes) return warn('budget.flash', `the model is ${formatBytes(g.sizeBytes)} as uploaded, over the ${formatBytes(rules.maxModelBytes)} flash budget; its int8 conversion takes ≈ ${formatBytes(int8)}, within it`);
    return fail('budget.flash', `the model is ${formatBytes(g.sizeBytes)}; even converted to int8 (≈ ${formatBytes(int8)}) it is over the ${formatBytes(rules.maxModelBytes)} flash budget`, SHRINK_FLASH);
  }
  return fail('budget.flash', `the model is ${formatBytes(g.sizeBytes)}, ${formatBytes(over)} over the ${formatBytes(rules.maxModelBytes)} flash budget`, SHRINK_FLASH);
}

function checkArena(a: ArenaEstimate, rules: PreflightRules, unconverted: { diagnosis: QuantizationDiagnosis; int8: ArenaEstimate } | null): Check {
  const detail = `${formatBytes(a.plannedBytes)} activations + ~${formatBytes(a.persistentBytes)} bookkeeping`;
  if (a.totalBytes <= rules.maxArenaBytes) return pass('budget.arena', `tensor arena ≈ ${formatBytes(a.totalBytes)} (${detail}) of ${formatBytes(rules.maxArenaBytes)} RAM budget`);
  if (unconverted) {
    // Wide activations take 2–4× the RAM of int8 ones: the int8 conversion may well fit.
    const wide = Object.keys(unconverted.diagnosis.activations.byType).filter((t) => t !== 'int8').join('/');
    const int8 = unconverted.int8.totalBytes;
    if (int8 <= rules.maxArenaBytes) return warn('budget.arena', `tensor arena ≈ ${formatBytes(a.totalBytes)} with ${wide} activations, over the ${formatBytes(rules.maxArenaBytes)} RAM budget; ≈ ${formatBytes(int8)} once int8, within it`);
    return fail('budget.arena', `tensor arena ≈ ${formatBytes(a.totalBytes)} with ${wide} activations; even int8 (≈ ${formatBytes(int8)}) it is over the ${formatBytes(rules.maxArenaBytes)} RAM budget`, SHRINK_ARENA);
  }
  return fail('budget.arena', `tensor arena ≈ ${formatBytes(a.totalBytes)} (${detail}), over the ${formatBytes(rules.maxArenaBytes)} RAM budget`, SHRINK_ARENA);
}

function checkMacs(macs: number, rules: PreflightRules): Check {
  if (rules.maxMacs === null) return pass('budget.macs', `${macs.toLocaleString('en-US')} MACs per inference`);
  return macs <= rules.maxMacs
    ? pass('budget.macs', `${macs.toLocaleString('en-US')} MACs of ${rules.maxMacs.toLocaleString('en-US')} allowed`)
    : fail('budget.macs', `${macs.toLocaleString('en-US')} MACs per inference, over the ${rules.maxMacs.toLocaleString('en-US')} allowed`, 'Use fewer or narrower layers, or depthwise-separable convolutions, to cut the multiply-accumulates.');
}

const pct = (a: number, b: number) => `${Math.round((100 * a) / b)}%`;
