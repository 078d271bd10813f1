/**
 * The parsed model: plain data that validators and kernels use without touching flatbuffer
 * accessors. Everything here has been bounds-checked; tensor, buffer and opcode indices are valid.
 */
import type { Activation, Padding, TensorType } from './schema.js';

export interface Quantization {
  /** One scale per tensor, or one per channel along `quantizedDimension`. */
  scale: Float32Array;
  zeroPoint: number[];
  quantizedDimension: number;
}

export interface Tensor {
  index: number;
  name: string;
  type: TensorType;
  shape: number[];
  /** Shape with -1 for dynamic dimensions, when the converter recorded one. */
  shapeSignature: number[] | null;
  /** Index into `Graph.buffers`. */
  buffer: number;
  /** Constant data (a view into the file), or null for activations. */
  data: Uint8Array | null;
  quantization: Quantization | null;
  isVariable: boolean;
  hasSparsity: boolean;
  /** Product of the shape (1 for scalars). */
  elements: number;
}

export interface OperatorCode {
  /** Builtin operator name (e.g. `CONV_2D`), or `CUSTOM`. */
  name: string;
  /** Builtin code (max of the deprecated byte field and the int32 field, as TFLite reads it). */
  code: number;
  version: number;
  customCode: string | null;
}

/** Decoded builtin options of the operators the graders work with; others keep only their union type. */
export type OperatorOptions =
  | { kind: 'conv2d'; padding: Padding; strideW: number; strideH: number; activation: Activation; dilationW: number; dilationH: number }
  | { kind: 'depthwiseConv2d'; padding: Padding; strideW: number; strideH: number; depthMultiplier: number; activation: Activation; dilationW: number; dilationH: number }
  | { kind: 'pool2d'; padding: Padding; strideW: number; strideH: number; filterW: number; filterH: number; activation: Activation }
  | { kind: 'fullyConnected'; activation: Activation; weightsFormat: number; keepNumDims: boolean; asymmetricQuantizeInputs: boolean }
  | { kind: 'softmax'; beta: number }
  | { kind: 'concatenation'; axis: number; activation: Activation }
  | { kind: 'add' | 'sub'; activation: Activation; potScaleInt16: boolean }
  | { kind: 'mul' | 'div'; activation: Activation }
  | { kind: 'reshape'; newShape: number[] | null }
  | { kind: 'reducer'; keepDims: boolean }
  | { kind: 'squeeze'; squeezeDims: number[] }
  | { kind: 'stridedSlice'; beginMask: number; endMask: number; ellipsisMask: number; newAxisMask: number; shrinkAxisMask: number; offset: boolean }
  | { kind: 'leakyRelu'; alpha: number }
  | { kind: 'none' }
  | { kind: 'other'; unionType: number; unionName: string };

export interface Operator {
  index: number;
  opcodeIndex: number;
  /** Shortcut to `Graph.operatorCodes[opcodeIndex].name`. */
  op: string;
  version: number;
  /** Tensor indices; -1 marks an omitted optional input. */
  inputs: number[];
  outputs: number[];
  intermediates: number[];
  options: OperatorOptions;
  customOptions: Uint8Array | null;
}

export interface BufferData {
  index: number;
  /** View into the file (inline data, or data stored after the flatbuffer via offset/size). */
  data: Uint8Array | null;
  /** True when the data lives after the flatbuffer (offset/size fields). */
  external: boolean;
}

export interface Graph {
  sizeBytes: number;
  identifier: string;
  schemaVersion: number;
  description: string;
  operatorCodes: OperatorCode[];
  subgraphCount: number;
  /** The main subgraph (index 0), which is what runs. */
  subgraphName: string;
  tensors: Tensor[];
  operators: Operator[];
  inputs: number[];
  outputs: number[];
  buffers: BufferData[];
  metadata: { name: string; buffer: number }[];
}
