/**
 * Latency of a model on a 64 MHz Cortex-M4 (Nano 33 BLE Sense, TFLM with CMSIS-NN kernels), from
 * per-op cost: cycles = Σ (MACs × cycles per MAC + output elements × cycles per element + a fixed
 * per-op dispatch cost), time = cycles / clock.
 *
 * Calibration: the MLPerf Tiny v0.5 closed-division reference submission (STM32 Nucleo-L4R5ZI,
 * Cortex-M4 at 120 MHz, TFLM 2.3.1 + CMSIS-NN; mlcommons/tiny_results_v0.5,
 * closed/reference/results/Nucleo-L4R5ZI/<task>/performance/results.txt) measured 100 KWS inferences
 * in 18.192 s (181.9 ms each; DS-CNN, 2.66 M MACs by grader/validate/macs.ts), 100 VWW in 60.054 s
 * (600.5 ms; MobileNetV1 0.25, 7.49 M MACs) and 1000 AD in 10.052 s (10.05 ms; FC autoencoder,
 * 0.26 M MACs). That is 8.2 and 9.6 cycles per MAC for the convolutional models and 4.6 for
 * fully-connected layers; we take 9 and 4.7 and assume equal cycles on the 64 MHz nRF52840
 * (zero-wait-state flash with cache, the same core). The model then predicts 377 ms / 1063 ms /
 * 20.1 ms at 64 MHz against 341 / 1126 / 18.8 ms scaled from the reference (within ±12%; see
 * test/unit/rack-latency.unit.test.ts). Simulated boards run on it and the device stage sizes its
 * timeouts with it; real boards measure.
 */
import type { Graph } from '../tflite/graph.js';
import { operatorMacs } from './macs.js';

/** Cortex-M4 cost table (cycles). */
export const CORTEX_M4_COST = {
  clockMHz: 64,
  /** Per MAC, by op; ops not listed use `defaultPerMac`. */
  perMac: { CONV_2D: 9, DEPTHWISE_CONV_2D: 9, FULLY_CONNECTED: 4.7, AVERAGE_POOL_2D: 4, MAX_POOL_2D: 4 } as Record<string, number>,
  defaultPerMac: 6,
  /** Per output element (requantization, copies); data movement ops cost only this. */
  perElement: 2,
  /** TFLM op dispatch and bookkeeping. */
  perOp: 4000,
} as const;

export interface OpCost {
  index: number;
  op: string;
  macs: number;
  cycles: number;
}

/** Per-op cycles and the total, in µs, for one inference. */
export function estimateLatency(graph: Graph, cost = CORTEX_M4_COST): { us: number; cycles: number; ops: OpCost[] } {
  const ops: OpCost[] = graph.operators.map((op) => {
    const macs = operatorMacs(graph, op);
    const out = op.outputs[0] !== undefined && op.outputs[0] >= 0 ? graph.tensors[op.outputs[0]]!.elements : 0;
    const cycles = macs * (cost.perMac[op.op] ?? cost.defaultPerMac) + out * cost.perElement + cost.perOp;
    return { index: op.index, op: op.op, macs, cycles };
  });
  const cycles = ops.reduce((a, o) => a + o.cycles, 0);
  return { us: cycles / cost.clockMHz, cycles, ops };
}
