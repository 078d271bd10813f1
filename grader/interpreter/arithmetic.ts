/**
 * Arithmetic profiles: which requantization rounding each kernel uses in the runtime being reproduced.
 *
 * Measured against real TensorFlow Lite Micro (../shared/oracle-tflm, test/unit/interpreter-tflm.unit.test.ts)
 * and the official TFLite runtime (../shared/oracle, test/unit/interpreter-golden.unit.test.ts): stock
 * TFLM — reference kernels and CMSIS-NN alike, i.e. what an Arduino Nano 33 BLE Sense computes — rounds
 * twice everywhere (gemmlowp SaturatingRoundingDoublingHighMul, then RoundingDivideByPOT); a TFLM build
 * with TFLITE_SINGLE_ROUNDING=1 rounds once everywhere; desktop TFLite is built with single rounding,
 * except that its optimized DEPTHWISE_CONV_2D still rounds twice. The outputs of these runtimes differ
 * by an LSB now and then (and by more after a SOFTMAX), so scores use the board's arithmetic: `tflm`.
 */
import type { Rounding } from './fixed-point.js';

export interface ArithmeticProfile {
  name: string;
  /** Which runtime and build, for engineers. */
  description: string;
  /** The same in words a learner understands (report pages, `score --json`). */
  label: string;
  rounding: Rounding;
  /** Ops that round differently from `rounding`. */
  perOp: Readonly<Record<string, Rounding>>;
}

export const ARITHMETIC_PROFILES = {
  tflm: {
    name: 'tflm',
    description: 'TensorFlow Lite Micro / CMSIS-NN default build (double rounding)',
    label: 'TFLM reference / CMSIS-NN arithmetic, as on the Nano 33 BLE Sense',
    rounding: 'double',
    perOp: {},
  },
  'tflm-single': {
    name: 'tflm-single',
    description: 'TensorFlow Lite Micro built with TFLITE_SINGLE_ROUNDING=1 and CMSIS_NN_USE_SINGLE_ROUNDING',
    label: 'TFLM arithmetic built with single rounding (TFLITE_SINGLE_ROUNDING), as firmware built that way computes',
    rounding: 'single',
    perOp: {},
  },
  tflite: {
    name: 'tflite',
    description: 'official TensorFlow Lite runtime, builtin kernels (single rounding; depthwise rounds twice)',
    label: 'desktop TensorFlow Lite arithmetic (the official runtime on a PC, not what the board computes)',
    rounding: 'single',
    perOp: { DEPTHWISE_CONV_2D: 'double' },
  },
} as const satisfies Record<string, ArithmeticProfile>;

export type ArithmeticProfileName = keyof typeof ARITHMETIC_PROFILES;

/** What the board computes (stock TFLM, double rounding): the default of scores, `infer` and the rack. */
export const DEFAULT_ARITHMETIC: ArithmeticProfileName = 'tflm';

export const ARITHMETIC_NAMES = Object.keys(ARITHMETIC_PROFILES) as ArithmeticProfileName[];

export function isArithmeticProfileName(name: string): name is ArithmeticProfileName {
  return Object.hasOwn(ARITHMETIC_PROFILES, name);
}

/** The learner-facing words for a profile name (unknown names, e.g. from old rows, come back as they are). */
export function arithmeticLabel(name: string): string {
  return isArithmeticProfileName(name) ? ARITHMETIC_PROFILES[name].label : name;
}

export function roundingFor(profile: ArithmeticProfile, op: string): Rounding {
  return profile.perOp[op] ?? profile.rounding;
}
