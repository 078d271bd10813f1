/**
 * Arithmetic profiles: which requantization rounding each kernel uses in the runtime being reproduced.
 *
 * Measured against ../shared/oracle (test/unit/interpreter-golden.unit.test.ts): the official TFLite
 * runtime is built with TFLITE_SINGLE_ROUNDING=1, so CONV_2D, FULLY_CONNECTED and the rest round once —
 * but its optimized DEPTHWISE_CONV_2D kernel still rounds twice (gemmlowp style). Stock TensorFlow Lite
 * Micro (reference kernels and CMSIS-NN) rounds twice everywhere; a TFLM build with
 * TFLITE_SINGLE_ROUNDING=1 and CMSIS_NN_USE_SINGLE_ROUNDING rounds once everywhere. The outputs of these
 * runtimes differ by an LSB now and then, so the device stage runs the engine with the profile the
 * board's firmware reports.
 */
import type { Rounding } from './fixed-point.js';

export interface ArithmeticProfile {
  name: string;
  description: string;
  rounding: Rounding;
  /** Ops that round differently from `rounding`. */
  perOp: Readonly<Record<string, Rounding>>;
}

export const ARITHMETIC_PROFILES = {
  tflite: {
    name: 'tflite',
    description: 'official TensorFlow Lite runtime, builtin kernels (single rounding; depthwise rounds twice)',
    rounding: 'single',
    perOp: { DEPTHWISE_CONV_2D: 'double' },
  },
  tflm: {
    name: 'tflm',
    description: 'TensorFlow Lite Micro / CMSIS-NN default build (double rounding)',
    rounding: 'double',
    perOp: {},
  },
  'tflm-single': {
    name: 'tflm-single',
    description: 'TensorFlow Lite Micro built with TFLITE_SINGLE_ROUNDING=1 and CMSIS_NN_USE_SINGLE_ROUNDING',
    rounding: 'single',
    perOp: {},
  },
} as const satisfies Record<string, ArithmeticProfile>;

export type ArithmeticProfileName = keyof typeof ARITHMETIC_PROFILES;

/** The reference the shared golden set was made with. */
export const DEFAULT_ARITHMETIC: ArithmeticProfileName = 'tflite';

export function roundingFor(profile: ArithmeticProfile, op: string): Rounding {
  return profile.perOp[op] ?? profile.rounding;
}
