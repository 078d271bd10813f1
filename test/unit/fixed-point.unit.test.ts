/**
 * The fixed-point helpers against straightforward BigInt transcriptions of the C++ originals, on
 * edge values and on 200,000 seeded random inputs.
 */
import { describe, expect, it } from 'vitest';
import {
  frexp,
  getReciprocal,
  multiplyByQuantizedMultiplierDouble,
  multiplyByQuantizedMultiplierSingle,
  quantizeMultiplier,
  roundingDivideByPOT,
  saturatingRoundingDoublingHighMul,
} from '../../grader/interpreter/fixed-point.js';
import { mulberry32 } from '../../lib/rng.js';

/** C++ int64 division truncates toward zero, as BigInt division does. */
function refSrdhm(a: number, b: number): number {
  if (a === -2147483648 && b === -2147483648) return 2147483647;
  const ab = BigInt(a) * BigInt(b);
  const nudge = ab >= 0n ? 1n << 30n : 1n - (1n << 30n);
  return Number((ab + nudge) / (1n << 31n));
}
function refRdbp(x: number, e: number): number {
  const mask = (1n << BigInt(e)) - 1n;
  const X = BigInt(x);
  const rem = X & mask;
  const threshold = (mask >> 1n) + (X < 0n ? 1n : 0n);
  return Number((X >> BigInt(e)) + (rem > threshold ? 1n : 0n));
}
function refSingle(x: number, m: number, shift: number): number {
  const total = 31n - BigInt(shift);
  return Number((BigInt(x) * BigInt(m) + (1n << (total - 1n))) >> total);
}
function refDouble(x: number, m: number, shift: number): number {
  const left = shift > 0 ? shift : 0;
  const right = shift > 0 ? 0 : -shift;
  let xl = BigInt(x) << BigInt(left);
  xl = BigInt.asIntN(32, xl); // C++ int32 multiply wraps
  return refRdbp(refSrdhm(Number(xl), m), right);
}

const rng = mulberry32;

const EDGES = [0, 1, -1, 2, -2, 127, -128, 255, 1 << 15, -(1 << 15), 1 << 30, -(1 << 30), 2147483647, -2147483648, 2147483646, -2147483647];

// Hundreds of thousands of BigInt cases per test: generous time on a loaded machine.
describe('fixed-point helpers match the C++ arithmetic', { timeout: 60_000 }, () => {
  it('SaturatingRoundingDoublingHighMul', () => {
    for (const a of EDGES) for (const b of EDGES) expect(saturatingRoundingDoublingHighMul(a, b), `${a}·${b}`).toBe(refSrdhm(a, b));
    const r = rng(1);
    for (let i = 0; i < 200_000; i++) {
      const a = r() | 0;
      const b = i % 2 ? r() | 0 : (r() >>> 1) | 0;
      expect(saturatingRoundingDoublingHighMul(a, b)).toBe(refSrdhm(a, b));
    }
  });

  it('RoundingDivideByPOT for every exponent', () => {
    const r = rng(2);
    for (let e = 0; e <= 31; e++) {
      for (const x of EDGES) expect(roundingDivideByPOT(x, e), `${x}>>${e}`).toBe(refRdbp(x, e));
      for (let i = 0; i < 3000; i++) {
        const x = r() | 0;
        expect(roundingDivideByPOT(x, e)).toBe(refRdbp(x, e));
      }
    }
  });

  it('MultiplyByQuantizedMultiplier, single and double rounding', () => {
    const r = rng(3);
    for (let i = 0; i < 200_000; i++) {
      // Accumulator-sized x and realistic multipliers/shifts, plus the extremes now and then.
      const x = i % 10 === 0 ? r() | 0 : (r() | 0) >> (r() % 16);
      const m = (1 << 30) + (r() % (1 << 30));
      const shift = (r() % 40) - 31;
      const s = Math.min(shift, 30);
      expect(multiplyByQuantizedMultiplierSingle(x, m, s), `single ${x} ${m} ${s}`).toBe(Number(BigInt.asIntN(32, BigInt(refSingle(x, m, s)))));
      if (s <= 0 || Math.abs(x) < 2 ** (30 - s)) expect(multiplyByQuantizedMultiplierDouble(x, m, s), `double ${x} ${m} ${s}`).toBe(refDouble(x, m, s));
    }
  });

  it('the two roundings really differ (why arithmetic profiles exist)', () => {
    // 3·2^30 / 2^32 = 0.75 → both 1; but at exact halves after a first rounding they part ways.
    let differ = 0;
    const r = rng(4);
    for (let i = 0; i < 10_000; i++) {
      const x = (r() | 0) >> 12;
      const m = (1 << 30) + (r() % (1 << 30));
      if (multiplyByQuantizedMultiplierSingle(x, m, -8) !== multiplyByQuantizedMultiplierDouble(x, m, -8)) differ++;
    }
    expect(differ).toBeGreaterThan(0);
    expect(differ).toBeLessThan(200);
  });

  it('QuantizeMultiplier as TFLite computes it', () => {
    expect(quantizeMultiplier(0.5, 'double')).toEqual({ multiplier: 1 << 30, shift: 0 });
    expect(quantizeMultiplier(1, 'double')).toEqual({ multiplier: 1 << 30, shift: 1 });
    expect(quantizeMultiplier(0.75, 'double')).toEqual({ multiplier: 3 << 29, shift: 0 });
    expect(quantizeMultiplier(0, 'single')).toEqual({ multiplier: 0, shift: 0 });
    expect(quantizeMultiplier(2 ** -40, 'single')).toEqual({ multiplier: 0, shift: 0 });
    // Rounds up to 2^31: halved, shift bumped.
    expect(quantizeMultiplier(1 - 2 ** -40, 'double')).toEqual({ multiplier: 1 << 30, shift: 1 });
    // Single rounding saturates shifts above 30.
    expect(quantizeMultiplier(2 ** 35, 'single')).toEqual({ multiplier: 0x7fffffff, shift: 30 });
    expect(quantizeMultiplier(2 ** 35, 'double')).toEqual({ multiplier: 1 << 30, shift: 36 });
    const { multiplier, shift } = quantizeMultiplier(0.0039215686, 'double');
    expect(multiplier * 2 ** (shift - 31)).toBeCloseTo(0.0039215686, 9);
  });

  it('frexp splits exactly', () => {
    for (const x of [1, 0.5, 3, 1e-30, 123456.789, 2 ** -1022, 0.1]) {
      const [f, e] = frexp(x);
      expect(f).toBeGreaterThanOrEqual(0.5);
      expect(f).toBeLessThan(1);
      expect(f * 2 ** e).toBe(x);
    }
  });

  it('GetReciprocal approximates 1/x', () => {
    // x = 3.0 in Q12.19 → 1/3 ≈ scale·2^-(numBitsOverUnit)
    const x = 3 * 2 ** 19;
    const { scale, numBitsOverUnit } = getReciprocal(x, 12);
    expect((scale / 2 ** 31) * 2 ** -numBitsOverUnit).toBeCloseTo(1 / 3, 6);
  });
});
