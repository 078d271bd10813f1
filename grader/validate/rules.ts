/**
 * What a model must satisfy: the default competition rules (a Nano 33 BLE Sense running the harness
 * firmware) or a challenge's own signature and budgets.
 */
import type { Task } from '../tasks/index.js';
import type { TensorSpec } from '../tasks/types.js';
import { FIRMWARE_OP_SET, type SupportedOp } from './op-set.js';

export type { TensorSpec };

export interface PreflightRules {
  /** Where the rules come from, for messages ("default competition rules", "challenge kws-demo"). */
  source: string;
  task: Task | null;
  /** Expected model inputs/outputs in order; null = any. */
  inputs: TensorSpec[] | null;
  outputs: TensorSpec[] | null;
  maxModelBytes: number;
  maxArenaBytes: number;
  maxMacs: number | null;
  /** Full-integer int8: int8 activations and weights, int32 biases, no float compute. */
  int8Required: boolean;
  /** Accept float model inputs/outputs converted by QUANTIZE / DEQUANTIZE at the graph's edges. */
  allowEdgeQuantize: boolean;
  allowedOps: ReadonlyMap<string, SupportedOp>;
}

/**
 * Arduino Nano 33 BLE Sense (nRF52840: 1 MiB flash, 256 KiB SRAM). The model slot and arena limits
 * leave room for the Arduino mbed core, TFLM and the harness (≈ 384 KiB flash) and for Mbed OS stacks,
 * serial and BLE buffers (≈ 64 KiB RAM). Estimates until the rack reports the firmware's own figures.
 */
export const NANO33_BLE_SENSE = {
  flashBytes: 1024 * 1024,
  ramBytes: 256 * 1024,
  modelSlotBytes: 640 * 1024,
  maxArenaBytes: 192 * 1024,
} as const;

/** Rules when no challenge is named: full-integer int8, the firmware's ops, the board's budgets. */
export const DEFAULT_RULES: PreflightRules = {
  source: 'default competition rules (Nano 33 BLE Sense)',
  task: null,
  inputs: null,
  outputs: null,
  maxModelBytes: NANO33_BLE_SENSE.modelSlotBytes,
  maxArenaBytes: NANO33_BLE_SENSE.maxArenaBytes,
  maxMacs: null,
  int8Required: true,
  allowEdgeQuantize: false,
  allowedOps: FIRMWARE_OP_SET,
};
