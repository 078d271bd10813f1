/** FULLY_CONNECTED, int8: TFLM reference_integer_ops::FullyConnected (per-tensor or per-channel). */
import { channelRequantizer } from '../fixed-point.js';
import { ensure, type Kernel } from '../kernel.js';
import { packWeights } from './conv-2d.js';
import { activationRange, maxAbsInput, perChannelMultipliers, perTensorMultiplier, scaleZp, wasmRequant } from '../quant-params.js';

export default {
  op: 'FULLY_CONNECTED',
  prepare(ctx) {
    const o = ctx.op.options;
    ensure(ctx, o.kind === 'fullyConnected', 'missing FullyConnectedOptions');
    ensure(ctx, o.weightsFormat === 0, 'shuffled weights are not supported');
    const input = ctx.input(0);
    const filter = ctx.input(1);
    const bias = ctx.optionalInput(2);
    const output = ctx.output(0);
    ensure(ctx, input.tensor.type === 'int8' && filter.tensor.type === 'int8' && output.tensor.type === 'int8', 'only int8 input, filter and output are supported');
    ensure(ctx, !bias || (bias.tensor.type === 'int32' && bias.i32), 'bias must be int32');
    ensure(ctx, filter.tensor.shape.length === 2, 'weights must be 2-D');
    const [units, depth] = filter.tensor.shape as [number, number];
    const outShape = output.tensor.shape;
    const outDepth = outShape[outShape.length - 1] ?? 0;
    ensure(ctx, outDepth === units, 'output depth does not match the number of units');
    const batches = outDepth > 0 ? output.tensor.elements / outDepth : 0;
    ensure(ctx, batches * depth === input.tensor.elements, 'input size does not match the weights');
    ensure(ctx, !bias || bias.tensor.elements === units, 'bias length does not match units');
    const inQ = scaleZp(ctx, input.tensor);
    const wQ = scaleZp(ctx, filter.tensor);
    const out = scaleZp(ctx, output.tensor);
    const inputOffset = -inQ.zeroPoint;
    const filterOffset = -wQ.zeroPoint;
    const outputOffset = out.zeroPoint;
    const { min: actMin, max: actMax } = activationRange(o.activation, out);
    const perChannel = (filter.tensor.quantization?.scale.length ?? 1) > 1;
    const { multipliers, shifts } = perChannel
      ? perChannelMultipliers(ctx, input.tensor, filter.tensor, output.tensor, units)
      : (() => {
          const q = perTensorMultiplier(inQ.scale, wQ.scale, out.scale, ctx.rounding);
          return { multipliers: new Int32Array(units).fill(q.multiplier), shifts: new Int32Array(units).fill(q.shift) };
        })();
    const requant = channelRequantizer(ctx.rounding, multipliers, shifts);
    const x = input.i8;
    const w = filter.i8;
    const b = bias?.i32 ?? null;
    const y = output.i8;

    // Σ (w + fo)(x + io) = Σ w·x + io·Σw + fo·Σx + depth·fo·io: the weight terms are constants per unit.
    const unitBias = new Float64Array(units);
    const bounds = new Float64Array(units);
    for (let u = 0; u < units; u++) {
      let sum = 0;
      let abs = 0;
      for (let d = 0; d < depth; d++) {
        sum += w[u * depth + d]!;
        abs += Math.abs(w[u * depth + d]!);
      }
      unitBias[u] = (b ? b[u]! : 0) + inputOffset * sum + depth * filterOffset * inputOffset;
      // Only used when filterOffset is 0 (the wasm path below).
      bounds[u] = Math.abs(b ? b[u]! : 0) + abs * maxAbsInput(inputOffset);
    }

    const simd = ctx.simd;
    const rq = wasmRequant(ctx, unitBias, multipliers, shifts, outputOffset, actMin, actMax, bounds);

    if (filterOffset === 0) {
      // Symmetric weights (as TFLite requires): the convolution kernel's matrix product, one input
      // row per batch, requantized in registers.
      const wp = packWeights(ctx, w, units, 1, depth, true);
      const x16 = ctx.scratch.address;
      const accAddr = x16 + Math.ceil((batches * Math.ceil(depth / 2) * 4 + 32) / 16) * 16;
      return () => simd.gemm(input.address, depth, batches, depth, wp, units, rq.address, output.address, accAddr, x16);
    }

    const acc = new Int32Array(ctx.scratch.buffer, ctx.scratch.address, units);
    return () => {
      for (let n = 0; n < batches; n++) {
        const xBase = n * depth;
        let xSum = 0;
        for (let d = 0; d < depth; d++) xSum += x[xBase + d]!;
        // Σ w·x on the SIMD kernel (exact int32), offsets and bias folded in here.
        simd.dotRows(filter.address, input.address + xBase, units, depth, ctx.scratch.address);
        for (let u = 0; u < units; u++) {
          const v = requant((acc[u]! + unitBias[u]! + filterOffset * xSum) | 0, u) + outputOffset;
          y[n * units + u] = v < actMin ? actMin : v > actMax ? actMax : v;
        }
      }
    };
  },
} satisfies Kernel;
