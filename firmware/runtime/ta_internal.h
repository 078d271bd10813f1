/*
 * Internals shared by the runtime's files: integer arithmetic exactly as TFLite / gemmlowp do it
 * (and as grader/interpreter/fixed-point.ts transcribes it, including JavaScript's shift-count
 * masking where that file relies on it), unaligned little-endian reads from the model, and the
 * kernel prepare contract.
 *
 * Build with -fwrapv: int32 accumulators and products wrap as the C++ reference does on every
 * target (and as `| 0` does in the TypeScript engine), so overflow is defined here.
 */
#ifndef TA_INTERNAL_H
#define TA_INTERNAL_H

#include <math.h>
#include <stdint.h>
#include <string.h>

#include "ta_runtime.h"

#define TA_INT32_MIN (-2147483647 - 1)
#define TA_INT32_MAX 2147483647

typedef enum { TA_DOUBLE = 0, TA_SINGLE = 1 } ta_rounding;

/* ───────────────────────── reads from the (untrusted, maybe unaligned) model ───────────────────────── */

static inline uint16_t ta_rd_u16(const uint8_t* p) { return (uint16_t)(p[0] | p[1] << 8); }
static inline uint32_t ta_rd_u32(const uint8_t* p) { return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24; }
static inline int32_t ta_rd_i32(const uint8_t* p) { return (int32_t)ta_rd_u32(p); }
static inline uint64_t ta_rd_u64(const uint8_t* p) { return (uint64_t)ta_rd_u32(p) | (uint64_t)ta_rd_u32(p + 4) << 32; }
static inline float ta_rd_f32(const uint8_t* p) {
  uint32_t u = ta_rd_u32(p);
  float f;
  memcpy(&f, &u, 4);
  return f;
}

/** Per-channel scale c of a tensor (the first when it has one). */
static inline float ta_scale_at(const ta_tensor* t, uint32_t c) { return ta_rd_f32(t->scales + 4 * (t->nscale > 1 ? c : 0)); }

/** JavaScript ToInt32 of an integer held exactly: keep the low 32 bits. */
static inline int32_t ta_wrap32(int64_t v) { return (int32_t)(uint32_t)(uint64_t)v; }

/** Store with JavaScript Int8Array semantics (low 8 bits). */
static inline int8_t ta_to_i8(int32_t v) { return (int8_t)(uint8_t)(uint32_t)v; }

static inline int32_t ta_clamp(int32_t v, int32_t lo, int32_t hi) { return v < lo ? lo : v > hi ? hi : v; }

/**
 * requantized + zero point, clamped to [lo, hi]. The sum is formed in 64 bits, as the engine forms it
 * (in a double): with extreme scales the requantized value sits near the int32 limits.
 */
static inline int32_t ta_offset_clamp(int32_t requantized, int32_t zero_point, int32_t lo, int32_t hi) {
  int64_t v = (int64_t)requantized + zero_point;
  return v < lo ? lo : v > hi ? hi : (int32_t)v;
}

/* ───────────────────────── gemmlowp / TFLite fixed point ───────────────────────── */

/** SaturatingRoundingDoublingHighMul: round(a·b / 2^31), the one overflow saturated. */
static inline int32_t ta_srdhm(int32_t a, int32_t b) {
  if (a == TA_INT32_MIN && b == TA_INT32_MIN) return TA_INT32_MAX;
  int64_t ab = (int64_t)a * (int64_t)b;
  int64_t nudge = ab >= 0 ? (1 << 30) : (1 - (1 << 30));
  return (int32_t)((ab + nudge) / ((int64_t)1 << 31));
}

/**
 * RoundingDivideByPOT: x / 2^e rounded half away from zero. Exponents past 31 keep the
 * TypeScript engine's reading (mask 2^31 − 1, shift count mod 32); no sane model gets there.
 */
static inline int32_t ta_rdbpot(int32_t x, int e) {
  if (e == 0) return x;
  int32_t mask = e >= 31 ? 0x7fffffff : (int32_t)((1u << e) - 1);
  int32_t remainder = x & mask;
  int32_t threshold = (mask >> 1) + (x < 0 ? 1 : 0);
  return (x >> (e & 31)) + (remainder > threshold ? 1 : 0);
}

/** MultiplyByQuantizedMultiplier, double-rounding build (stock TFLM, CMSIS-NN). */
static inline int32_t ta_mbqm_double(int32_t x, int32_t m, int shift) {
  int left = shift > 0 ? shift : 0;
  int right = shift > 0 ? 0 : -shift;
  int32_t xs = left ? (int32_t)((uint32_t)x * (1u << (left & 31))) : x;
  return ta_rdbpot(ta_srdhm(xs, m), right);
}

/**
 * MultiplyByQuantizedMultiplier, single-rounding build: floor((x·m + 2^(t−1)) / 2^t), t = 31 − shift.
 * The multiplier is read as unsigned 32 bits, as the TypeScript engine splits it (only a negative
 * one, which no positive scale gives, could tell).
 */
static inline int32_t ta_mbqm_single(int32_t x, int32_t m, int shift) {
  int t = 31 - shift;
  int64_t p = (int64_t)x * (int64_t)(uint32_t)m;
  if (t <= 0) return ta_wrap32(p * ((int64_t)1 << -t)); /* never with multipliers from QuantizeMultiplier(single) */
  return ta_wrap32((p + ((int64_t)1 << (t - 1))) >> t);
}

static inline int32_t ta_mbqm(ta_rounding r, int32_t x, int32_t m, int shift) { return r == TA_SINGLE ? ta_mbqm_single(x, m, shift) : ta_mbqm_double(x, m, shift); }

/** QuantizeMultiplier: real ≈ m · 2^(shift − 31). Non-finite or tiny gives 0. */
void ta_quantize_multiplier(double real, ta_rounding r, int32_t* m, int* shift);

/** TfLiteRound / std::round: halves away from zero. */
static inline double ta_round(double x) { return round(x); }

/* gemmlowp fixed-point helpers used by SOFTMAX, LOGISTIC and TANH (Q-format raw int32 values). */
int32_t ta_sat_rounding_mul_pot(int32_t x, int exponent);
static inline int32_t ta_rescale(int32_t x, int src_int_bits, int dst_int_bits) { return ta_sat_rounding_mul_pot(x, src_int_bits - dst_int_bits); }
int32_t ta_rounding_half_sum(int32_t a, int32_t b);
int32_t ta_exp_on_negative_values(int32_t a, int integer_bits);
int32_t ta_one_over_one_plus_x_for_x_in_01(int32_t a);

/* ───────────────────────── preparing a node ───────────────────────── */

typedef struct ta_prep {
  ta_interp* it;
  ta_node* node;
  int32_t index; /* node index, for messages */
  const char* op; /* op name, for messages */
  ta_rounding rounding;
} ta_prep;

/** Refuse the node: "node #i OP: message" into it->error; returns -1. */
int ta_refuse(ta_prep* p, const char* fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/** Bookkeeping memory from the end of the arena (zeroed, 8-aligned); NULL (and the error set) when full. */
void* ta_alloc(ta_interp* it, uint32_t bytes);

/** Input k / output k of the node being prepared, or NULL (refused: "missing input k"). */
ta_tensor* ta_in(ta_prep* p, int k);
ta_tensor* ta_in_opt(ta_prep* p, int k, int* missing);
ta_tensor* ta_out(ta_prep* p, int k);

/** The builtin options table of the node when its union type is `type` (0 when absent or another type). */
uint32_t ta_options(ta_prep* p, int type);
/** Scalar option fields (field id in the options table), with the schema default when absent. */
int32_t ta_opt_i32(ta_prep* p, uint32_t table, int id, int32_t dflt);
int32_t ta_opt_i8(ta_prep* p, uint32_t table, int id, int32_t dflt);
float ta_opt_f32(ta_prep* p, uint32_t table, int id, float dflt);
/** Padding / fused activation option as the TypeScript reader decodes them (-1: unknown value, refused). */
int ta_opt_padding(ta_prep* p, uint32_t table, int id);
int ta_opt_activation(ta_prep* p, uint32_t table, int id);

enum { TA_PAD_SAME = 0, TA_PAD_VALID = 1 };
enum { TA_ACT_NONE = 0, TA_ACT_RELU = 1, TA_ACT_RELU_N1_TO_1 = 2, TA_ACT_RELU6 = 3, TA_ACT_TANH = 4, TA_ACT_SIGN_BIT = 5 };

/** Builtin options union types (TFLite schema). */
enum {
  TA_OPT_CONV2D = 1,
  TA_OPT_DEPTHWISE = 2,
  TA_OPT_POOL2D = 5,
  TA_OPT_FULLY_CONNECTED = 8,
  TA_OPT_SOFTMAX = 9,
  TA_OPT_CONCATENATION = 10,
  TA_OPT_ADD = 11,
  TA_OPT_MUL = 21,
  TA_OPT_REDUCER = 27,
  TA_OPT_SUB = 28,
  TA_OPT_STRIDED_SLICE = 32,
  TA_OPT_LEAKY_RELU = 75,
};

/** Scale and zero point of an activation (refused without quantization). */
int ta_scale_zp(ta_prep* p, const ta_tensor* t, float* scale, int64_t* zp);

/** CalculateActivationRangeQuantized for int8 (refuses TANH / SIGN_BIT). */
int ta_activation_range(ta_prep* p, int activation, float scale, int64_t zp, int32_t* lo, int32_t* hi);

/** TFLite's output size for a padding kind, -1 for a stride or dilation below one. */
int64_t ta_expected_out(int padding, int32_t in, int32_t filter, int32_t stride, int32_t dilation);
int32_t ta_padding_before(int32_t in, int32_t filter, int32_t stride, int32_t dilation, int32_t out);

/** Per-channel multipliers from double(s_in)·double(s_w[c]) / double(s_out) (PopulateConvolutionQuantizationParams). */
int ta_per_channel_multipliers(ta_prep* p, const ta_tensor* in, const ta_tensor* filter, const ta_tensor* out, int32_t channels, int32_t** mult, int8_t** shift);

/** Refuse requantization shifts a double-rounding build cannot apply (≥ 32, a multiplier ≥ 2^31). */
int ta_check_shift(ta_prep* p, int shift);

/* Kernel prepares: check the node, precompute, set node->eval and node->data. 0 or -1 (refused). */
int ta_prep_conv2d(ta_prep* p);
int ta_prep_depthwise(ta_prep* p);
int ta_prep_fully_connected(ta_prep* p);
int ta_prep_average_pool(ta_prep* p);
int ta_prep_max_pool(ta_prep* p);
int ta_prep_copy(ta_prep* p);
int ta_prep_softmax(ta_prep* p);
int ta_prep_add(ta_prep* p);
int ta_prep_sub(ta_prep* p);
int ta_prep_mul(ta_prep* p);
int ta_prep_quantize(ta_prep* p);
int ta_prep_dequantize(ta_prep* p);
int ta_prep_relu(ta_prep* p);
int ta_prep_relu6(ta_prep* p);
int ta_prep_leaky_relu(ta_prep* p);
int ta_prep_logistic(ta_prep* p);
int ta_prep_tanh(ta_prep* p);
int ta_prep_hard_swish(ta_prep* p);
int ta_prep_mean(ta_prep* p);
int ta_prep_pad(ta_prep* p);
int ta_prep_concatenation(ta_prep* p);
int ta_prep_strided_slice(ta_prep* p);
int ta_prep_transpose(ta_prep* p);

/** Element-wise int8 → int8 through a 256-entry table (the unary activations). */
int ta_prep_lookup(ta_prep* p, const int8_t table[256]);

#endif
