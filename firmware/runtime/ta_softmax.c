/*
 * SOFTMAX int8 → int8 as TensorFlow Lite Micro computes it: gemmlowp fixed-point exp and reciprocal
 * (reference_ops::Softmax), grader/interpreter/kernels/softmax.ts.
 */
#include "ta_internal.h"

#define SCALED_DIFF_INTEGER_BITS 5
#define ACCUMULATION_INTEGER_BITS 12

typedef struct {
  const int8_t* x;
  int8_t* y;
  int32_t* exps;
  int32_t rows, depth;
  int32_t multiplier, left_shift, diff_min;
  ta_rounding rounding;
} softmax_data;

/** MultiplyByQuantizedMultiplierGreaterThanOne (left shift ≥ 0). */
static inline int32_t mul_greater_than_one(int32_t x, int32_t m, int left_shift, ta_rounding r) {
  if (r == TA_SINGLE) return ta_mbqm_single(x, m, left_shift);
  /* x · 2^left_shift in int32, as `Math.imul(x, 2 ** leftShift | 0)` (0 from 2^32 on). */
  uint32_t pow = left_shift >= 32 ? 0u : 1u << left_shift;
  return ta_srdhm((int32_t)((uint32_t)x * pow), m);
}

static void eval_softmax(const ta_node* node) {
  const softmax_data* d = (const softmax_data*)node->data;
  for (int32_t r = 0; r < d->rows; r++) {
    const int8_t* x = d->x + (size_t)r * d->depth;
    int8_t* y = d->y + (size_t)r * d->depth;
    int32_t max_in = -128;
    for (int32_t c = 0; c < d->depth; c++)
      if (x[c] > max_in) max_in = x[c];
    int32_t sum_of_exps = 0;
    for (int32_t c = 0; c < d->depth; c++) {
      int32_t diff = x[c] - max_in;
      if (diff >= d->diff_min) {
        int32_t scaled = mul_greater_than_one(diff, d->multiplier, d->left_shift, d->rounding);
        int32_t e = ta_exp_on_negative_values(scaled, SCALED_DIFF_INTEGER_BITS);
        d->exps[c] = e;
        sum_of_exps += ta_rescale(e, 0, ACCUMULATION_INTEGER_BITS);
      } else {
        d->exps[c] = 0;
      }
    }
    /* GetReciprocal(sum, 12). */
    int headroom_plus_one = sum_of_exps == 0 ? 32 : __builtin_clz((uint32_t)sum_of_exps);
    int num_bits_over_unit = ACCUMULATION_INTEGER_BITS - headroom_plus_one;
    int32_t shifted_minus_one = (int32_t)((headroom_plus_one >= 32 ? 0u : (uint32_t)sum_of_exps << headroom_plus_one) - 0x80000000u);
    int32_t scale = ta_one_over_one_plus_x_for_x_in_01(shifted_minus_one);
    int exponent = num_bits_over_unit + 31 - 8;
    for (int32_t c = 0; c < d->depth; c++) {
      if (x[c] - max_in >= d->diff_min) {
        int32_t unsat = ta_rdbpot(ta_srdhm(scale, d->exps[c]), exponent);
        int32_t v = unsat - 128;
        y[c] = (int8_t)(v > 127 ? 127 : v < -128 ? -128 : v);
      } else {
        y[c] = -128;
      }
    }
  }
}

int ta_prep_softmax(ta_prep* p) {
  uint32_t opts = ta_options(p, TA_OPT_SOFTMAX);
  if (!opts) return ta_refuse(p, "missing SoftmaxOptions");
  float beta = ta_opt_f32(p, opts, 0, 0.0f);
  ta_tensor *input = ta_in(p, 0), *output = input ? ta_out(p, 0) : NULL;
  if (!output) return -1;
  if (input->type != TA_INT8 || output->type != TA_INT8) return ta_refuse(p, "only int8 -> int8 is supported");
  float out_scale, in_scale;
  int64_t out_zp, in_zp;
  if (ta_scale_zp(p, output, &out_scale, &out_zp) != 0) return -1;
  if (out_zp != -128 || out_scale != 0.00390625f) return ta_refuse(p, "int8 softmax output must have scale 1/256 and zero point -128");
  if (input->elements != output->elements) return ta_refuse(p, "input and output sizes differ");
  int32_t depth = input->ndims ? input->dims[input->ndims - 1] : 1;
  int32_t rows = depth > 0 ? input->elements / depth : 0;
  if (ta_scale_zp(p, input, &in_scale, &in_zp) != 0) return -1;
  /* PreprocessSoftmaxScaling + CalculateInputRadius. */
  double max_real = p->rounding == TA_SINGLE ? 1073741823.0 : 2147483647.0;
  double real = (double)beta * (double)in_scale * 67108864.0; /* 2^(31 - 5) */
  if (!isnan(real) && real > max_real) real = max_real;
  int32_t multiplier;
  int shift;
  ta_quantize_multiplier(real, p->rounding, &multiplier, &shift);
  if (shift < 0) return ta_refuse(p, "softmax input scale x beta is too small");
  double max_input_rescaled = (31.0 * 67108864.0) / ldexp(1.0, shift);
  softmax_data* d = (softmax_data*)ta_alloc(p->it, sizeof(softmax_data));
  if (!d) return -1;
  d->exps = (int32_t*)ta_alloc(p->it, 4 * (uint32_t)(depth > 0 ? depth : 1));
  if (!d->exps) return -1;
  d->x = (const int8_t*)input->data;
  d->y = (int8_t*)output->data;
  d->rows = rows;
  d->depth = depth;
  d->multiplier = multiplier;
  d->left_shift = shift;
  d->diff_min = (int32_t)-floor(max_input_rescaled);
  d->rounding = p->rounding;
  p->node->data = d;
  p->node->eval = eval_softmax;
  return 0;
}
