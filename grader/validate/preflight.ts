/**
 * Preflight: the library entry point the CLI, the intake and the bot call. Never throws on bad input:
 * an unreadable file comes back as a report with `readable: false` and a failing check that says what
 * the file seems to be and how to get a .tflite instead.
 */
import { ModelFormatError } from '../tflite/flat-reader.js';
import type { Graph, Tensor } from '../tflite/graph.js';
import { parseModel } from '../tflite/parse.js';
import { estimateArena } from './arena.js';
import { runChecks, type Check } from './checks.js';
import { operatorMacs, parameterCount } from './macs.js';
import { DEFAULT_RULES, type PreflightRules } from './rules.js';

export interface TensorInfo {
  name: string;
  shape: number[];
  dtype: string;
  /** One scale (per-tensor) or one per channel; null when not quantized. */
  scale: number | number[] | null;
  zeroPoint: number | number[] | null;
}

export interface PreflightReport {
  ok: boolean;
  /** False when the bytes are not a readable TFLite model at all (CLI exit code 2). */
  readable: boolean;
  sizeBytes: number;
  rules: string;
  inputs: TensorInfo[];
  outputs: TensorInfo[];
  ops: { op: string; count: number }[];
  macs: number;
  params: number;
  /** Estimated tensor arena: planned activations + persistent bookkeeping. */
  arenaBytes: number;
  arena: { plannedBytes: number; persistentBytes: number };
  perOp: { index: number; op: string; macs: number }[];
  checks: Check[];
  durationMs: number;
}

export interface PreflightResult {
  report: PreflightReport;
  /** The parsed model when readable (the pipeline hands it on instead of parsing again). */
  graph: Graph | null;
}

function tensorInfo(t: Tensor): TensorInfo {
  const q = t.quantization;
  const one = <T>(xs: T[]): T | T[] => (xs.length === 1 ? xs[0]! : xs);
  return {
    name: t.name,
    shape: t.shape,
    dtype: t.type,
    scale: q ? one(Array.from(q.scale)) : null,
    zeroPoint: q ? one(q.zeroPoint.length ? q.zeroPoint : [0]) : null,
  };
}

/** Validate model bytes against rules (default: the competition's board rules). */
export function preflight(bytes: Uint8Array, rules: PreflightRules = DEFAULT_RULES): PreflightResult {
  const t0 = performance.now();
  let graph: Graph;
  try {
    graph = parseModel(bytes);
  } catch (err) {
    if (!(err instanceof ModelFormatError)) throw err;
    return { report: unreadable(bytes, rules, err, performance.now() - t0), graph: null };
  }
  const arena = estimateArena(graph);
  const perOp = graph.operators.map((op) => ({ index: op.index, op: op.op, macs: operatorMacs(graph, op) }));
  const macs = perOp.reduce((a, o) => a + o.macs, 0);
  const checks = runChecks(graph, rules, { arena, macs });
  const counts = new Map<string, number>();
  for (const op of graph.operators) counts.set(op.op, (counts.get(op.op) ?? 0) + 1);
  return {
    graph,
    report: {
      ok: checks.every((c) => c.status !== 'fail'),
      readable: true,
      sizeBytes: bytes.length,
      rules: rules.source,
      inputs: graph.inputs.map((i) => tensorInfo(graph.tensors[i]!)),
      outputs: graph.outputs.map((i) => tensorInfo(graph.tensors[i]!)),
      ops: [...counts.entries()].map(([op, count]) => ({ op, count })),
      macs,
      params: parameterCount(graph),
      arenaBytes: arena.totalBytes,
      arena: { plannedBytes: arena.plannedBytes, persistentBytes: arena.persistentBytes },
      perOp,
      checks,
      durationMs: Math.round((performance.now() - t0) * 100) / 100,
    },
  };
}

const startsWith = (b: Uint8Array, sig: number[], at = 0) => b.length >= at + sig.length && sig.every((v, i) => b[at + i] === v);

/** What a non-TFLite upload probably is, and what to do instead. */
export function identifyNonModel(b: Uint8Array): { what: string; hint: string } | null {
  const convert = 'Convert it with tf.lite.TFLiteConverter (full-integer int8) and upload the .tflite file.';
  if (b.length === 0) return { what: 'an empty file', hint: 'The upload arrived empty; upload the .tflite file again.' };
  if (startsWith(b, [0x7f, 0x45, 0x4c, 0x46]) || (b[0] === 0x3a && /^:[0-9A-Fa-f]{8}/.test(String.fromCharCode(...b.subarray(0, 9))))) {
    return { what: 'compiled firmware (ELF / Intel HEX)', hint: 'Submit firmware as a firmware submission; a model submission needs a .tflite file.' };
  }
  if (startsWith(b, [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a])) return { what: 'a Keras HDF5 (.h5) model', hint: `Load it with tf.keras.models.load_model, then use TFLiteConverter.from_keras_model. ${convert}` };
  if (startsWith(b, [0x50, 0x4b, 0x03, 0x04])) return { what: 'a zip archive (a .keras model or a zipped SavedModel?)', hint: convert };
  if (startsWith(b, [0xff, 0xd8, 0xff])) return { what: 'a JPEG image', hint: 'Upload the model file (.tflite), not a picture of it.' };
  if (startsWith(b, [0x89, 0x50, 0x4e, 0x47])) return { what: 'a PNG image', hint: 'Upload the model file (.tflite), not a picture of it.' };
  if (startsWith(b, [0x25, 0x50, 0x44, 0x46])) return { what: 'a PDF document', hint: 'Upload the model file (.tflite).' };
  if (startsWith(b, [0x08, 0x07], 0) || startsWith(b, [0x08], 0) && b.length > 16 && !startsWith(b, [0x54, 0x46, 0x4c, 0x33], 4)) {
    // Protobuf files (ONNX, SavedModel .pb) start with a field tag; weak signal, so only a guess.
    return { what: 'not a TFLite flatbuffer (perhaps a protobuf such as ONNX or saved_model.pb)', hint: convert };
  }
  let printable = 0;
  const head = b.subarray(0, 512);
  for (const c of head) if (c === 9 || c === 10 || c === 13 || (c >= 32 && c < 127) || c >= 0xc2) printable++;
  if (head.length > 0 && printable === head.length) return { what: 'a text file', hint: 'Upload the binary .tflite model file, not text (source code, JSON or a hex dump).' };
  return null;
}

function unreadable(bytes: Uint8Array, rules: PreflightRules, err: ModelFormatError, ms: number): PreflightReport {
  const guess = identifyNonModel(bytes);
  const hasId = bytes.length >= 8 && startsWith(bytes, [0x54, 0x46, 0x4c, 0x33], 4);
  const checks: Check[] = [];
  if (!hasId) {
    checks.push({
      id: 'format.identifier',
      status: 'fail',
      message: guess ? `this is ${guess.what}, not a TFLite model` : 'no TFL3 file identifier: this is not a TFLite model',
      hint: guess?.hint ?? 'Upload the .tflite file written by tf.lite.TFLiteConverter.',
    });
  } else {
    checks.push({ id: 'format.identifier', status: 'pass', message: 'file identifier TFL3' });
  }
  checks.push({
    id: 'format.parse',
    status: 'fail',
    message: `the file cannot be read as a TFLite model: ${err.message}`,
    hint: hasId ? 'The file looks truncated or corrupted: download or export it again and re-upload.' : (guess?.hint ?? 'Upload the .tflite file written by tf.lite.TFLiteConverter.'),
  });
  return {
    ok: false,
    readable: false,
    sizeBytes: bytes.length,
    rules: rules.source,
    inputs: [],
    outputs: [],
    ops: [],
    macs: 0,
    params: 0,
    arenaBytes: 0,
    arena: { plannedBytes: 0, persistentBytes: 0 },
    perOp: [],
    checks,
    durationMs: Math.round(ms * 100) / 100,
  };
}
