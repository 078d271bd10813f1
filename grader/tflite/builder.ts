/**
 * Writes .tflite files with the flatbuffers Builder: the model zoo of bench/zoo (realistic TinyML
 * architectures for benchmarks and cross-checks) and tests that need a particular model or flaw
 * (float op, custom op, bad quantization, several subgraphs, external buffers, …). The writer
 * counterpart of parse.ts; nothing here is checked, by design.
 */
import { Builder } from 'flatbuffers';
import { BUILTIN_OPERATOR_NAMES, BUILTIN_OPTIONS_NAMES, TENSOR_TYPES, type TensorType } from './schema.js';

export interface TensorDef {
  name?: string;
  shape: number[];
  type: TensorType;
  data?: Uint8Array;
  quant?: { scale: number[]; zeroPoint: number[]; dim?: number };
  variable?: boolean;
}

export interface OpDef {
  op: string;
  custom?: string;
  version?: number;
  inputs: number[];
  outputs: number[];
  /** Builtin options: union member name and (field id → int32/int8/float value, or int32 vector). */
  options?: { union: string; int8?: Record<number, number>; int32?: Record<number, number>; float?: Record<number, number>; int32s?: Record<number, number[]> };
}

export interface ModelDef {
  tensors: TensorDef[];
  ops: OpDef[];
  inputs: number[];
  outputs: number[];
  version?: number;
  identifier?: string;
  extraSubgraphs?: number;
  /** Store constant data after the flatbuffer (Buffer.offset/size) instead of inline. */
  externalData?: boolean;
  /** Model.description. */
  description?: string;
}

export function buildModel(def: ModelDef): Uint8Array {
  const b = new Builder(1024);
  const intVector = (xs: number[]) => {
    b.startVector(4, xs.length, 4);
    for (let i = xs.length - 1; i >= 0; i--) b.addInt32(xs[i]!);
    return b.endVector();
  };
  const offsetVector = (xs: number[]) => {
    b.startVector(4, xs.length, 4);
    for (let i = xs.length - 1; i >= 0; i--) b.addOffset(xs[i]!);
    return b.endVector();
  };

  // Buffers: 0 is the empty sentinel; each tensor with data gets its own.
  const external: { data: Uint8Array; table: number }[] = [];
  const bufferOffsets: number[] = [];
  b.startObject(3);
  bufferOffsets.push(b.endObject());
  const tensorBuffer: number[] = [];
  for (const t of def.tensors) {
    if (!t.data) {
      tensorBuffer.push(0);
      continue;
    }
    if (def.externalData) {
      b.startObject(3);
      // Placeholder offset/size, patched once the flatbuffer's length is known.
      b.addFieldInt64(1, BigInt(0x7eadbeef), BigInt(0));
      b.addFieldInt64(2, BigInt(t.data.length), BigInt(0));
      const table = b.endObject();
      external.push({ data: t.data, table });
      bufferOffsets.push(table);
    } else {
      b.startVector(1, t.data.length, 16);
      for (let i = t.data.length - 1; i >= 0; i--) b.addInt8(t.data[i]!);
      const vec = b.endVector();
      b.startObject(3);
      b.addFieldOffset(0, vec, 0);
      bufferOffsets.push(b.endObject());
    }
    tensorBuffer.push(bufferOffsets.length - 1);
  }

  const tensorOffsets = def.tensors.map((t, i) => {
    const name = b.createString(t.name ?? `t${i}`);
    const shape = intVector(t.shape);
    let quant = 0;
    if (t.quant) {
      b.startVector(4, t.quant.scale.length, 4);
      for (let k = t.quant.scale.length - 1; k >= 0; k--) b.addFloat32(t.quant.scale[k]!);
      const scale = b.endVector();
      b.startVector(8, t.quant.zeroPoint.length, 8);
      for (let k = t.quant.zeroPoint.length - 1; k >= 0; k--) b.addInt64(BigInt(t.quant.zeroPoint[k]!));
      const zp = b.endVector();
      b.startObject(7);
      b.addFieldOffset(2, scale, 0);
      b.addFieldOffset(3, zp, 0);
      b.addFieldInt32(6, t.quant.dim ?? 0, 0);
      quant = b.endObject();
    }
    b.startObject(11);
    b.addFieldOffset(0, shape, 0);
    b.addFieldInt8(1, TENSOR_TYPES.indexOf(t.type), 0);
    b.addFieldInt32(2, tensorBuffer[i]!, 0);
    b.addFieldOffset(3, name, 0);
    if (quant) b.addFieldOffset(4, quant, 0);
    if (t.variable) b.addFieldInt8(5, 1, 0);
    return b.endObject();
  });

  const codes: string[] = [];
  const opcodeIndex = (op: OpDef) => {
    const key = `${op.op}|${op.custom ?? ''}|${op.version ?? 1}`;
    let i = codes.indexOf(key);
    if (i === -1) i = codes.push(key) - 1;
    return i;
  };
  const opOffsets = def.ops.map((op) => {
    const inputs = intVector(op.inputs);
    const outputs = intVector(op.outputs);
    let options = 0;
    let unionType = 0;
    if (op.options) {
      unionType = BUILTIN_OPTIONS_NAMES.indexOf(op.options.union);
      if (unionType < 1) throw new Error(`unknown options ${op.options.union}`);
      const vectors = Object.entries(op.options.int32s ?? {}).map(([id, xs]) => [Number(id), intVector(xs)] as const);
      b.startObject(8);
      for (const [id, vec] of vectors) b.addFieldOffset(id, vec, 0);
      for (const [id, v] of Object.entries(op.options.int8 ?? {})) b.addFieldInt8(Number(id), v, -999);
      for (const [id, v] of Object.entries(op.options.int32 ?? {})) b.addFieldInt32(Number(id), v, -999);
      for (const [id, v] of Object.entries(op.options.float ?? {})) b.addFieldFloat32(Number(id), v, -999);
      options = b.endObject();
    }
    const index = opcodeIndex(op);
    b.startObject(9);
    b.addFieldInt32(0, index, 0);
    b.addFieldOffset(1, inputs, 0);
    b.addFieldOffset(2, outputs, 0);
    if (unionType) {
      b.addFieldInt8(3, unionType, 0);
      b.addFieldOffset(4, options, 0);
    }
    return b.endObject();
  });

  const subgraph = (withOps: boolean) => {
    const tensors = offsetVector(withOps ? tensorOffsets : []);
    const ins = intVector(withOps ? def.inputs : []);
    const outs = intVector(withOps ? def.outputs : []);
    const ops = offsetVector(withOps ? opOffsets : []);
    const name = b.createString(withOps ? 'main' : 'extra');
    b.startObject(5);
    b.addFieldOffset(0, tensors, 0);
    b.addFieldOffset(1, ins, 0);
    b.addFieldOffset(2, outs, 0);
    b.addFieldOffset(3, ops, 0);
    b.addFieldOffset(4, name, 0);
    return b.endObject();
  };
  const subgraphs = [subgraph(true)];
  for (let i = 0; i < (def.extraSubgraphs ?? 0); i++) subgraphs.push(subgraph(false));

  const codeOffsets = codes.map((key) => {
    const [name, custom, version] = key.split('|') as [string, string, string];
    const code = name === 'CUSTOM' ? 32 : BUILTIN_OPERATOR_NAMES.indexOf(name);
    if (code < 0) throw new Error(`unknown op ${name}`);
    const customOff = custom ? b.createString(custom) : 0;
    b.startObject(4);
    b.addFieldInt8(0, Math.min(code, 127), 0);
    if (customOff) b.addFieldOffset(1, customOff, 0);
    b.addFieldInt32(2, Number(version), 1);
    b.addFieldInt32(3, code, 0);
    return b.endObject();
  });

  const codesVec = offsetVector(codeOffsets);
  const subgraphsVec = offsetVector(subgraphs);
  const buffersVec = offsetVector(bufferOffsets);
  const description = b.createString(def.description ?? 'built by tinyarena');
  b.startObject(8);
  b.addFieldInt32(0, def.version ?? 3, 0);
  b.addFieldOffset(1, codesVec, 0);
  b.addFieldOffset(2, subgraphsVec, 0);
  b.addFieldOffset(3, description, 0);
  b.addFieldOffset(4, buffersVec, 0);
  const model = b.endObject();
  b.finish(model, def.identifier ?? 'TFL3');
  const flat = b.asUint8Array().slice();
  if (!def.externalData) return flat;

  // Append the data after the flatbuffer and patch each Buffer's offset field in place.
  const parts: Uint8Array[] = [flat];
  let at = flat.length;
  const dv = new DataView(flat.buffer);
  for (const e of external) {
    const pad = (16 - (at % 16)) % 16;
    parts.push(new Uint8Array(pad));
    at += pad;
    const tablePos = flat.length - e.table;
    const placeholder = findU32(flat, tablePos, 0x7eadbeef);
    dv.setUint32(placeholder, at, true);
    parts.push(e.data);
    at += e.data.length;
  }
  const out = new Uint8Array(at);
  let p = 0;
  for (const part of parts) {
    out.set(part, p);
    p += part.length;
  }
  return out;
}

function findU32(buf: Uint8Array, from: number, value: number): number {
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  for (let i = from; i + 4 <= buf.length && i < from + 64; i++) if (dv.getUint32(i, true) === value) return i;
  throw new Error('placeholder not found');
}

/** int8 bytes from numbers. */
export const i8 = (xs: number[]) => new Uint8Array(Int8Array.from(xs).buffer);
/** int32 little-endian bytes from numbers. */
export const i32 = (xs: number[]) => new Uint8Array(Int32Array.from(xs).buffer);
/** float32 little-endian bytes from numbers. */
export const f32 = (xs: number[]) => new Uint8Array(Float32Array.from(xs).buffer);

