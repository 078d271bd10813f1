/**
 * Parse an untrusted .tflite file into a {@link Graph}. Structural problems (anything that would make
 * a consumer read out of bounds or follow a dangling index) throw {@link ModelFormatError}; questions
 * of policy (float ops, budgets, op support) are left to the validators.
 */
import { FlatReader, ModelFormatError, type Table } from './flat-reader.js';
import type { BufferData, Graph, Operator, OperatorCode, Quantization, Tensor } from './graph.js';
import { decodeOptions } from './options.js';
import { BUILTIN_OPERATOR_NAMES, TENSOR_TYPES, TENSOR_TYPE_BYTES } from './schema.js';

// Field ids (schema order; unions take two ids).
const MODEL = { version: 0, operatorCodes: 1, subgraphs: 2, description: 3, buffers: 4, metadata: 6 } as const;
const OPCODE = { deprecatedBuiltinCode: 0, customCode: 1, version: 2, builtinCode: 3 } as const;
const SUBGRAPH = { tensors: 0, inputs: 1, outputs: 2, operators: 3, name: 4 } as const;
const TENSOR = { shape: 0, type: 1, buffer: 2, name: 3, quantization: 4, isVariable: 5, sparsity: 6, shapeSignature: 7 } as const;
const QUANT = { scale: 2, zeroPoint: 3, quantizedDimension: 6 } as const;
const OPERATOR = { opcodeIndex: 0, inputs: 1, outputs: 2, optionsType: 3, options: 4, customOptions: 5, intermediates: 8 } as const;
const BUFFER = { data: 0, offset: 1, size: 2 } as const;
const METADATA = { name: 0, buffer: 1 } as const;

/**
 * No microcontroller model comes near these counts; hostile files that do would make quadratic
 * passes (memory planning) slow, so they are refused up front.
 */
export const MAX_TENSORS = 10_000;
export const MAX_OPERATORS = 10_000;

/** Largest element count a tensor may declare (2^31 − 1, as TFLite's int32 sizes allow). */
const MAX_ELEMENTS = 0x7fffffff;

export function parseModel(bytes: Uint8Array): Graph {
  const reader = new FlatReader(bytes);
  const model = reader.root();

  const buffers: BufferData[] = (model.tables(MODEL.buffers, 'buffers', (t, index) => readBuffer(reader, t, index)) ?? []);
  const operatorCodes: OperatorCode[] = model.tables(MODEL.operatorCodes, 'operator_codes', readOperatorCode) ?? [];
  const subgraphTables = model.tables(MODEL.subgraphs, 'subgraphs', (t) => t) ?? [];
  if (subgraphTables.length === 0) throw new ModelFormatError('bad-reference', 'subgraphs', 'the model has no subgraph');
  const main = subgraphTables[0]!;

  const tensors: Tensor[] = main.tables(SUBGRAPH.tensors, 'tensors', (t, i) => readTensor(t, i, buffers), MAX_TENSORS) ?? [];
  const tensorIndex = (path: string, allowOmitted: boolean) => (v: number, i: number) => {
    if ((allowOmitted && v === -1) || (v >= 0 && v < tensors.length)) return v;
    throw new ModelFormatError('bad-reference', `${path}[${i}]`, `tensor index ${v} is out of range (the subgraph has ${tensors.length} tensors)`);
  };
  const inputs = (main.int32s(SUBGRAPH.inputs, 'inputs') ?? []).map(tensorIndex(`${main.sub('inputs')}`, false));
  const outputs = (main.int32s(SUBGRAPH.outputs, 'outputs') ?? []).map(tensorIndex(`${main.sub('outputs')}`, false));
  const operators: Operator[] =
    main.tables(SUBGRAPH.operators, 'operators', (t, index) => {
      const opcodeIndex = t.uint32(OPERATOR.opcodeIndex, 'opcode_index');
      const code = operatorCodes[opcodeIndex];
      if (!code) throw new ModelFormatError('bad-reference', t.sub('opcode_index'), `opcode index ${opcodeIndex} is out of range (${operatorCodes.length} operator codes)`);
      return {
        index,
        opcodeIndex,
        op: code.name,
        version: code.version,
        inputs: (t.int32s(OPERATOR.inputs, 'inputs') ?? []).map(tensorIndex(t.sub('inputs'), true)),
        outputs: (t.int32s(OPERATOR.outputs, 'outputs') ?? []).map(tensorIndex(t.sub('outputs'), false)),
        intermediates: (t.int32s(OPERATOR.intermediates, 'intermediates') ?? []).map(tensorIndex(t.sub('intermediates'), false)),
        options: decodeOptions(t.uint8(OPERATOR.optionsType, 'builtin_options_type'), t.table(OPERATOR.options, 'builtin_options')),
        customOptions: t.bytes(OPERATOR.customOptions, 'custom_options'),
      };
    }, MAX_OPERATORS) ?? [];

  const metadata =
    model.tables(MODEL.metadata, 'metadata', (t) => {
      const buffer = t.uint32(METADATA.buffer, 'buffer');
      if (buffer >= buffers.length) throw new ModelFormatError('bad-reference', t.sub('buffer'), `buffer index ${buffer} is out of range`);
      return { name: t.string(METADATA.name, 'name') ?? '', buffer };
    }) ?? [];

  return {
    sizeBytes: bytes.length,
    identifier: reader.identifier(),
    schemaVersion: model.uint32(MODEL.version, 'version'),
    description: model.string(MODEL.description, 'description') ?? '',
    operatorCodes,
    subgraphCount: subgraphTables.length,
    subgraphName: main.string(SUBGRAPH.name, 'name') ?? '',
    tensors,
    operators,
    inputs,
    outputs,
    buffers,
    metadata,
  };
}

function readBuffer(reader: FlatReader, t: Table, index: number): BufferData {
  const inline = t.bytes(BUFFER.data, 'data');
  const offset = t.uint64(BUFFER.offset, 'offset');
  const size = t.uint64(BUFFER.size, 'size');
  // offset/size place the data after the flatbuffer (models over 2 GB, or built that way); 0/1 mean unused.
  if (offset > 1) {
    reader.check(offset, size, t.path, 'external buffer data');
    return { index, data: size > 0 ? reader.bytes.subarray(offset, offset + size) : null, external: true };
  }
  return { index, data: inline && inline.length > 0 ? inline : null, external: false };
}

function readOperatorCode(t: Table): OperatorCode {
  const deprecated = t.int8(OPCODE.deprecatedBuiltinCode, 'deprecated_builtin_code');
  const builtin = t.int32(OPCODE.builtinCode, 'builtin_code');
  // Old files only fill the byte field; new ones set it to 127 (PLACEHOLDER) and use the int32 field.
  const code = Math.max(deprecated, builtin);
  if (code < 0) throw new ModelFormatError('bad-value', t.sub('builtin_code'), `negative operator code ${code}`);
  const version = t.int32(OPCODE.version, 'version', 1);
  return {
    name: BUILTIN_OPERATOR_NAMES[code] ?? `UNKNOWN_${code}`,
    code,
    version,
    customCode: t.string(OPCODE.customCode, 'custom_code'),
  };
}

function readTensor(t: Table, index: number, buffers: BufferData[]): Tensor {
  const typeCode = t.int8(TENSOR.type, 'type');
  const type = TENSOR_TYPES[typeCode];
  if (!type) throw new ModelFormatError('bad-value', t.sub('type'), `unknown tensor type ${typeCode}`);
  const shape = t.int32s(TENSOR.shape, 'shape') ?? [];
  let elements = 1;
  for (const d of shape) {
    if (d < 0) throw new ModelFormatError('bad-value', t.sub('shape'), `dimension ${d} is negative`);
    elements *= d;
  }
  if (elements > MAX_ELEMENTS) throw new ModelFormatError('bad-value', t.sub('shape'), `${elements} elements is more than any board can hold`);
  const bufferIndex = t.uint32(TENSOR.buffer, 'buffer');
  const buffer = buffers[bufferIndex];
  if (!buffer) throw new ModelFormatError('bad-reference', t.sub('buffer'), `buffer index ${bufferIndex} is out of range (${buffers.length} buffers)`);
  const hasSparsity = t.has(TENSOR.sparsity);
  const data = buffer.data;
  const width = TENSOR_TYPE_BYTES[type];
  // Dense constant data must be exactly as large as the shape says, or kernels would read past it.
  if (data && width > 0 && !hasSparsity && data.length !== elements * width) {
    throw new ModelFormatError('bad-value', t.path, `constant data is ${data.length} bytes but shape [${shape.join(',')}] of ${type} needs ${elements * width}`);
  }
  return {
    index,
    name: t.string(TENSOR.name, 'name') ?? '',
    type,
    shape,
    shapeSignature: t.int32s(TENSOR.shapeSignature, 'shape_signature'),
    buffer: bufferIndex,
    data,
    quantization: readQuantization(t.table(TENSOR.quantization, 'quantization')),
    isVariable: t.bool(TENSOR.isVariable, 'is_variable'),
    hasSparsity,
    elements,
  };
}

function readQuantization(q: Table | null): Quantization | null {
  if (!q) return null;
  const scale = q.float32s(QUANT.scale, 'scale');
  const zeroPoint = q.int64s(QUANT.zeroPoint, 'zero_point');
  if (!scale || scale.length === 0) return null;
  return {
    scale: Float32Array.from(scale),
    zeroPoint: zeroPoint ?? [],
    quantizedDimension: q.int32(QUANT.quantizedDimension, 'quantized_dimension'),
  };
}
