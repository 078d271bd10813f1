/*
 * Element-wise int8 activations as TensorFlow Lite Micro computes them: RELU, RELU6, LEAKY_RELU,
 * LOGISTIC, TANH, HARD_SWISH (grader/interpreter/kernels/relu.ts … hard-swish.ts). Except RELU6, the
 * output depends on the input byte only, so prepare evaluates the exact arithmetic for all 256 inputs
 * and eval is a table lookup.
 */
#include "ta_internal.h"

typedef struct {
  const int8_t* x;
  int8_t* y;
  int32_t n;
  int8_t table[256];
} lookup_data;

static void eval_lookup(const ta_node* node) {
  const lookup_data* d = (const lookup_data*)node->data;
  for (int32_t i = 0; i < d->n; i++) d->y[i] = d->table[d->x[i] + 128];
}

/** Common checks of the unary int8 kernels; the input's scale and zero point. */
static int unary_int8(ta_prep* p, ta_tensor** input, ta_tensor** output, float* si, int64_t* zi) {
  *input = ta_in(p, 0);
  *output = *input ? ta_out(p, 0) : NULL;
  if (!*output) return -1;
  if ((*input)->type != TA_INT8 || (*output)->type != TA_INT8) return ta_refuse(p, "only int8 -> int8 is supported");
  if ((*input)->elements != (*output)->elements) return ta_refuse(p, "input and output sizes differ");
  return ta_scale_zp(p, *input, si, zi);
}

int ta_prep_lookup(ta_prep* p, const int8_t table[256]) {
  lookup_data* d = (lookup_data*)ta_alloc(p->it, sizeof(lookup_data));
  if (!d) return -1;
  d->x = (const int8_t*)p->it->tensors[p->node->inputs[0]].data;
  d->y = (int8_t*)p->it->tensors[p->node->outputs[0]].data;
  d->n = p->it->tensors[p->node->outputs[0]].elements;
  memcpy(d->table, table, 256);
  p->node->data = d;
  p->node->eval = eval_lookup;
  return 0;
}

/* ───────────────────────── RELU ───────────────────────── */

int ta_prep_relu(ta_prep* p) {
  ta_tensor *input, *output;
  float si, so;
  int64_t zi, zo;
  if (unary_int8(p, &input, &output, &si, &zi) != 0 || ta_scale_zp(p, output, &so, &zo) != 0) return -1;
  if (!isfinite(si / so)) return ta_refuse(p, "scales must be positive and finite");
  /* real_multiplier = double(input_scale / output_scale): a float32 division. */
  int32_t m;
  int shift;
  ta_quantize_multiplier((double)(si / so), p->rounding, &m, &shift);
  if (ta_check_shift(p, shift) != 0) return -1;
  int32_t act_min = zo > -128 ? (int32_t)zo : -128;
  int8_t table[256];
  for (int32_t v = -128; v <= 127; v++) {
    int32_t r = (int32_t)zo + ta_mbqm(p->rounding, v - (int32_t)zi, m, shift);
    if (r < act_min) r = act_min;
    table[v + 128] = (int8_t)(r > 127 ? 127 : r);
  }
  return ta_prep_lookup(p, table);
}

/* ───────────────────────── RELU6 ───────────────────────── */

typedef struct {
  const int8_t* x;
  int8_t* y;
  int32_t n, zero, six;
} relu6_data;

static void eval_relu6(const ta_node* node) {
  const relu6_data* d = (const relu6_data*)node->data;
  for (int32_t i = 0; i < d->n; i++) {
    int32_t v = d->x[i];
    d->y[i] = (int8_t)(v > d->six ? d->six : v < d->zero ? d->zero : v);
  }
}

int ta_prep_relu6(ta_prep* p) {
  ta_tensor *input, *output;
  float si;
  int64_t zi;
  if (unary_int8(p, &input, &output, &si, &zi) != 0) return -1;
  /* TFLM clamps the raw input to [zp, zp + round(6 / s)] and ignores the output's parameters. */
  double rounded = ta_round((double)(6.0f / si));
  if (rounded >= 2147483648.0) return ta_refuse(p, "input scale is too small for RELU6");
  double six = rounded + (double)zi;
  relu6_data* d = (relu6_data*)ta_alloc(p->it, sizeof(relu6_data));
  if (!d) return -1;
  d->x = (const int8_t*)input->data;
  d->y = (int8_t*)output->data;
  d->n = output->elements;
  d->zero = (int32_t)zi;
  d->six = six > 127 ? 127 : six < -128 ? -128 : (int32_t)six;
  p->node->data = d;
  p->node->eval = eval_relu6;
  return 0;
}

/* ───────────────────────── LEAKY_RELU ───────────────────────── */

int ta_prep_leaky_relu(ta_prep* p) {
  /* Absent options leave TFLite's zero-initialized params: alpha = 0. */
  if (p->node->options_pos != 0 && p->node->options_type != TA_OPT_LEAKY_RELU) return ta_refuse(p, "expected LeakyReluOptions");
  uint32_t opts = ta_options(p, TA_OPT_LEAKY_RELU);
  float alpha = opts ? ta_opt_f32(p, opts, 0, 0.0f) : 0.0f;
  ta_tensor *input, *output;
  float si, so;
  int64_t zi, zo;
  if (unary_int8(p, &input, &output, &si, &zi) != 0 || ta_scale_zp(p, output, &so, &zo) != 0) return -1;
  if (!isfinite(si / so)) return ta_refuse(p, "scales must be positive and finite");
  float alpha_real = (si * alpha) / so;
  if (!isfinite(alpha_real)) return ta_refuse(p, "alpha multiplier is not finite");
  int32_t am, im;
  int ashift, ishift;
  ta_quantize_multiplier((double)alpha_real, p->rounding, &am, &ashift);
  ta_quantize_multiplier((double)(si / so), p->rounding, &im, &ishift);
  if (ta_check_shift(p, ashift) != 0 || ta_check_shift(p, ishift) != 0) return -1;
  if (am == TA_INT32_MIN) return ta_refuse(p, "alpha multiplier out of range");
  int negative = am < 0;
  int32_t safe = negative ? -am : am;
  int8_t table[256];
  for (int32_t v = -128; v <= 127; v++) {
    int32_t dlt = v - (int32_t)zi;
    int32_t r = (int32_t)zo;
    if (dlt >= 0) {
      r += ta_mbqm(p->rounding, dlt, im, ishift);
    } else {
      int32_t scaled = ta_mbqm(p->rounding, dlt, safe, ashift);
      r += negative ? -scaled : scaled;
    }
    table[v + 128] = (int8_t)ta_clamp(r, -128, 127);
  }
  return ta_prep_lookup(p, table);
}

/* ───────────────────────── LOGISTIC / TANH ───────────────────────── */

#define INPUT_INTEGER_BITS 4

/**
 * The int8 input scaling shared by LOGISTIC and TANH: multiplier = round(frexp(s_in · 2^27) · 2^31)
 * (no 2^31 fix-up), and CalculateInputRadius(4, left_shift, 31) = floor(15 · 2^27 / 2^left_shift).
 */
static int q4_input_params(ta_prep* p, float si, int32_t* multiplier, int* left_shift, double* radius) {
  int e = 0;
  double q = frexp((double)si * 134217728.0, &e);
  if (e < 0 || e > 62) return ta_refuse(p, "input scale %g is out of range", (double)si);
  double m = ta_round(q * 2147483648.0);
  if (m >= 2147483648.0) return ta_refuse(p, "input multiplier overflows int32");
  *multiplier = (int32_t)m;
  *left_shift = e;
  *radius = floor(15.0 * 134217728.0 / ldexp(1.0, e));
  return 0;
}

/** Requantization with a left shift of up to 62 (never reached beyond the radius: see the callers). */
static int32_t q4_scale(ta_rounding r, int32_t x, int32_t m, int left_shift) { return ta_mbqm(r, x, m, left_shift); }

static int32_t logistic_q4(int32_t a) {
  if (a == 0) return 1 << 30;
  int32_t abs = a > 0 ? a : -a;
  int32_t positive = ta_one_over_one_plus_x_for_x_in_01(ta_exp_on_negative_values(-abs, INPUT_INTEGER_BITS));
  return a > 0 ? positive : TA_INT32_MAX - positive;
}

int ta_prep_logistic(ta_prep* p) {
  ta_tensor *input, *output;
  float si, so;
  int64_t zi, zo;
  if (unary_int8(p, &input, &output, &si, &zi) != 0 || ta_scale_zp(p, output, &so, &zo) != 0) return -1;
  if (zo != -128) return ta_refuse(p, "int8 logistic output must have zero point -128");
  int32_t m;
  int left;
  double radius;
  if (q4_input_params(p, si, &m, &left, &radius) != 0) return -1;
  int8_t table[256];
  for (int32_t v = -128; v <= 127; v++) {
    int32_t in = v - (int32_t)zi;
    int32_t out;
    if (in <= -radius) {
      out = -128;
    } else if (in >= radius) {
      out = 127;
    } else {
      out = ta_rdbpot(logistic_q4(q4_scale(p->rounding, in, m, left)), 31 - 8) - 128;
      out = ta_clamp(out, -128, 127);
    }
    table[v + 128] = (int8_t)out;
  }
  return ta_prep_lookup(p, table);
}

/** gemmlowp one_minus_x_over_one_plus_x_for_x_in_0_1 (Q0.31). */
static int32_t one_minus_x_over_one_plus_x(int32_t a) {
  int32_t half_denominator = ta_rounding_half_sum(a, TA_INT32_MAX);
  const int32_t c48_over_17 = 1515870810, c_neg32_over_17 = -1010580540, one_q2 = 1 << 29;
  int32_t x = c48_over_17 + ta_srdhm(half_denominator, c_neg32_over_17);
  for (int i = 0; i < 3; i++) {
    int32_t one_minus = one_q2 - ta_srdhm(half_denominator, x);
    x = x + ta_rescale(ta_srdhm(x, one_minus), 4, 2);
  }
  return ta_rescale(x - one_q2, 2, 0);
}

static int32_t tanh_q4(int32_t a) {
  if (a == 0) return 0;
  int32_t n = a < 0 ? a : -a;
  int32_t t = one_minus_x_over_one_plus_x(ta_exp_on_negative_values(n, 5));
  return a < 0 ? -t : t;
}

int ta_prep_tanh(ta_prep* p) {
  ta_tensor *input, *output;
  float si;
  int64_t zi;
  /* TFLM does not consult the output's quantization: the kernel writes 2^-7 steps around zero. */
  if (unary_int8(p, &input, &output, &si, &zi) != 0) return -1;
  int32_t m;
  int left;
  double radius;
  if (q4_input_params(p, si, &m, &left, &radius) != 0) return -1;
  int8_t table[256];
  for (int32_t v = -128; v <= 127; v++) {
    int32_t in = v - (int32_t)zi;
    int32_t out;
    if (in <= -radius) {
      out = -128;
    } else if (in >= radius) {
      out = 127;
    } else {
      out = ta_clamp(ta_rdbpot(tanh_q4(q4_scale(p->rounding, in, m, left)), 31 - 7), -128, 127);
    }
    table[v + 128] = (int8_t)out;
  }
  return ta_prep_lookup(p, table);
}

/* ───────────────────────── HARD_SWISH (16-bit fixed point) ───────────────────────── */

static inline int32_t to_i16(int32_t x) { return (int16_t)(uint16_t)(uint32_t)x; }

/** DownScaleInt32ToInt16Multiplier (multiplier ≥ 0). */
static int32_t downscale_to_i16(int32_t m) {
  if (m >= TA_INT32_MAX - (1 << 15)) return 32767;
  return (m + (1 << 15)) >> 16;
}

/** SaturatingRoundingDoublingHighMul<int16_t>. */
static int32_t srdhm16(int32_t a, int32_t b) {
  if (a == -32768 && b == -32768) return 32767;
  int32_t ab = a * b;
  int32_t nudge = ab >= 0 ? 1 << 14 : 1 - (1 << 14);
  return to_i16((ab + nudge) / 32768);
}

/** SaturatingDoublingHighMul: like srdhm16 but truncating. */
static int32_t sdhm16(int32_t a, int32_t b) {
  if (a == -32768 && b == -32768) return 32767;
  return to_i16((a * b) / 32768);
}

/** RoundingDivideByPOT<int16_t> (0 ≤ exponent ≤ 31), with its mask narrowing to 16 bits. */
static int32_t rdbpot16(int32_t x, int exponent) {
  int32_t mask = exponent >= 16 ? -1 : (1 << exponent) - 1;
  int32_t remainder = x & mask;
  int32_t threshold = to_i16((mask >> 1) + (x < 0 ? 1 : 0));
  return to_i16((x >> (exponent & 31)) + (remainder > threshold ? 1 : 0));
}

static int32_t saturating_left_shift16(int32_t v, int amount) {
  int64_t r = (int64_t)v * ((int64_t)1 << amount);
  return r > 32767 ? 32767 : r < -32768 ? -32768 : (int32_t)r;
}

int ta_prep_hard_swish(ta_prep* p) {
  ta_tensor *input, *output;
  float si, so;
  int64_t zi, zo;
  if (unary_int8(p, &input, &output, &si, &zi) != 0 || ta_scale_zp(p, output, &so, &zo) != 0) return -1;
  /* All in float32: hires_input_scale = (1/128) · s_in, reluish_scale = 3/32768. */
  float hires_input_scale = (1.0f / 128.0f) * si;
  float reluish_scale = 3.0f / 32768.0f;
  int32_t om, rm;
  int oshift, rshift;
  ta_quantize_multiplier((double)(hires_input_scale / so), p->rounding, &om, &oshift);
  if (oshift > 0) return ta_refuse(p, "hard swish output multiplier must be below one");
  ta_quantize_multiplier((double)(hires_input_scale / reluish_scale), p->rounding, &rm, &rshift);
  if (rshift > 31) return ta_refuse(p, "hard swish input scale is too large");
  int32_t output_multiplier = downscale_to_i16(om), reluish_multiplier = downscale_to_i16(rm);
  int8_t table[256];
  for (int32_t v = -128; v <= 127; v++) {
    int32_t input_value = to_i16(v - (int32_t)zi);
    int32_t hires = to_i16(input_value * 128);
    int32_t preshift_output = srdhm16(hires, output_multiplier);
    int32_t reluish = hires;
    if (rshift > 0) reluish = saturating_left_shift16(reluish, rshift - 1);
    reluish = srdhm16(reluish, reluish_multiplier);
    if (rshift > 0) reluish = saturating_left_shift16(reluish, 1);
    if (rshift < 0) reluish = rdbpot16(reluish, -rshift);
    reluish = to_i16((reluish + (1 << 15)) >> 1);
    int32_t preshift_output_value = sdhm16(reluish, preshift_output);
    int32_t out = rdbpot16(preshift_output_value, -oshift);
    out = to_i16(out + (int32_t)zo);
    table[v + 128] = (int8_t)ta_clamp(out, -128, 127);
  }
  return ta_prep_lookup(p, table);
}
