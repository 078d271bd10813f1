/*
 * ADD, SUB, MUL (with NumPy-style broadcasting), QUANTIZE and DEQUANTIZE, int8: TFLM add_common.cc,
 * sub_common.cc, mul_common.cc, quantize_common.cc, dequantize (grader/interpreter/kernels/add-sub.ts,
 * mul.ts, quantize.ts, dequantize.ts).
 */
#include "ta_internal.h"

/* ───────────────────────── broadcasting ───────────────────────── */

typedef struct {
  int32_t rank;
  int32_t total;
  int32_t same; /* both inputs have the output's shape: flat loop */
  int32_t out[TA_MAX_DIMS];
  int32_t sa[TA_MAX_DIMS], sb[TA_MAX_DIMS]; /* element strides, 0 along broadcast dimensions */
} broadcast;

/** Resolve how a and b broadcast to out; -1 when they do not. */
static int broadcast_plan(const ta_tensor* a, const ta_tensor* b, const ta_tensor* out, broadcast* bc) {
  int32_t rank = out->ndims;
  if (a->ndims > rank || b->ndims > rank) return -1;
  int32_t pa[TA_MAX_DIMS], pb[TA_MAX_DIMS];
  for (int32_t d = 0; d < rank; d++) {
    int32_t ka = d - (rank - a->ndims), kb = d - (rank - b->ndims);
    pa[d] = ka >= 0 ? a->dims[ka] : 1;
    pb[d] = kb >= 0 ? b->dims[kb] : 1;
    if ((pa[d] != out->dims[d] && pa[d] != 1) || (pb[d] != out->dims[d] && pb[d] != 1)) return -1;
    bc->out[d] = out->dims[d];
  }
  int32_t acc_a = 1, acc_b = 1;
  for (int32_t d = rank - 1; d >= 0; d--) {
    bc->sa[d] = pa[d] == 1 ? 0 : acc_a;
    bc->sb[d] = pb[d] == 1 ? 0 : acc_b;
    acc_a *= pa[d];
    acc_b *= pb[d];
  }
  bc->rank = rank;
  bc->total = out->elements;
  bc->same = 1;
  for (int32_t d = 0; d < rank; d++)
    if (pa[d] != out->dims[d] || pb[d] != out->dims[d]) bc->same = 0;
  return 0;
}

/* Visit every output element with the input offsets it reads (TFLM's BroadcastAdd6DSlow order). */
#define BROADCAST_LOOP(bc, BODY)                                 \
  do {                                                           \
    if ((bc)->same) {                                            \
      for (int32_t i = 0; i < (bc)->total; i++) {                \
        const int32_t ia = i, ib = i;                            \
        BODY;                                                    \
      }                                                          \
    } else {                                                     \
      int32_t idx[TA_MAX_DIMS] = {0};                            \
      int32_t ia = 0, ib = 0;                                    \
      for (int32_t i = 0; i < (bc)->total; i++) {                \
        BODY;                                                    \
        for (int32_t d = (bc)->rank - 1; d >= 0; d--) {          \
          idx[d]++;                                              \
          ia += (bc)->sa[d];                                     \
          ib += (bc)->sb[d];                                     \
          if (idx[d] < (bc)->out[d]) break;                      \
          ia -= (bc)->sa[d] * (bc)->out[d];                      \
          ib -= (bc)->sb[d] * (bc)->out[d];                      \
          idx[d] = 0;                                            \
        }                                                        \
      }                                                          \
    }                                                            \
  } while (0)

/* ───────────────────────── ADD / SUB ───────────────────────── */

#define LEFT_SHIFT 20

typedef struct {
  const int8_t* a;
  const int8_t* b;
  int8_t* y;
  broadcast bc;
  int32_t off1, off2, out_zp, m1, m2, mo, act_min, act_max;
  int8_t s1, s2, so;
  int32_t subtract;
  ta_rounding rounding;
} addsub_data;

static void eval_addsub(const ta_node* node) {
  const addsub_data* d = (const addsub_data*)node->data;
  const broadcast* bc = &d->bc;
  BROADCAST_LOOP(bc, {
    int32_t x1 = ta_mbqm(d->rounding, (int32_t)((uint32_t)(d->a[ia] + d->off1) << LEFT_SHIFT), d->m1, d->s1);
    int32_t x2 = ta_mbqm(d->rounding, (int32_t)((uint32_t)(d->b[ib] + d->off2) << LEFT_SHIFT), d->m2, d->s2);
    d->y[i] = ta_to_i8(ta_offset_clamp(ta_mbqm(d->rounding, d->subtract ? x1 - x2 : x1 + x2, d->mo, d->so), d->out_zp, d->act_min, d->act_max));
  });
}

static int prepare_addsub(ta_prep* p, int subtract) {
  uint32_t opts = ta_options(p, subtract ? TA_OPT_SUB : TA_OPT_ADD);
  if (!opts) return ta_refuse(p, subtract ? "missing SubOptions" : "missing AddOptions");
  int activation = ta_opt_activation(p, opts, 0);
  if (activation < 0) return -1;
  ta_tensor *a = ta_in(p, 0), *b = a ? ta_in(p, 1) : NULL, *out = b ? ta_out(p, 0) : NULL;
  if (!out) return -1;
  if (a->type != TA_INT8 || b->type != TA_INT8 || out->type != TA_INT8) return ta_refuse(p, "only int8 is supported");
  float sa, sb, so;
  int64_t za, zb, zo;
  if (ta_scale_zp(p, a, &sa, &za) != 0 || ta_scale_zp(p, b, &sb, &zb) != 0 || ta_scale_zp(p, out, &so, &zo) != 0) return -1;
  double m1, m2, mo;
  if (subtract) {
    /* SUB forms its multipliers in float32 (ADD in double), as TFLM does. */
    float twice_max = 2.0f * (sa > sb ? sa : sb);
    m1 = (double)(sa / twice_max);
    m2 = (double)(sb / twice_max);
    mo = (double)(twice_max / ((float)(1 << LEFT_SHIFT) * so));
  } else {
    double twice_max = 2.0 * (double)(sa > sb ? sa : sb);
    m1 = (double)sa / twice_max;
    m2 = (double)sb / twice_max;
    mo = twice_max / ((double)(1 << LEFT_SHIFT) * (double)so);
  }
  addsub_data* d = (addsub_data*)ta_alloc(p->it, sizeof(addsub_data));
  if (!d) return -1;
  int s1, s2, s3;
  ta_quantize_multiplier(m1, p->rounding, &d->m1, &s1);
  ta_quantize_multiplier(m2, p->rounding, &d->m2, &s2);
  ta_quantize_multiplier(mo, p->rounding, &d->mo, &s3);
  if (s1 > 0 || s2 > 0 || s3 > 0) return ta_refuse(p, "input/output scales need a multiplier above one");
  d->s1 = (int8_t)s1;
  d->s2 = (int8_t)s2;
  d->so = (int8_t)s3;
  if (broadcast_plan(a, b, out, &d->bc) != 0) return ta_refuse(p, "input shapes do not broadcast to the output shape");
  if (ta_activation_range(p, activation, so, zo, &d->act_min, &d->act_max) != 0) return -1;
  d->a = (const int8_t*)a->data;
  d->b = (const int8_t*)b->data;
  d->y = (int8_t*)out->data;
  d->off1 = (int32_t)-za;
  d->off2 = (int32_t)-zb;
  d->out_zp = (int32_t)zo;
  d->subtract = subtract;
  d->rounding = p->rounding;
  p->node->data = d;
  p->node->eval = eval_addsub;
  return 0;
}

int ta_prep_add(ta_prep* p) { return prepare_addsub(p, 0); }
int ta_prep_sub(ta_prep* p) { return prepare_addsub(p, 1); }

/* ───────────────────────── MUL ───────────────────────── */

typedef struct {
  const int8_t* a;
  const int8_t* b;
  int8_t* y;
  broadcast bc;
  int32_t za, zb, zo, m, act_min, act_max;
  int32_t shift;
  ta_rounding rounding;
} mul_data;

static void eval_mul(const ta_node* node) {
  const mul_data* d = (const mul_data*)node->data;
  const broadcast* bc = &d->bc;
  BROADCAST_LOOP(bc, {
    d->y[i] = ta_to_i8(ta_offset_clamp(ta_mbqm(d->rounding, (d->a[ia] - d->za) * (d->b[ib] - d->zb), d->m, d->shift), d->zo, d->act_min, d->act_max));
  });
}

int ta_prep_mul(ta_prep* p) {
  uint32_t opts = ta_options(p, TA_OPT_MUL);
  if (!opts) return ta_refuse(p, "missing MulOptions");
  int activation = ta_opt_activation(p, opts, 0);
  if (activation < 0) return -1;
  ta_tensor *a = ta_in(p, 0), *b = a ? ta_in(p, 1) : NULL, *out = b ? ta_out(p, 0) : NULL;
  if (!out) return -1;
  if (a->type != TA_INT8 || b->type != TA_INT8 || out->type != TA_INT8) return ta_refuse(p, "only int8 is supported");
  float sa, sb, so;
  int64_t za, zb, zo;
  if (ta_scale_zp(p, a, &sa, &za) != 0 || ta_scale_zp(p, b, &sb, &zb) != 0 || ta_scale_zp(p, out, &so, &zo) != 0) return -1;
  mul_data* d = (mul_data*)ta_alloc(p->it, sizeof(mul_data));
  if (!d) return -1;
  int shift;
  ta_quantize_multiplier((double)sa * (double)sb / (double)so, p->rounding, &d->m, &shift);
  if (ta_check_shift(p, shift) != 0) return -1;
  d->shift = shift;
  if (broadcast_plan(a, b, out, &d->bc) != 0) return ta_refuse(p, "input shapes do not broadcast to the output shape");
  if (ta_activation_range(p, activation, so, zo, &d->act_min, &d->act_max) != 0) return -1;
  d->a = (const int8_t*)a->data;
  d->b = (const int8_t*)b->data;
  d->y = (int8_t*)out->data;
  d->za = (int32_t)za;
  d->zb = (int32_t)zb;
  d->zo = (int32_t)zo;
  d->rounding = p->rounding;
  p->node->data = d;
  p->node->eval = eval_mul;
  return 0;
}

/* ───────────────────────── QUANTIZE / DEQUANTIZE ───────────────────────── */

typedef struct {
  const uint8_t* x;
  int8_t* y;
  int32_t n;
  float scale;
  int32_t zi, zo, m, shift;
  ta_rounding rounding;
} quant_data;

static void eval_quantize_float(const ta_node* node) {
  const quant_data* d = (const quant_data*)node->data;
  for (int32_t i = 0; i < d->n; i++) {
    float f;
    memcpy(&f, d->x + 4 * (size_t)i, 4);
    double v = ta_round((double)(f / d->scale)) + d->zo;
    /* NaN: TFLM's static_cast<int32_t>(round(NaN)) is 0 on a Cortex-M (VCVT), so the zero point. */
    if (isnan(v)) v = d->zo;
    d->y[i] = v < -128 ? -128 : v > 127 ? 127 : (int8_t)v;
  }
}

static void eval_quantize_int8(const ta_node* node) {
  const quant_data* d = (const quant_data*)node->data;
  const int8_t* x = (const int8_t*)d->x;
  for (int32_t i = 0; i < d->n; i++) {
    d->y[i] = (int8_t)ta_offset_clamp(ta_mbqm(d->rounding, x[i] - d->zi, d->m, d->shift), d->zo, -128, 127);
  }
}

int ta_prep_quantize(ta_prep* p) {
  ta_tensor *input = ta_in(p, 0), *output = input ? ta_out(p, 0) : NULL;
  if (!output) return -1;
  if (output->type != TA_INT8) return ta_refuse(p, "only int8 output is supported");
  if (input->elements != output->elements) return ta_refuse(p, "input and output sizes differ");
  float so;
  int64_t zo;
  if (ta_scale_zp(p, output, &so, &zo) != 0) return -1;
  quant_data* d = (quant_data*)ta_alloc(p->it, sizeof(quant_data));
  if (!d) return -1;
  d->x = input->data;
  d->y = (int8_t*)output->data;
  d->n = output->elements;
  d->zo = (int32_t)zo;
  d->scale = so;
  d->rounding = p->rounding;
  p->node->data = d;
  if (input->type == TA_FLOAT32) {
    p->node->eval = eval_quantize_float;
    return 0;
  }
  if (input->type != TA_INT8) return ta_refuse(p, "QUANTIZE from %s is not supported", ta_type_name(input->type));
  float si;
  int64_t zi;
  if (ta_scale_zp(p, input, &si, &zi) != 0) return -1;
  int shift;
  ta_quantize_multiplier((double)si / (double)so, p->rounding, &d->m, &shift);
  if (ta_check_shift(p, shift) != 0) return -1;
  d->shift = shift;
  d->zi = (int32_t)zi;
  p->node->eval = eval_quantize_int8;
  return 0;
}

static void eval_dequantize(const ta_node* node) {
  const quant_data* d = (const quant_data*)node->data;
  const int8_t* x = (const int8_t*)d->x;
  uint8_t* y = (uint8_t*)d->y;
  for (int32_t i = 0; i < d->n; i++) {
    float f = (float)((double)d->scale * (double)(x[i] - d->zi));
    memcpy(y + 4 * (size_t)i, &f, 4);
  }
}

int ta_prep_dequantize(ta_prep* p) {
  ta_tensor *input = ta_in(p, 0), *output = input ? ta_out(p, 0) : NULL;
  if (!output) return -1;
  if (input->type != TA_INT8 || output->type != TA_FLOAT32) return ta_refuse(p, "only int8 -> float32 is supported");
  if (input->elements != output->elements) return ta_refuse(p, "input and output sizes differ");
  float si;
  int64_t zi;
  if (ta_scale_zp(p, input, &si, &zi) != 0) return -1;
  quant_data* d = (quant_data*)ta_alloc(p->it, sizeof(quant_data));
  if (!d) return -1;
  d->x = input->data;
  d->y = (int8_t*)output->data;
  d->n = input->elements;
  d->scale = si;
  d->zi = (int32_t)zi;
  p->node->data = d;
  p->node->eval = eval_dequantize;
  return 0;
}
