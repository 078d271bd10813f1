/**
 * Integer arithmetic exactly as TensorFlow Lite (Micro) and gemmlowp do it, in JavaScript.
 *
 * The C++ code multiplies int32 values into int64; JavaScript has no int64 in its fast paths, so
 * products are split into pieces that doubles hold exactly (every intermediate here stays below 2^53).
 * Int32 wrap-around where C++ relies on it is reproduced with `| 0` and `Math.imul`.
 *
 * Requantization comes in TFLite's two build variants:
 *  - `single` (TFLITE_SINGLE_ROUNDING=1): one 64-bit multiply and one rounding shift. Desktop TFLite
 *    (and the official runtime that made ../shared/oracle) is built this way, and so is TinyArena's
 *    harness firmware (TFLITE_SINGLE_ROUNDING=1, CMSIS_NN_USE_SINGLE_ROUNDING).
 *  - `double` (the TFLM / CMSIS-NN default): gemmlowp's SaturatingRoundingDoublingHighMul followed by
 *    RoundingDivideByPOT, for boards running stock TFLM builds.
 */

/** Which requantization rounding the target runtime was compiled with. */
export type Rounding = 'single' | 'double';

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;
const TWO_31 = 2147483648;

/**
 * gemmlowp SaturatingRoundingDoublingHighMul: round(a·b / 2^31) with the gemmlowp nudge, truncating
 * division, and saturation of the single overflow case (INT32_MIN · INT32_MIN).
 */
export function saturatingRoundingDoublingHighMul(a: number, b: number): number {
  if (a === INT32_MIN && b === INT32_MIN) return INT32_MAX;
  // a·b = P·2^16 + a·bl with b = bh·2^16 + bl, 0 ≤ bl < 2^16: each part is exact in a double.
  const bh = b >> 16;
  const bl = b & 0xffff;
  const P = a * bh;
  const nudge = (a < 0) !== (b < 0) && a !== 0 && b !== 0 ? 1 - (1 << 30) : 1 << 30;
  const Q = a * bl + nudge;
  // X = a·b + nudge = hi·2^31 + lo with 0 ≤ lo < 2^31.
  const Ph = Math.floor(P / 32768);
  const Pl = P - Ph * 32768;
  const R = Pl * 65536 + Q;
  const Rh = Math.floor(R / TWO_31);
  const lo = R - Rh * TWO_31;
  const hi = Ph + Rh;
  // C++ divides int64 toward zero: for negative X with a remainder, that is floor + 1.
  return (hi < 0 && lo !== 0 ? hi + 1 : hi) | 0;
}

/** gemmlowp RoundingDivideByPOT: x / 2^exponent rounded half away from zero (0 ≤ exponent ≤ 31). */
export function roundingDivideByPOT(x: number, exponent: number): number {
  if (exponent === 0) return x;
  const mask = exponent >= 31 ? 0x7fffffff : (1 << exponent) - 1;
  const remainder = x & mask;
  const threshold = (mask >> 1) + (x < 0 ? 1 : 0);
  return ((x >> exponent) + (remainder > threshold ? 1 : 0)) | 0;
}

/** TFLite MultiplyByQuantizedMultiplier, double-rounding build. */
export function multiplyByQuantizedMultiplierDouble(x: number, quantizedMultiplier: number, shift: number): number {
  const left = shift > 0 ? shift : 0;
  const right = shift > 0 ? 0 : -shift;
  return roundingDivideByPOT(saturatingRoundingDoublingHighMul(left ? Math.imul(x, 1 << left) : x, quantizedMultiplier), right);
}

/**
 * TFLite MultiplyByQuantizedMultiplier, single-rounding build:
 * floor((x·m + 2^(t−1)) / 2^t) with t = 31 − shift, computed exactly without 64-bit integers.
 */
export function multiplyByQuantizedMultiplierSingle(x: number, quantizedMultiplier: number, shift: number): number {
  const t = 31 - shift;
  // x·m = C·2^16 + Bl exactly: m = mh·2^16 + ml, x·ml = Bh·2^16 + Bl.
  const mh = quantizedMultiplier >>> 16;
  const ml = quantizedMultiplier & 0xffff;
  const B = x * ml;
  const Bh = Math.floor(B / 65536);
  const Bl = B - Bh * 65536;
  const C = x * mh + Bh;
  if (t >= 17) {
    // The rounding term 2^(t−1) = 2^(t−17)·2^16 joins C; Bl < 2^16 cannot change the floor.
    return Math.floor((C + 2 ** (t - 17)) / 2 ** (t - 16)) | 0;
  }
  return (C * 2 ** (16 - t) + Math.floor((Bl + 2 ** (t - 1)) / 2 ** t)) | 0;
}

/** The requantization function of a rounding variant (chosen at prepare time, so eval stays monomorphic). */
export function requantizer(rounding: Rounding): (x: number, quantizedMultiplier: number, shift: number) => number {
  return rounding === 'single' ? multiplyByQuantizedMultiplierSingle : multiplyByQuantizedMultiplierDouble;
}

/** TFLite MultiplyByQuantizedMultiplierGreaterThanOne (shift ≥ 0). */
export function multiplyByQuantizedMultiplierGreaterThanOne(x: number, quantizedMultiplier: number, leftShift: number, rounding: Rounding): number {
  if (rounding === 'single') return multiplyByQuantizedMultiplierSingle(x, quantizedMultiplier, leftShift);
  return saturatingRoundingDoublingHighMul(Math.imul(x, 2 ** leftShift | 0), quantizedMultiplier);
}

/** std::frexp: x = fraction · 2^exponent with 0.5 ≤ |fraction| < 1 (x finite, non-zero). */
export function frexp(x: number): [fraction: number, exponent: number] {
  if (x === 0 || !Number.isFinite(x)) return [x, 0];
  let e = Math.max(-1073, Math.floor(Math.log2(Math.abs(x))) + 1);
  let f = x * 2 ** -e;
  // log2 can be off by one near powers of two; fix up exactly (scaling by 2 is exact).
  while (Math.abs(f) < 0.5) {
    f *= 2;
    e--;
  }
  while (Math.abs(f) >= 1) {
    f /= 2;
    e++;
  }
  return [f, e];
}

/** TfLiteRound / std::round: halves away from zero. */
export function roundHalfAwayFromZero(x: number): number {
  return x < 0 ? -Math.round(-x) : Math.round(x);
}

/**
 * TFLite QuantizeMultiplier: a real multiplier as a Q31 significand and a power-of-two shift, so that
 * multiplier ≈ quantizedMultiplier · 2^(shift − 31).
 */
export function quantizeMultiplier(realMultiplier: number, rounding: Rounding): { multiplier: number; shift: number } {
  if (realMultiplier === 0) return { multiplier: 0, shift: 0 };
  const [q, e] = frexp(realMultiplier);
  let shift = e;
  let qFixed = roundHalfAwayFromZero(q * TWO_31);
  if (qFixed === TWO_31) {
    qFixed /= 2;
    shift++;
  }
  if (shift < -31) return { multiplier: 0, shift: 0 };
  // The single-rounding multiply cannot shift left by more than 30: saturate.
  if (rounding === 'single' && shift > 30) return { multiplier: 0x7fffffff, shift: 30 };
  return { multiplier: qFixed | 0, shift };
}

// ───────────────────────── gemmlowp fixed-point (int32 raw values) ─────────────────────────

/** gemmlowp SaturatingRoundingMultiplyByPOT<exponent>. */
export function saturatingRoundingMultiplyByPOT(x: number, exponent: number): number {
  if (exponent === 0) return x;
  if (exponent < 0) return roundingDivideByPOT(x, -exponent);
  const threshold = (1 << (31 - exponent)) - 1;
  if (x > threshold) return INT32_MAX;
  if (x < -threshold) return INT32_MIN;
  return x << exponent;
}

/** gemmlowp Rescale<dstIntegerBits>(FixedPoint<srcIntegerBits>). */
export function rescale(x: number, srcIntegerBits: number, dstIntegerBits: number): number {
  return saturatingRoundingMultiplyByPOT(x, srcIntegerBits - dstIntegerBits);
}

/** gemmlowp RoundingHalfSum for int32 (the sum is formed in 64 bits: exact in a double). */
export function roundingHalfSum(a: number, b: number): number {
  const sum = a + b;
  return Math.trunc((sum + (sum >= 0 ? 1 : -1)) / 2) | 0;
}

const mul = saturatingRoundingDoublingHighMul;

/** exp(a) for a in [−1/4, 0), Q0.31 in and out. */
function expOnIntervalBetweenNegativeOneQuarterAnd0Excl(a: number): number {
  const constantTerm = 1895147668; // exp(-1/8)
  const constantOneThird = 715827883; // 1/3
  const x = (a + (1 << 28)) | 0; // + 1/8
  const x2 = mul(x, x);
  const x3 = mul(x2, x);
  const x4 = mul(x2, x2);
  const x4Over4 = saturatingRoundingMultiplyByPOT(x4, -2);
  const poly = saturatingRoundingMultiplyByPOT((mul((x4Over4 + x3) | 0, constantOneThird) + x2) | 0, -1);
  return (constantTerm + mul(constantTerm, (x + poly) | 0)) | 0;
}

const EXP_BARREL: readonly [exponent: number, multiplier: number][] = [
  [-2, 1672461947], // exp(-1/4)
  [-1, 1302514674], // exp(-1/2)
  [0, 790015084], // exp(-1)
  [1, 290630308], // exp(-2)
  [2, 39332535], // exp(-4)
  [3, 720401], // exp(-8)
  [4, 242], // exp(-16)
];

/** gemmlowp exp_on_negative_values: a is Q(integerBits).(31−integerBits) ≤ 0, result Q0.31. */
export function expOnNegativeValues(a: number, integerBits: number): number {
  const fractionalBits = 31 - integerBits;
  const oneQuarter = 1 << (fractionalBits - 2);
  const mask = oneQuarter - 1;
  const aModQuarterMinusOneQuarter = ((a & mask) - oneQuarter) | 0;
  let result = expOnIntervalBetweenNegativeOneQuarterAnd0Excl(rescale(aModQuarterMinusOneQuarter, integerBits, 0));
  const remainder = (aModQuarterMinusOneQuarter - a) | 0;
  for (const [exponent, multiplier] of EXP_BARREL) {
    if (integerBits > exponent && remainder & (1 << (fractionalBits + exponent))) result = mul(result, multiplier);
  }
  if (integerBits > 5 && a < -(1 << (36 - integerBits))) result = 0;
  return a === 0 ? INT32_MAX : result;
}

/** gemmlowp one_over_one_plus_x_for_x_in_0_1: Q0.31 in and out (Newton–Raphson, 3 steps). */
export function oneOverOnePlusXForXIn01(a: number): number {
  const halfDenominator = roundingHalfSum(a, INT32_MAX);
  const c48Over17 = 1515870810; // Q2.29
  const cNeg32Over17 = -1010580540; // Q2.29
  const oneQ2 = 1 << 29;
  let x = (c48Over17 + mul(halfDenominator, cNeg32Over17)) | 0;
  for (let i = 0; i < 3; i++) {
    const halfDenominatorTimesX = mul(halfDenominator, x);
    const oneMinus = (oneQ2 - halfDenominatorTimesX) | 0;
    x = (x + rescale(mul(x, oneMinus), 4, 2)) | 0;
  }
  // ExactMulByPot<-1> (Q2 → Q1, same raw), then Rescale<0> from Q1.
  return rescale(x, 1, 0);
}

/** TFLite GetReciprocal: 1/x for x in Q(xIntegerDigits), as a Q0.31 scale plus the bits above one. */
export function getReciprocal(x: number, xIntegerDigits: number): { scale: number; numBitsOverUnit: number } {
  const headroomPlusOne = Math.clz32(x);
  const numBitsOverUnit = xIntegerDigits - headroomPlusOne;
  const shiftedSumMinusOne = ((headroomPlusOne >= 32 ? 0 : x << headroomPlusOne) - TWO_31) | 0;
  return { scale: oneOverOnePlusXForXIn01(shiftedSumMinusOne), numBitsOverUnit };
}

/**
 * Per-channel requantization with everything that does not depend on the accumulator precomputed
 * (prepare time), for the hot loops. `apply(acc, channel)` equals
 * MultiplyByQuantizedMultiplier(acc, multipliers[c], shifts[c]) of the chosen rounding.
 */
export function channelRequantizer(rounding: Rounding, multipliers: Int32Array, shifts: Int32Array): (acc: number, channel: number) => number {
  const n = multipliers.length;
  if (rounding === 'double') {
    // SaturatingRoundingDoublingHighMul with a non-negative constant multiplier m = mh·2^16 + ml, then
    // RoundingDivideByPOT: the steps of the functions above with m's split done once.
    const dmh = new Float64Array(n);
    const dml = new Float64Array(n);
    const left = new Int32Array(n);
    const right = new Int32Array(n);
    for (let c = 0; c < n; c++) {
      dmh[c] = multipliers[c]! >> 16;
      dml[c] = multipliers[c]! & 0xffff;
      left[c] = shifts[c]! > 0 ? 2 ** shifts[c]! : 1;
      right[c] = shifts[c]! > 0 ? 0 : -shifts[c]!;
      if (multipliers[c]! < 0 || right[c]! > 30) return (acc, ch) => multiplyByQuantizedMultiplierDouble(acc, multipliers[ch]!, shifts[ch]!);
    }
    return (acc, c) => {
      const a = left[c] === 1 ? acc : Math.imul(acc, left[c]!);
      if (a === -2147483648 && dmh[c] === -32768 && dml[c] === 0) return roundingDivideByPOT(2147483647, right[c]!);
      const P = a * dmh[c]!;
      const Q = a * dml[c]! + (a < 0 && (dmh[c] !== 0 || dml[c] !== 0) ? 1 - (1 << 30) : 1 << 30);
      const Ph = Math.floor(P * 0.000030517578125);
      const R = (P - Ph * 32768) * 65536 + Q;
      const Rh = Math.floor(R * 4.656612873077393e-10);
      const lo = R - Rh * 2147483648;
      const hi = Ph + Rh;
      const high = (hi < 0 && lo !== 0 ? hi + 1 : hi) | 0;
      const e = right[c]!;
      if (e === 0) return high;
      const mask = (1 << e) - 1;
      return ((high >> e) + ((high & mask) > (mask >> 1) + (high < 0 ? 1 : 0) ? 1 : 0)) | 0;
    };
  }
  const mh = new Float64Array(n);
  const ml = new Float64Array(n);
  const half = new Float64Array(n);
  const inv = new Float64Array(n);
  let allWide = true;
  for (let c = 0; c < n; c++) {
    const t = 31 - shifts[c]!;
    mh[c] = multipliers[c]! >>> 16;
    ml[c] = multipliers[c]! & 0xffff;
    if (t < 17) allWide = false;
    half[c] = t >= 17 ? 2 ** (t - 17) : 0;
    inv[c] = t >= 17 ? 2 ** -(t - 16) : 0;
  }
  if (!allWide) return (acc, c) => multiplyByQuantizedMultiplierSingle(acc, multipliers[c]!, shifts[c]!);
  // Same steps as multiplyByQuantizedMultiplierSingle's t ≥ 17 branch; multiplying by an exact
  // power of two equals the division there.
  return (acc, c) => {
    const B = acc * ml[c]!;
    const Bh = Math.floor(B * 0.0000152587890625);
    return Math.floor((acc * mh[c]! + Bh + half[c]!) * inv[c]!) | 0;
  };
}
