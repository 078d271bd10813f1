/** The simulated board's Cortex-M4 latency model against its calibration points. */
import { describe, expect, it } from 'vitest';
import { parseModel } from '../../grader/tflite/parse.js';
import { estimateLatency } from '../../grader/validate/latency-model.js';
import { seededUniform } from '../../lib/rng.js';
import { faultFor, mangle } from '../../grader/rack/sim/faults.js';
import { HAVE_SHARED_MODELS, sharedModel } from '../helpers/shared.js';

// MLPerf Tiny v0.5 reference (Cortex-M4 @ 120 MHz) scaled to 64 MHz by clock ratio.
// mlcommons/tiny_results_v0.5, closed/reference/results/Nucleo-L4R5ZI/*/performance/results.txt (120 MHz).
const REFERENCE_MS = { kws_ref_model: 181.92 * (120 / 64), vww_96_int8: 600.54 * (120 / 64), ad01_int8: 10.052 * (120 / 64) };

describe('Cortex-M4 latency model', () => {
  it.skipIf(!HAVE_SHARED_MODELS)('is within ±12% of the scaled MLPerf Tiny reference latencies', () => {
    for (const [name, ms] of Object.entries(REFERENCE_MS)) {
      const est = estimateLatency(parseModel(sharedModel(name))).us / 1000;
      expect(Math.abs(est - ms) / ms, `${name}: model ${est.toFixed(1)} ms vs reference ${ms.toFixed(1)} ms`).toBeLessThan(0.12);
    }
  });
});

describe('fault injection', () => {
  it('triggers after the configured command and mangles reproducibly', () => {
    const faults = [{ kind: 'garble' as const, afterCommands: 3, rate: 0.5 }, { kind: 'reboot' as const, afterCommands: 5, rate: 0 }];
    expect(faultFor(faults, 2)).toEqual({ kind: 'none' });
    expect(faultFor(faults, 3)).toEqual({ kind: 'mangle', garble: 0.5, drop: 0 });
    expect(faultFor(faults, 5)).toEqual({ kind: 'reboot' });
    expect(faultFor([{ kind: 'hang', afterCommands: 1, rate: 0 }], 9)).toEqual({ kind: 'hang' });
    const a = mangle('m-ready\r\n', { garble: 0.5, drop: 0 }, seededUniform(3));
    expect(a).toBe(mangle('m-ready\r\n', { garble: 0.5, drop: 0 }, seededUniform(3)));
    expect(a).not.toBe('m-ready\r\n');
  });
});
