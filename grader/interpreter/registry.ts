/**
 * The kernels the engine runs, as a plain list (tfjs-backend-cpu style): what is listed here is
 * what runs; nothing is discovered at run time.
 */
import type { Kernel } from './kernel.js';
import { add, mul, sub } from './kernels/binary.js';
import averagePool2d from './kernels/average-pool-2d.js';
import concatenation from './kernels/concatenation.js';
import conv2d from './kernels/conv-2d.js';
import { expandDims, reshape, squeeze } from './kernels/copy.js';
import depthwiseConv2d from './kernels/depthwise-conv-2d.js';
import dequantize from './kernels/dequantize.js';
import fullyConnected from './kernels/fully-connected.js';
import hardSwish from './kernels/hard-swish.js';
import leakyRelu from './kernels/leaky-relu.js';
import logistic from './kernels/logistic.js';
import maxPool2d from './kernels/max-pool-2d.js';
import mean from './kernels/mean.js';
import { pad, padV2 } from './kernels/pad.js';
import quantize from './kernels/quantize.js';
import relu from './kernels/relu.js';
import relu6 from './kernels/relu6.js';
import softmax from './kernels/softmax.js';
import stridedSlice from './kernels/strided-slice.js';
import tanh from './kernels/tanh.js';
import transpose from './kernels/transpose.js';

export const KERNEL_LIST: readonly Kernel[] = [
  conv2d,
  depthwiseConv2d,
  fullyConnected,
  averagePool2d,
  maxPool2d,
  reshape,
  squeeze,
  expandDims,
  softmax,
  add,
  sub,
  mul,
  quantize,
  dequantize,
  mean,
  pad,
  padV2,
  concatenation,
  stridedSlice,
  transpose,
  relu,
  relu6,
  leakyRelu,
  logistic,
  tanh,
  hardSwish,
];

export const KERNELS: ReadonlyMap<string, Kernel> = new Map(KERNEL_LIST.map((k) => [k.op, k]));
