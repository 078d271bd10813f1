/*
 * The non-inline fixed-point helpers: QuantizeMultiplier and gemmlowp's exp / reciprocal, as
 * grader/interpreter/fixed-point.ts computes them.
 */
#include "ta_internal.h"

void ta_quantize_multiplier(double real, ta_rounding r, int32_t* m, int* shift) {
  *m = 0;
  *shift = 0;
  if (real == 0 || !isfinite(real)) return;
  int e = 0;
  double q = frexp(real, &e);
  double fixed = ta_round(q * 2147483648.0);
  if (fixed == 2147483648.0) {
    fixed /= 2;
    e++;
  }
  if (e < -31) return;
  if (r == TA_SINGLE && e > 30) {
    *m = 0x7fffffff;
    *shift = 30;
    return;
  }
  *m = (int32_t)fixed;
  *shift = e;
}

int32_t ta_sat_rounding_mul_pot(int32_t x, int exponent) {
  if (exponent == 0) return x;
  if (exponent < 0) return ta_rdbpot(x, -exponent);
  int32_t threshold = (int32_t)((1u << (31 - exponent)) - 1);
  if (x > threshold) return TA_INT32_MAX;
  if (x < -threshold) return TA_INT32_MIN;
  return (int32_t)((uint32_t)x << exponent);
}

int32_t ta_rounding_half_sum(int32_t a, int32_t b) {
  int64_t sum = (int64_t)a + b;
  int64_t sign = sum >= 0 ? 1 : -1;
  return (int32_t)((sum + sign) / 2);
}

/** exp(a) for a in [−1/4, 0), Q0.31 in and out. */
static int32_t exp_on_interval(int32_t a) {
  const int32_t constant_term = 1895147668; /* exp(-1/8) */
  const int32_t constant_one_third = 715827883;
  int32_t x = a + (1 << 28);
  int32_t x2 = ta_srdhm(x, x);
  int32_t x3 = ta_srdhm(x2, x);
  int32_t x4 = ta_srdhm(x2, x2);
  int32_t x4_over_4 = ta_sat_rounding_mul_pot(x4, -2);
  int32_t poly = ta_sat_rounding_mul_pot(ta_srdhm(x4_over_4 + x3, constant_one_third) + x2, -1);
  return constant_term + ta_srdhm(constant_term, x + poly);
}

int32_t ta_exp_on_negative_values(int32_t a, int integer_bits) {
  static const int32_t barrel[7][2] = {
      {-2, 1672461947}, /* exp(-1/4) */
      {-1, 1302514674}, /* exp(-1/2) */
      {0, 790015084},   /* exp(-1) */
      {1, 290630308},   /* exp(-2) */
      {2, 39332535},    /* exp(-4) */
      {3, 720401},      /* exp(-8) */
      {4, 242},         /* exp(-16) */
  };
  int fractional_bits = 31 - integer_bits;
  int32_t one_quarter = (int32_t)(1u << (fractional_bits - 2));
  int32_t mask = one_quarter - 1;
  int32_t a_mod_quarter_minus_one_quarter = (a & mask) - one_quarter;
  int32_t result = exp_on_interval(ta_rescale(a_mod_quarter_minus_one_quarter, integer_bits, 0));
  int32_t remainder = a_mod_quarter_minus_one_quarter - a;
  for (int k = 0; k < 7; k++) {
    int exponent = barrel[k][0];
    if (integer_bits > exponent && (remainder & (int32_t)(1u << ((fractional_bits + exponent) & 31)))) result = ta_srdhm(result, barrel[k][1]);
  }
  if (integer_bits > 5 && a < -(int32_t)(1u << ((36 - integer_bits) & 31))) result = 0;
  return a == 0 ? TA_INT32_MAX : result;
}

int32_t ta_one_over_one_plus_x_for_x_in_01(int32_t a) {
  int32_t half_denominator = ta_rounding_half_sum(a, TA_INT32_MAX);
  const int32_t c48_over_17 = 1515870810;
  const int32_t c_neg32_over_17 = -1010580540;
  const int32_t one_q2 = 1 << 29;
  int32_t x = c48_over_17 + ta_srdhm(half_denominator, c_neg32_over_17);
  for (int i = 0; i < 3; i++) {
    int32_t half_denominator_times_x = ta_srdhm(half_denominator, x);
    int32_t one_minus = one_q2 - half_denominator_times_x;
    x = x + ta_rescale(ta_srdhm(x, one_minus), 4, 2);
  }
  return ta_rescale(x, 1, 0);
}
