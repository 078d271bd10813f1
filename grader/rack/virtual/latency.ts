/**
 * Latency on a virtual board is an estimate, and says so. QEMU is not cycle-accurate, but under
 * `-icount shift=0` it counts executed instructions deterministically, read through the board's
 * 25 MHz timer (one tick = 40 instructions, so a run's count may move by one tick with the timer's
 * phase, which host timing shifts while the core sleeps between commands); the harness reports them
 * per inference (`x-icount`) and the estimate uses their median. An estimate for the Nano 33 BLE Sense (64 MHz Cortex-M4,
 * TFLM with CMSIS-NN) is instructions × cycles per instruction / 64 MHz.
 *
 * Calibration of cycles per instruction: the virtual board's harness (the C runtime, stock TFLM
 * arithmetic, `-O2`) executes 26,173,920 instructions per inference of the MLPerf Tiny KWS reference
 * model, 67,754,680 for VWW and 1,470,480 for AD (measured with ../shared's reference models;
 * test/integration/virtual-board.integration.test.ts re-measures KWS). The MLPerf Tiny v0.5
 * closed-division reference submission — the figures the simulated boards' cost model is calibrated on
 * (grader/rack/sim/latency-model.ts): STM32 Nucleo-L4R5ZI, Cortex-M4 at 120 MHz, TFLM + CMSIS-NN —
 * measured 181.92 ms, 600.54 ms and 10.052 ms, i.e. 21.83 M, 72.06 M and 1.206 M cycles: 0.834, 1.064
 * and 0.820 cycles per instruction of ours. Their geometric mean, 0.90, is the factor. The estimate
 * then gives 368 / 953 / 20.7 ms at 64 MHz against 341 / 1126 / 18.8 ms scaled from the reference
 * (within ±16%), like the simulated boards' model (±12%). Per model the factor stays fixed, so
 * comparisons between submissions are exact; only the absolute scale is estimated.
 */

export const NANO_CLOCK_MHZ = 64;
export const DEFAULT_CYCLES_PER_INSTRUCTION = 0.9;

/** The calibration points above (instructions of our runtime; published cycles at 120 MHz). */
export const LATENCY_CALIBRATION = [
  { model: 'kws_ref_model', instructions: 26_173_920, publishedMs: 181.92, publishedMHz: 120 },
  { model: 'vww_96_int8', instructions: 67_754_680, publishedMs: 600.54, publishedMHz: 120 },
  { model: 'ad01_int8', instructions: 1_470_480, publishedMs: 10.052, publishedMHz: 120 },
] as const;

export interface VirtualLatency {
  instructionsPerInference: number;
  cyclesPerInstruction: number;
  clockMHz: number;
  /** instructions × cycles per instruction / clock, in ms (rounded to µs). */
  estimatedMs: number;
  /** How the figure was obtained, for reports. */
  basis: string;
}

/**
 * The Nano estimate for an instruction count. `source`: counted exactly by the harness (`x-icount`),
 * or read off a submitted firmware's own µs timestamps, which on the virtual board tick once per
 * 1,000 instructions (QEMU -icount shift=0: 1 ns per instruction).
 */
export function virtualLatency(instructionsPerInference: number, cyclesPerInstruction = DEFAULT_CYCLES_PER_INSTRUCTION, source: 'counted' | 'timestamps' = 'counted'): VirtualLatency {
  const estimatedMs = Math.round((instructionsPerInference * cyclesPerInstruction) / NANO_CLOCK_MHZ) / 1000;
  const how = source === 'counted' ? 'QEMU -icount, deterministic' : "from the firmware's µs timestamps: 1 µs = 1,000 instructions under QEMU -icount";
  return {
    instructionsPerInference,
    cyclesPerInstruction,
    clockMHz: NANO_CLOCK_MHZ,
    estimatedMs,
    basis: `estimated on a virtual board: ${instructionsPerInference.toLocaleString('en-US')} Cortex-M4 instructions per inference (${how}) x ${cyclesPerInstruction} cycles per instruction at ${NANO_CLOCK_MHZ} MHz (calibrated on the MLPerf Tiny reference latencies)`,
  };
}

/** Instructions per inference from a virtual board's µs laps (`m-lap-us-` differences per inference). */
export const instructionsFromVirtualMicros = (us: number): number => Math.round(us * 1000);
