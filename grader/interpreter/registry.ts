/**
 * The kernels the engine runs, as a plain list (tfjs-backend-cpu style): what is listed here is
 * what runs; nothing is discovered at run time.
 */
import type { Kernel } from './kernel.js';
import averagePool2d from './kernels/average-pool-2d.js';
import conv2d from './kernels/conv-2d.js';
import depthwiseConv2d from './kernels/depthwise-conv-2d.js';
import fullyConnected from './kernels/fully-connected.js';
import maxPool2d from './kernels/max-pool-2d.js';
import reshape from './kernels/reshape.js';
import softmax from './kernels/softmax.js';

export const KERNEL_LIST: readonly Kernel[] = [conv2d, depthwiseConv2d, fullyConnected, averagePool2d, maxPool2d, reshape, softmax];

export const KERNELS: ReadonlyMap<string, Kernel> = new Map(KERNEL_LIST.map((k) => [k.op, k]));
