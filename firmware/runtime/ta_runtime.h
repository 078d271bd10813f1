/*
 * TinyArena int8 runtime: runs a .tflite model the way stock TensorFlow Lite Micro computes it, in
 * portable C11 with no heap, written by this team from the arithmetic (grader/interpreter/ is the
 * specification; ../shared/oracle-tflm the reference outputs).
 *
 *   ta_interp it;
 *   if (ta_init(&it, model, model_size, arena, sizeof arena, TA_ARITH_TFLM) != 0) puts(it.error);
 *   memcpy(ta_input(&it, 0)->data, input, ta_input(&it, 0)->bytes);
 *   ta_invoke(&it);
 *   ... ta_output(&it, 0)->data ...
 *
 * The model bytes are read in place (a flash slot) and never written. Everything the runtime keeps
 * lives in the caller's arena: activations at its start, laid out by TFLM's greedy plan, and the
 * per-model bookkeeping (tensor descriptors, per-op parameters) at its end. A model that is not a
 * well-formed flatbuffer, or that the kernels cannot run, is refused by ta_init with a short
 * reason in it.error; nothing in the file is trusted.
 */
#ifndef TA_RUNTIME_H
#define TA_RUNTIME_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Most dimensions a tensor may have (TFLM's kernels stop at 5 or 6). */
#define TA_MAX_DIMS 8

/** Tensor element types by their TFLite schema value (the ones the runtime knows widths of). */
enum {
  TA_FLOAT32 = 0,
  TA_INT32 = 2,
  TA_UINT8 = 3,
  TA_INT64 = 4,
  TA_BOOL = 6,
  TA_INT16 = 7,
  TA_INT8 = 9,
};

/**
 * Which runtime's requantization rounding to reproduce (grader/interpreter/arithmetic.ts):
 * TFLM stock (double rounding everywhere), TFLM with TFLITE_SINGLE_ROUNDING (single everywhere), or
 * the official TFLite runtime (single, but DEPTHWISE_CONV_2D rounds twice).
 */
typedef enum { TA_ARITH_TFLM = 0, TA_ARITH_TFLM_SINGLE = 1, TA_ARITH_TFLITE = 2 } ta_arith;

/** Name of an arithmetic profile ("tflm", "tflm-single", "tflite"); and back (-1 if unknown). */
const char* ta_arith_name(ta_arith a);
int ta_arith_from_name(const char* name);

typedef struct ta_tensor {
  uint8_t type;
  uint8_t ndims;
  uint8_t is_const;
  uint8_t is_variable;
  int32_t dims[TA_MAX_DIMS];
  /** Product of dims (≤ 2^31 − 1). */
  int32_t elements;
  /** elements × element width (width 1 for types without a fixed width, as TFLM plans them). */
  uint32_t bytes;
  /** Activations: in the arena; constants: in the model (never written). */
  uint8_t* data;
  /** First scale and zero point (0 and 0 when absent); the raw vectors for per-channel weights. */
  int has_quant;
  float scale;
  int64_t zero_point;
  uint32_t nscale;
  const uint8_t* scales; /* nscale little-endian float32, possibly unaligned */
  uint32_t nzero;
  const uint8_t* zeros; /* nzero little-endian int64 */
  int32_t quantized_dim;
} ta_tensor;

struct ta_node;
typedef void (*ta_eval_fn)(const struct ta_node* node);

typedef struct ta_node {
  ta_eval_fn eval;
  /** Per-op prepared data (kernel-specific). */
  void* data;
  /** Builtin operator code (TFLite schema). */
  int32_t code;
  int32_t ninputs, noutputs;
  const int32_t* inputs; /* tensor indices, -1 = omitted optional input */
  const int32_t* outputs;
  /** Builtin options: union type and table position in the model (0 = none). */
  uint8_t options_type;
  uint32_t options_pos;
} ta_node;

typedef struct ta_interp {
  const uint8_t* model;
  uint32_t model_size;
  uint8_t* arena;
  uint32_t arena_size;
  /** Activation bytes at the start of the arena (the greedy plan's peak). */
  uint32_t planned;
  /** Bookkeeping bytes at the end of the arena. */
  uint32_t tail;
  ta_arith arith;
  int32_t ntensors;
  ta_tensor* tensors;
  int32_t nnodes;
  ta_node* nodes;
  int32_t ninputs, noutputs;
  const int32_t* inputs;
  const int32_t* outputs;
  int ready;
  /** Why ta_init refused the model. */
  char error[200];
} ta_interp;

/**
 * Read, check, plan and prepare a model. Returns 0, or -1 with it->error set. `arena` must be
 * 16-byte aligned. The model must stay in place (and unchanged) while the interpreter is used.
 */
int ta_init(ta_interp* it, const uint8_t* model, size_t model_size, uint8_t* arena, size_t arena_size, ta_arith arith);

/** Run every node once (inputs must have been written). */
void ta_invoke(const ta_interp* it);

/** Arena bytes in use (activations + bookkeeping). */
uint32_t ta_arena_used(const ta_interp* it);

/** Graph input / output tensors (k within ninputs / noutputs). */
ta_tensor* ta_input(const ta_interp* it, int k);
ta_tensor* ta_output(const ta_interp* it, int k);

/** dtype name as the rack protocol prints it ("int8", "float32", …). */
const char* ta_type_name(int type);

/** The builtin operators the runtime registers (names as in firmware/op-set.json), for x-info. */
extern const char* const ta_op_names[];
extern const int ta_op_count;

#ifdef __cplusplus
}
#endif

#endif
