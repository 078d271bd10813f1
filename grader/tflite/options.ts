/**
 * Builtin option tables, decoded by the operator they belong to. Field ids follow the TFLite schema
 * (union members take two ids: type then value).
 */
import type { Table } from './flat-reader.js';
import { ModelFormatError } from './flat-reader.js';
import type { OperatorOptions } from './graph.js';
import { ACTIVATIONS, BUILTIN_OPTIONS_NAMES, PADDINGS, type Activation, type Padding } from './schema.js';

function padding(t: Table, id: number): Padding {
  const v = t.int8(id, 'padding');
  const p = PADDINGS[v];
  if (!p) throw new ModelFormatError('bad-value', t.sub('padding'), `unknown padding ${v}`);
  return p;
}

function activation(t: Table, id: number): Activation {
  const v = t.int8(id, 'fused_activation_function');
  const a = ACTIVATIONS[v];
  if (!a) throw new ModelFormatError('bad-value', t.sub('fused_activation_function'), `unknown activation ${v}`);
  return a;
}

type Decoder = (t: Table) => OperatorOptions;

/** Union member name → decoder. */
const DECODERS: Record<string, Decoder> = {
  Conv2DOptions: (t) => ({ kind: 'conv2d', padding: padding(t, 0), strideW: t.int32(1, 'stride_w'), strideH: t.int32(2, 'stride_h'), activation: activation(t, 3), dilationW: t.int32(4, 'dilation_w_factor', 1), dilationH: t.int32(5, 'dilation_h_factor', 1) }),
  DepthwiseConv2DOptions: (t) => ({ kind: 'depthwiseConv2d', padding: padding(t, 0), strideW: t.int32(1, 'stride_w'), strideH: t.int32(2, 'stride_h'), depthMultiplier: t.int32(3, 'depth_multiplier'), activation: activation(t, 4), dilationW: t.int32(5, 'dilation_w_factor', 1), dilationH: t.int32(6, 'dilation_h_factor', 1) }),
  Pool2DOptions: (t) => ({ kind: 'pool2d', padding: padding(t, 0), strideW: t.int32(1, 'stride_w'), strideH: t.int32(2, 'stride_h'), filterW: t.int32(3, 'filter_width'), filterH: t.int32(4, 'filter_height'), activation: activation(t, 5) }),
  FullyConnectedOptions: (t) => ({ kind: 'fullyConnected', activation: activation(t, 0), weightsFormat: t.int8(1, 'weights_format'), keepNumDims: t.bool(2, 'keep_num_dims'), asymmetricQuantizeInputs: t.bool(3, 'asymmetric_quantize_inputs') }),
  SoftmaxOptions: (t) => ({ kind: 'softmax', beta: t.float32(0, 'beta') }),
  ConcatenationOptions: (t) => ({ kind: 'concatenation', axis: t.int32(0, 'axis'), activation: activation(t, 1) }),
  AddOptions: (t) => ({ kind: 'add', activation: activation(t, 0), potScaleInt16: t.bool(1, 'pot_scale_int16', true) }),
  SubOptions: (t) => ({ kind: 'sub', activation: activation(t, 0), potScaleInt16: t.bool(1, 'pot_scale_int16', true) }),
  MulOptions: (t) => ({ kind: 'mul', activation: activation(t, 0) }),
  DivOptions: (t) => ({ kind: 'div', activation: activation(t, 0) }),
  ReshapeOptions: (t) => ({ kind: 'reshape', newShape: t.int32s(0, 'new_shape') }),
  ReducerOptions: (t) => ({ kind: 'reducer', keepDims: t.bool(0, 'keep_dims') }),
  SqueezeOptions: (t) => ({ kind: 'squeeze', squeezeDims: t.int32s(0, 'squeeze_dims') ?? [] }),
  StridedSliceOptions: (t) => ({ kind: 'stridedSlice', beginMask: t.int32(0, 'begin_mask'), endMask: t.int32(1, 'end_mask'), ellipsisMask: t.int32(2, 'ellipsis_mask'), newAxisMask: t.int32(3, 'new_axis_mask'), shrinkAxisMask: t.int32(4, 'shrink_axis_mask'), offset: t.bool(5, 'offset') }),
  LeakyReluOptions: (t) => ({ kind: 'leakyRelu', alpha: t.float32(0, 'alpha') }),
};

/** Decode an operator's builtin options from its union type and table. */
export function decodeOptions(unionType: number, table: Table | null): OperatorOptions {
  if (unionType === 0 || !table) return { kind: 'none' };
  const name = BUILTIN_OPTIONS_NAMES[unionType];
  if (!name) return { kind: 'other', unionType, unionName: `unknown(${unionType})` };
  const decode = DECODERS[name];
  return decode ? decode(table) : { kind: 'other', unionType, unionName: name };
}
