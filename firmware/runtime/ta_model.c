/*
 * Reading an untrusted .tflite flatbuffer in place, planning the arena and preparing the nodes.
 *
 * Every read is checked before it happens: table and vtable bounds, field sizes against their table,
 * offsets and vector lengths against the file, tensor / buffer / opcode indices against their
 * vectors. A bad file is refused with the path of the bad field ("subgraphs[0].tensors[7].shape:
 * …"), never read out of bounds (grader/tflite/flat-reader.ts does the same on the host).
 */
#include <stdarg.h>
#include <stdio.h>

#include "ta_internal.h"

/* Field ids (schema order; unions take two ids). */
enum { MODEL_VERSION = 0, MODEL_OPCODES = 1, MODEL_SUBGRAPHS = 2, MODEL_BUFFERS = 4 };
enum { OPCODE_DEPRECATED = 0, OPCODE_VERSION = 2, OPCODE_BUILTIN = 3 };
enum { SUBGRAPH_TENSORS = 0, SUBGRAPH_INPUTS = 1, SUBGRAPH_OUTPUTS = 2, SUBGRAPH_OPERATORS = 3 };
enum { TENSOR_SHAPE = 0, TENSOR_TYPE = 1, TENSOR_BUFFER = 2, TENSOR_QUANT = 4, TENSOR_VARIABLE = 5, TENSOR_SPARSITY = 6 };
enum { QUANT_SCALE = 2, QUANT_ZERO = 3, QUANT_DIM = 6 };
enum { OPERATOR_OPCODE = 0, OPERATOR_INPUTS = 1, OPERATOR_OUTPUTS = 2, OPERATOR_OPTIONS_TYPE = 3, OPERATOR_OPTIONS = 4 };
enum { BUFFER_DATA = 0, BUFFER_OFFSET = 1, BUFFER_SIZE = 2 };

/** No board model comes near these (the host parser refuses the same). */
#define MAX_TENSORS 10000
#define MAX_OPERATORS 10000
#define MAX_ELEMENTS 0x7fffffffu
/** Tensor element types the schema defines (0 … 22). */
#define TYPE_COUNT 23

static const uint8_t TYPE_WIDTH[TYPE_COUNT] = {4, 2, 4, 1, 8, 0, 1, 2, 8, 1, 8, 16, 8, 0, 0, 4, 2, 0, 2, 0, 0, 1, 1};
static const char* const TYPE_NAMES[TYPE_COUNT] = {"float32", "float16", "int32",  "uint8",   "int64", "string", "bool",  "int16",  "complex64",     "int8",        "float64", "complex128",
                                                   "uint64",  "resource", "variant", "uint32", "uint16", "int4",  "bfloat16", "int2", "uint4", "float8_e4m3fn", "float8_e5m2"};

const char* ta_type_name(int type) { return type >= 0 && type < TYPE_COUNT ? TYPE_NAMES[type] : "unknown"; }

const char* ta_arith_name(ta_arith a) { return a == TA_ARITH_TFLM ? "tflm" : a == TA_ARITH_TFLM_SINGLE ? "tflm-single" : "tflite"; }

int ta_arith_from_name(const char* name) {
  if (!strcmp(name, "tflm")) return TA_ARITH_TFLM;
  if (!strcmp(name, "tflm-single")) return TA_ARITH_TFLM_SINGLE;
  if (!strcmp(name, "tflite")) return TA_ARITH_TFLITE;
  return -1;
}

/* ───────────────────────── the op registry (firmware/op-set.json) ───────────────────────── */

typedef int (*prep_fn)(ta_prep*);
typedef struct {
  const char* name;
  int32_t code;
  prep_fn prepare;
} op_entry;

/* Builtin codes from the TFLite schema. The list must equal firmware/op-set.json (a test checks). */
static const op_entry OPS[] = {
    {"CONV_2D", 3, ta_prep_conv2d},
    {"DEPTHWISE_CONV_2D", 4, ta_prep_depthwise},
    {"FULLY_CONNECTED", 9, ta_prep_fully_connected},
    {"AVERAGE_POOL_2D", 1, ta_prep_average_pool},
    {"MAX_POOL_2D", 17, ta_prep_max_pool},
    {"RESHAPE", 22, ta_prep_copy},
    {"SOFTMAX", 25, ta_prep_softmax},
    {"ADD", 0, ta_prep_add},
    {"SUB", 41, ta_prep_sub},
    {"MUL", 18, ta_prep_mul},
    {"QUANTIZE", 114, ta_prep_quantize},
    {"DEQUANTIZE", 6, ta_prep_dequantize},
    {"RELU", 19, ta_prep_relu},
    {"RELU6", 21, ta_prep_relu6},
    {"LEAKY_RELU", 98, ta_prep_leaky_relu},
    {"LOGISTIC", 14, ta_prep_logistic},
    {"TANH", 28, ta_prep_tanh},
    {"MEAN", 40, ta_prep_mean},
    {"PAD", 34, ta_prep_pad},
    {"CONCATENATION", 2, ta_prep_concatenation},
    {"SQUEEZE", 43, ta_prep_copy},
    {"STRIDED_SLICE", 45, ta_prep_strided_slice},
    {"TRANSPOSE", 39, ta_prep_transpose},
    {"HARD_SWISH", 117, ta_prep_hard_swish},
};
#define OP_COUNT ((int)(sizeof OPS / sizeof OPS[0]))

const char* const ta_op_names[] = {"CONV_2D", "DEPTHWISE_CONV_2D", "FULLY_CONNECTED", "AVERAGE_POOL_2D", "MAX_POOL_2D", "RESHAPE", "SOFTMAX", "ADD", "SUB", "MUL", "QUANTIZE", "DEQUANTIZE",
                                   "RELU", "RELU6", "LEAKY_RELU", "LOGISTIC", "TANH", "MEAN", "PAD", "CONCATENATION", "SQUEEZE", "STRIDED_SLICE", "TRANSPOSE", "HARD_SWISH"};
const int ta_op_count = OP_COUNT;

static const op_entry* op_by_code(int32_t code) {
  for (int i = 0; i < OP_COUNT; i++)
    if (OPS[i].code == code) return &OPS[i];
  return NULL;
}

/* ───────────────────────── errors ───────────────────────── */

static int fail(ta_interp* it, const char* fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

static int fail(ta_interp* it, const char* fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(it->error, sizeof it->error, fmt, ap);
  va_end(ap);
  return -1;
}

int ta_refuse(ta_prep* p, const char* fmt, ...) {
  char msg[160];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  return fail(p->it, "node #%ld %s: %s", (long)p->index, p->op, msg);
}

/* ───────────────────────── checked flatbuffer access ───────────────────────── */

typedef struct {
  uint32_t pos, vt;
  uint16_t vtsize, tsize;
} fb_table;

typedef struct {
  uint32_t start, len; /* first element, element count */
} fb_vec;

typedef struct {
  ta_interp* it;
  const uint8_t* b;
  uint32_t n;
} fb_file;

static int in_file(const fb_file* f, uint64_t pos, uint64_t size) { return pos + size <= f->n; }

/** A table at `pos` with its vtable checked; `path` names it in messages. */
static int fb_table_at(fb_file* f, uint32_t pos, fb_table* t, const char* path) {
  if (!in_file(f, pos, 4)) return fail(f->it, "%s: table at byte %lu lies outside the %lu-byte file", path, (unsigned long)pos, (unsigned long)f->n);
  int64_t vt = (int64_t)pos - (int64_t)ta_rd_i32(f->b + pos);
  if (vt < 0 || !in_file(f, (uint64_t)vt, 4)) return fail(f->it, "%s: vtable lies outside the file", path);
  uint16_t vtsize = ta_rd_u16(f->b + vt), tsize = ta_rd_u16(f->b + vt + 2);
  if (vtsize < 4 || vtsize % 2) return fail(f->it, "%s: vtable size %u is invalid", path, vtsize);
  if (!in_file(f, (uint64_t)vt, vtsize)) return fail(f->it, "%s: vtable lies outside the file", path);
  if (tsize < 4 || !in_file(f, pos, tsize)) return fail(f->it, "%s: table size %u is invalid", path, tsize);
  t->pos = pos;
  t->vt = (uint32_t)vt;
  t->vtsize = vtsize;
  t->tsize = tsize;
  return 0;
}

/** Position of a present field of `size` bytes, 0 when absent, or -1 (refused) when it overruns its table. */
static int64_t fb_field(fb_file* f, const fb_table* t, int id, uint32_t size, const char* path) {
  uint32_t slot = 4 + 2 * (uint32_t)id;
  if (slot + 2 > t->vtsize) return 0;
  uint16_t off = ta_rd_u16(f->b + t->vt + slot);
  if (off == 0) return 0;
  if ((uint32_t)off + size > t->tsize) return fail(f->it, "%s: field of %lu bytes at offset %u overruns its %u-byte table", path, (unsigned long)size, off, t->tsize);
  return (int64_t)t->pos + off;
}

static int fb_u32(fb_file* f, const fb_table* t, int id, uint32_t dflt, uint32_t* out, const char* path) {
  int64_t p = fb_field(f, t, id, 4, path);
  if (p < 0) return -1;
  *out = p ? ta_rd_u32(f->b + p) : dflt;
  return 0;
}

static int fb_i8(fb_file* f, const fb_table* t, int id, int8_t dflt, int8_t* out, const char* path) {
  int64_t p = fb_field(f, t, id, 1, path);
  if (p < 0) return -1;
  *out = p ? (int8_t)f->b[p] : dflt;
  return 0;
}

static int fb_u64(fb_file* f, const fb_table* t, int id, uint64_t* out, const char* path) {
  int64_t p = fb_field(f, t, id, 8, path);
  if (p < 0) return -1;
  *out = p ? ta_rd_u64(f->b + p) : 0;
  return 0;
}

/** Follow a uoffset field: the target position, 0 when absent, -1 when refused. */
static int64_t fb_ref(fb_file* f, const fb_table* t, int id, const char* path) {
  int64_t p = fb_field(f, t, id, 4, path);
  if (p <= 0) return p;
  uint64_t target = (uint64_t)p + ta_rd_u32(f->b + p);
  if (!in_file(f, target, 4)) return fail(f->it, "%s: referenced object at byte %llu lies outside the %lu-byte file", path, (unsigned long long)target, (unsigned long)f->n);
  return (int64_t)target;
}

/** A vector field with its whole extent checked; present = 0 when absent. */
static int fb_vector(fb_file* f, const fb_table* t, int id, uint32_t elem, fb_vec* v, int* present, const char* path) {
  *present = 0;
  v->start = v->len = 0;
  int64_t at = fb_ref(f, t, id, path);
  if (at < 0) return -1;
  if (at == 0) return 0;
  uint32_t len = ta_rd_u32(f->b + at);
  if (!in_file(f, (uint64_t)at + 4, (uint64_t)len * elem)) return fail(f->it, "%s: vector of %lu x %lu bytes lies outside the file", path, (unsigned long)len, (unsigned long)elem);
  v->start = (uint32_t)at + 4;
  v->len = len;
  *present = 1;
  return 0;
}

/** Element i of a vector of tables. */
static int fb_vec_table(fb_file* f, const fb_vec* v, uint32_t i, fb_table* t, const char* path) {
  uint32_t p = v->start + 4 * i;
  uint64_t target = (uint64_t)p + ta_rd_u32(f->b + p);
  if (!in_file(f, target, 4)) return fail(f->it, "%s: referenced table lies outside the file", path);
  return fb_table_at(f, (uint32_t)target, t, path);
}

/* ───────────────────────── arena ───────────────────────── */

static uint32_t align16(uint32_t n) { return (n + 15u) & ~15u; }

void* ta_alloc(ta_interp* it, uint32_t bytes) {
  uint32_t need = (bytes + 7u) & ~7u;
  if (need < bytes || (uint64_t)it->planned + it->tail + need > it->arena_size) {
    fail(it, "arena too small: needs at least %lu bytes (arena %lu)", (unsigned long)((uint64_t)it->planned + it->tail + need), (unsigned long)it->arena_size);
    return NULL;
  }
  it->tail += need;
  uint8_t* p = it->arena + it->arena_size - it->tail;
  memset(p, 0, need);
  return p;
}

/* ───────────────────────── reading the model ───────────────────────── */

typedef struct {
  const uint8_t* data; /* NULL: no data */
  uint32_t size;
} buffer_ref;

static int read_buffers(fb_file* f, const fb_vec* v, buffer_ref* out) {
  char path[48];
  for (uint32_t i = 0; i < v->len; i++) {
    snprintf(path, sizeof path, "buffers[%lu]", (unsigned long)i);
    fb_table t;
    if (fb_vec_table(f, v, i, &t, path) != 0) return -1;
    fb_vec data;
    int present;
    uint64_t offset, size;
    if (fb_vector(f, &t, BUFFER_DATA, 1, &data, &present, path) != 0) return -1;
    if (fb_u64(f, &t, BUFFER_OFFSET, &offset, path) != 0 || fb_u64(f, &t, BUFFER_SIZE, &size, path) != 0) return -1;
    out[i].data = NULL;
    out[i].size = 0;
    if (offset > 1) {
      /* Data stored after the flatbuffer (Buffer.offset/size); 0 and 1 mean unused. */
      if (offset > f->n || size > f->n - offset) return fail(f->it, "%s: external buffer data at byte %llu (+%llu) lies outside the %lu-byte file", path, (unsigned long long)offset, (unsigned long long)size, (unsigned long)f->n);
      if (size > 0) {
        out[i].data = f->b + offset;
        out[i].size = (uint32_t)size;
      }
    } else if (present && data.len > 0) {
      out[i].data = f->b + data.start;
      out[i].size = data.len;
    }
  }
  return 0;
}

static int read_tensor(fb_file* f, const fb_table* t, ta_tensor* out, const buffer_ref* buffers, uint32_t nbuffers, const char* path) {
  int8_t type;
  if (fb_i8(f, t, TENSOR_TYPE, 0, &type, path) != 0) return -1;
  if (type < 0 || type >= TYPE_COUNT) return fail(f->it, "%s.type: unknown tensor type %d", path, type);
  fb_vec shape;
  int present;
  if (fb_vector(f, t, TENSOR_SHAPE, 4, &shape, &present, path) != 0) return -1;
  if (shape.len > TA_MAX_DIMS) return fail(f->it, "%s.shape: %lu dimensions (the runtime handles up to %d)", path, (unsigned long)shape.len, TA_MAX_DIMS);
  uint64_t elements = 1;
  int zero = 0;
  for (uint32_t d = 0; d < shape.len; d++) {
    int32_t dim = ta_rd_i32(f->b + shape.start + 4 * d);
    if (dim < 0) return fail(f->it, "%s.shape: dimension %ld is negative", path, (long)dim);
    out->dims[d] = dim;
    if (dim == 0) zero = 1;
  }
  for (uint32_t d = 0; d < shape.len && !zero; d++) {
    elements *= (uint64_t)out->dims[d];
    if (elements > MAX_ELEMENTS) return fail(f->it, "%s.shape: more elements than any board can hold", path);
  }
  if (zero) elements = 0;
  out->ndims = (uint8_t)shape.len;
  out->type = (uint8_t)type;
  out->elements = (int32_t)elements;
  uint32_t width = TYPE_WIDTH[type];
  uint64_t bytes = elements * (width ? width : 1);
  if (bytes > 0xffffffffu) return fail(f->it, "%s.shape: more bytes than any board can hold", path);
  out->bytes = (uint32_t)bytes;

  uint32_t buffer;
  if (fb_u32(f, t, TENSOR_BUFFER, 0, &buffer, path) != 0) return -1;
  if (buffer >= nbuffers) return fail(f->it, "%s.buffer: buffer index %lu is out of range (%lu buffers)", path, (unsigned long)buffer, (unsigned long)nbuffers);
  if (fb_field(f, t, TENSOR_SPARSITY, 4, path) != 0) return fail(f->it, "%s: sparse tensors are not supported", path);
  const buffer_ref* data = &buffers[buffer];
  if (data->data) {
    if (width > 0 && data->size != elements * width)
      return fail(f->it, "%s: constant data is %lu bytes but its shape of %s needs %llu", path, (unsigned long)data->size, TYPE_NAMES[type], (unsigned long long)(elements * width));
    out->is_const = 1;
    out->data = (uint8_t*)(uintptr_t)data->data; /* never written: graph inputs and node outputs may not be constants */
  }
  int8_t variable;
  if (fb_i8(f, t, TENSOR_VARIABLE, 0, &variable, path) != 0) return -1;
  out->is_variable = variable != 0;

  int64_t q = fb_ref(f, t, TENSOR_QUANT, path);
  if (q < 0) return -1;
  if (q > 0) {
    char qpath[80];
    snprintf(qpath, sizeof qpath, "%s.quantization", path);
    fb_table qt;
    if (fb_table_at(f, (uint32_t)q, &qt, qpath) != 0) return -1;
    fb_vec scale, zero_point;
    int has_scale, has_zero;
    if (fb_vector(f, &qt, QUANT_SCALE, 4, &scale, &has_scale, qpath) != 0) return -1;
    if (fb_vector(f, &qt, QUANT_ZERO, 8, &zero_point, &has_zero, qpath) != 0) return -1;
    uint32_t dim;
    if (fb_u32(f, &qt, QUANT_DIM, 0, &dim, qpath) != 0) return -1;
    for (uint32_t i = 0; i < zero_point.len; i++) {
      int64_t z = (int64_t)ta_rd_u64(f->b + zero_point.start + 8 * i);
      if (z > ((int64_t)1 << 53) || z < -((int64_t)1 << 53)) return fail(f->it, "%s.zero_point[%lu]: value exceeds 2^53", qpath, (unsigned long)i);
    }
    if (has_scale && scale.len > 0) {
      out->has_quant = 1;
      out->nscale = scale.len;
      out->scales = f->b + scale.start;
      out->scale = ta_rd_f32(out->scales);
      out->nzero = zero_point.len;
      out->zeros = f->b + zero_point.start;
      out->zero_point = zero_point.len ? (int64_t)ta_rd_u64(out->zeros) : 0;
      out->quantized_dim = (int32_t)dim;
    }
  }
  return 0;
}

/** A vector of tensor indices (each in range; -1 allowed for omitted optional inputs). */
static int read_indices(fb_file* f, const fb_table* t, int id, int allow_omitted, int32_t ntensors, const int32_t** out, int32_t* count, const char* path) {
  fb_vec v;
  int present;
  if (fb_vector(f, t, id, 4, &v, &present, path) != 0) return -1;
  int32_t* idx = v.len ? (int32_t*)ta_alloc(f->it, 4 * v.len) : NULL;
  if (v.len && !idx) return -1;
  for (uint32_t i = 0; i < v.len; i++) {
    int32_t x = ta_rd_i32(f->b + v.start + 4 * i);
    if (!((allow_omitted && x == -1) || (x >= 0 && x < ntensors))) return fail(f->it, "%s[%lu]: tensor index %ld is out of range (%ld tensors)", path, (unsigned long)i, (long)x, (long)ntensors);
    idx[i] = x;
  }
  *out = idx;
  *count = (int32_t)v.len;
  return 0;
}

/* ───────────────────────── the arena plan (grader/validate/arena.ts) ───────────────────────── */

typedef struct {
  int32_t tensor;
  uint32_t size;
  int32_t first, last;
  uint32_t offset;
} plan_entry;

/**
 * TFLM's greedy plan: lifetimes (graph inputs from scope 0, node outputs from their node, inputs
 * until their last reader, graph outputs until the end), sizes rounded to 16, largest first (ties:
 * later tensors first), each at the lowest offset free of every buffer alive at the same time.
 * Working memory comes from the arena's free middle.
 */
static int plan_arena(ta_interp* it) {
  int32_t n = it->ntensors;
  uint32_t free_bytes = it->arena_size - it->tail;
  uint64_t need = (uint64_t)n * (8 + 2 * sizeof(plan_entry) + 4);
  if (need > free_bytes) return fail(it, "arena too small: needs at least %llu bytes to plan %ld tensors (arena %lu)", (unsigned long long)(need + it->tail), (long)n, (unsigned long)it->arena_size);
  int32_t* first = (int32_t*)it->arena;
  int32_t* last = first + n;
  plan_entry* wanted = (plan_entry*)(last + n);
  plan_entry* placed = wanted + n;
  int32_t* order = (int32_t*)(placed + n);
  for (int32_t i = 0; i < n; i++) first[i] = last[i] = -1;
  for (int32_t k = 0; k < it->ninputs; k++) {
    int32_t i = it->inputs[k];
    if (first[i] == -1) first[i] = 0;
    last[i] = 0;
  }
  int32_t scope = 0;
  for (int32_t s = 0; s < it->nnodes; s++) {
    const ta_node* node = &it->nodes[s];
    scope++;
    for (int32_t k = 0; k < node->noutputs; k++)
      if (first[node->outputs[k]] == -1) first[node->outputs[k]] = scope;
    for (int32_t k = 0; k < node->ninputs; k++)
      if (node->inputs[k] >= 0) last[node->inputs[k]] = scope;
    for (int32_t k = 0; k < node->noutputs; k++) last[node->outputs[k]] = scope;
  }
  for (int32_t k = 0; k < it->noutputs; k++) {
    int32_t o = it->outputs[k];
    if (first[o] == -1) first[o] = scope;
    last[o] = scope;
  }
  int32_t nw = 0;
  for (int32_t i = 0; i < n; i++) {
    const ta_tensor* t = &it->tensors[i];
    if (t->is_const || t->is_variable || t->bytes == 0 || first[i] == -1) continue;
    if (t->bytes > 0xfffffff0u) return fail(it, "tensor %ld is too large for any arena", (long)i);
    wanted[nw].tensor = i;
    wanted[nw].size = align16(t->bytes);
    wanted[nw].first = first[i];
    wanted[nw].last = last[i];
    nw++;
  }
  /* Reversed, then a stable sort by size, largest first (insertion sort: stable). */
  for (int32_t k = 0; k < nw; k++) order[k] = nw - 1 - k;
  for (int32_t k = 1; k < nw; k++) {
    int32_t x = order[k];
    int32_t j = k - 1;
    while (j >= 0 && wanted[order[j]].size < wanted[x].size) {
      order[j + 1] = order[j];
      j--;
    }
    order[j + 1] = x;
  }
  int32_t np = 0; /* placed, sorted by offset */
  uint64_t peak = 0;
  for (int32_t k = 0; k < nw; k++) {
    plan_entry w = wanted[order[k]];
    uint64_t candidate = 0;
    for (int32_t j = 0; j < np; j++) {
      const plan_entry* q = &placed[j];
      if (q->first > w.last || w.first > q->last) continue;
      if ((uint64_t)q->offset >= candidate && q->offset - candidate >= w.size) break;
      uint64_t end = (uint64_t)q->offset + q->size;
      if (end > candidate) candidate = end;
    }
    if (candidate + w.size > free_bytes) return fail(it, "arena too small: needs at least %llu bytes for activations (arena %lu)", (unsigned long long)(candidate + w.size + it->tail), (unsigned long)it->arena_size);
    w.offset = (uint32_t)candidate;
    int32_t at = np;
    for (int32_t j = 0; j < np; j++)
      if (placed[j].offset > w.offset) {
        at = j;
        break;
      }
    for (int32_t j = np; j > at; j--) placed[j] = placed[j - 1];
    placed[at] = w;
    np++;
    if (candidate + w.size > peak) peak = candidate + w.size;
  }
  /* The working memory overlaps the activations: read the offsets out before anything is placed. */
  uint32_t planned = (uint32_t)peak;
  if ((uint64_t)planned + it->tail > it->arena_size) return fail(it, "arena too small: needs at least %llu bytes (arena %lu)", (unsigned long long)planned + it->tail, (unsigned long)it->arena_size);
  for (int32_t j = 0; j < np; j++) it->tensors[placed[j].tensor].data = it->arena + placed[j].offset;
  it->planned = planned;
  return 0;
}

/* ───────────────────────── init ───────────────────────── */

ta_tensor* ta_input(const ta_interp* it, int k) { return &it->tensors[it->inputs[k]]; }
ta_tensor* ta_output(const ta_interp* it, int k) { return &it->tensors[it->outputs[k]]; }
uint32_t ta_arena_used(const ta_interp* it) { return it->planned + it->tail; }

static const char* const OP_NAME_UNKNOWN = "UNKNOWN";

/** Names for builtin codes the runtime does not run, for the refusal message (codes 0 … 127 that matter most). */
static const char* builtin_name(int32_t code, char* buf, size_t cap) {
  const op_entry* e = op_by_code(code);
  if (e) return e->name;
  static const struct {
    int32_t code;
    const char* name;
  } other[] = {{5, "DEPTH_TO_SPACE"}, {8, "FLOOR"}, {11, "L2_NORMALIZATION"}, {12, "L2_POOL_2D"}, {16, "LSTM"}, {20, "RELU_N1_TO_1"}, {23, "RESIZE_BILINEAR"}, {26, "SPACE_TO_DEPTH"},
               {27, "SVDF"}, {32, "CUSTOM"}, {36, "GATHER"}, {42, "DIV"}, {44, "UNIDIRECTIONAL_SEQUENCE_LSTM"}, {47, "EXP"}, {49, "SPLIT"}, {53, "CAST"}, {54, "PRELU"}, {55, "MAXIMUM"},
               {56, "ARG_MAX"}, {57, "MINIMUM"}, {60, "PADV2"}, {65, "SLICE"}, {67, "TRANSPOSE_CONV"}, {70, "EXPAND_DIMS"}, {74, "SUM"}, {75, "SQRT"}, {76, "RSQRT"}, {82, "REDUCE_MAX"},
               {83, "PACK"}, {88, "UNPACK"}, {97, "RESIZE_NEAREST_NEIGHBOR"}, {102, "SPLIT_V"}, {126, "BATCH_MATMUL"}, {150, "GELU"}};
  for (size_t i = 0; i < sizeof other / sizeof other[0]; i++)
    if (other[i].code == code) return other[i].name;
  snprintf(buf, cap, "%s_%ld", OP_NAME_UNKNOWN, (long)code);
  return buf;
}

int ta_init(ta_interp* it, const uint8_t* model, size_t model_size, uint8_t* arena, size_t arena_size, ta_arith arith) {
  memset(it, 0, sizeof *it);
  it->model = model;
  it->arena = arena;
  it->arith = arith;
  if (model_size > 0x7fffffffu) return fail(it, "the model is too large");
  if (arena_size > 0x7fffffffu) arena_size = 0x7fffffffu;
  it->model_size = (uint32_t)model_size;
  it->arena_size = (uint32_t)arena_size & ~15u;
  if (((uintptr_t)arena & 15u) != 0) return fail(it, "internal: the arena is not 16-byte aligned");
  fb_file f = {it, model, (uint32_t)model_size};
  if (f.n < 8) return fail(it, "%lu bytes is too small to be a flatbuffer", (unsigned long)f.n);

  fb_table root;
  if (fb_table_at(&f, ta_rd_u32(model), &root, "model") != 0) return -1;
  uint32_t version;
  if (fb_u32(&f, &root, MODEL_VERSION, 0, &version, "version") != 0) return -1;

  /* Buffers: read into working memory at the start of the arena (the plan reuses it later). */
  fb_vec buffers_v, codes_v, subgraphs_v;
  int present;
  if (fb_vector(&f, &root, MODEL_BUFFERS, 4, &buffers_v, &present, "buffers") != 0) return -1;
  if (fb_vector(&f, &root, MODEL_OPCODES, 4, &codes_v, &present, "operator_codes") != 0) return -1;
  if (fb_vector(&f, &root, MODEL_SUBGRAPHS, 4, &subgraphs_v, &present, "subgraphs") != 0) return -1;
  if (subgraphs_v.len == 0) return fail(it, "subgraphs: the model has no subgraph");

  fb_table sg;
  if (fb_vec_table(&f, &subgraphs_v, 0, &sg, "subgraphs[0]") != 0) return -1;
  fb_vec tensors_v, ops_v;
  if (fb_vector(&f, &sg, SUBGRAPH_TENSORS, 4, &tensors_v, &present, "subgraphs[0].tensors") != 0) return -1;
  if (fb_vector(&f, &sg, SUBGRAPH_OPERATORS, 4, &ops_v, &present, "subgraphs[0].operators") != 0) return -1;
  if (tensors_v.len > MAX_TENSORS) return fail(it, "subgraphs[0].tensors: %lu entries; no board model has more than %d", (unsigned long)tensors_v.len, MAX_TENSORS);
  if (ops_v.len > MAX_OPERATORS) return fail(it, "subgraphs[0].operators: %lu entries; no board model has more than %d", (unsigned long)ops_v.len, MAX_OPERATORS);

  it->ntensors = (int32_t)tensors_v.len;
  it->nnodes = (int32_t)ops_v.len;
  it->tensors = it->ntensors ? (ta_tensor*)ta_alloc(it, (uint32_t)(sizeof(ta_tensor) * it->ntensors)) : NULL;
  if (it->ntensors && !it->tensors) return -1;
  it->nodes = it->nnodes ? (ta_node*)ta_alloc(it, (uint32_t)(sizeof(ta_node) * it->nnodes)) : NULL;
  if (it->nnodes && !it->nodes) return -1;

  /* Buffer references live in the free middle of the arena until the tensors have read them. */
  uint64_t buf_bytes = (uint64_t)buffers_v.len * sizeof(buffer_ref);
  if (buf_bytes + it->tail > it->arena_size) return fail(it, "arena too small: needs at least %llu bytes to read %lu buffers", (unsigned long long)(buf_bytes + it->tail), (unsigned long)buffers_v.len);
  buffer_ref* buffers = (buffer_ref*)it->arena;
  if (read_buffers(&f, &buffers_v, buffers) != 0) return -1;

  char path[64];
  for (int32_t i = 0; i < it->ntensors; i++) {
    snprintf(path, sizeof path, "subgraphs[0].tensors[%ld]", (long)i);
    fb_table t;
    if (fb_vec_table(&f, &tensors_v, (uint32_t)i, &t, path) != 0) return -1;
    if (read_tensor(&f, &t, &it->tensors[i], buffers, buffers_v.len, path) != 0) return -1;
  }
  if (read_indices(&f, &sg, SUBGRAPH_INPUTS, 0, it->ntensors, &it->inputs, &it->ninputs, "subgraphs[0].inputs") != 0) return -1;
  if (read_indices(&f, &sg, SUBGRAPH_OUTPUTS, 0, it->ntensors, &it->outputs, &it->noutputs, "subgraphs[0].outputs") != 0) return -1;

  for (int32_t s = 0; s < it->nnodes; s++) {
    snprintf(path, sizeof path, "subgraphs[0].operators[%ld]", (long)s);
    fb_table t;
    if (fb_vec_table(&f, &ops_v, (uint32_t)s, &t, path) != 0) return -1;
    ta_node* node = &it->nodes[s];
    uint32_t opcode;
    if (fb_u32(&f, &t, OPERATOR_OPCODE, 0, &opcode, path) != 0) return -1;
    if (opcode >= codes_v.len) return fail(it, "%s.opcode_index: opcode index %lu is out of range (%lu operator codes)", path, (unsigned long)opcode, (unsigned long)codes_v.len);
    char cpath[48];
    snprintf(cpath, sizeof cpath, "operator_codes[%lu]", (unsigned long)opcode);
    fb_table code;
    if (fb_vec_table(&f, &codes_v, opcode, &code, cpath) != 0) return -1;
    int8_t deprecated;
    uint32_t builtin;
    if (fb_i8(&f, &code, OPCODE_DEPRECATED, 0, &deprecated, cpath) != 0 || fb_u32(&f, &code, OPCODE_BUILTIN, 0, &builtin, cpath) != 0) return -1;
    /* Old files only fill the byte field; new ones set it to 127 (PLACEHOLDER) and use the int32 field. */
    int32_t c = (int32_t)builtin > deprecated ? (int32_t)builtin : deprecated;
    if (c < 0) return fail(it, "%s.builtin_code: negative operator code %ld", cpath, (long)c);
    node->code = c;
    if (read_indices(&f, &t, OPERATOR_INPUTS, 1, it->ntensors, &node->inputs, &node->ninputs, path) != 0) return -1;
    if (read_indices(&f, &t, OPERATOR_OUTPUTS, 0, it->ntensors, &node->outputs, &node->noutputs, path) != 0) return -1;
    int64_t type_pos = fb_field(&f, &t, OPERATOR_OPTIONS_TYPE, 1, path);
    if (type_pos < 0) return -1;
    node->options_type = type_pos ? f.b[type_pos] : 0;
    int64_t options = fb_ref(&f, &t, OPERATOR_OPTIONS, path);
    if (options < 0) return -1;
    if (options > 0 && node->options_type != 0) {
      char opath[96];
      snprintf(opath, sizeof opath, "%s.builtin_options", path);
      fb_table ot;
      if (fb_table_at(&f, (uint32_t)options, &ot, opath) != 0) return -1;
      node->options_pos = (uint32_t)options;
    }
  }
  (void)version;

  /* What the kernels may not do: write into the model (constants are read in place). */
  for (int32_t k = 0; k < it->ninputs; k++)
    if (it->tensors[it->inputs[k]].is_const) return fail(it, "graph input %ld (tensor %ld) is a constant", (long)k, (long)it->inputs[k]);
  for (int32_t s = 0; s < it->nnodes; s++) {
    const ta_node* node = &it->nodes[s];
    for (int32_t k = 0; k < node->noutputs; k++) {
      if (it->tensors[node->outputs[k]].is_const) return fail(it, "node #%ld writes into constant tensor %ld", (long)s, (long)node->outputs[k]);
      for (int32_t j = 0; j < node->ninputs; j++)
        if (node->inputs[j] == node->outputs[k]) return fail(it, "node #%ld writes into its own input tensor %ld", (long)s, (long)node->outputs[k]);
    }
  }

  if (plan_arena(it) != 0) return -1;
  /* Activations start zeroed, as the engine's memory does (a kernel may read a tensor nothing wrote). */
  memset(it->arena, 0, it->planned);
  /* Unplanned tensors that are not constants (variables, unread or empty ones): zeroed storage of their own. */
  for (int32_t i = 0; i < it->ntensors; i++) {
    ta_tensor* t = &it->tensors[i];
    if (t->data) continue;
    t->data = (uint8_t*)ta_alloc(it, t->bytes ? t->bytes : 4);
    if (!t->data) return -1;
  }

  for (int32_t s = 0; s < it->nnodes; s++) {
    ta_node* node = &it->nodes[s];
    const op_entry* e = op_by_code(node->code);
    char name[32];
    if (!e) return fail(it, "unsupported op %s", builtin_name(node->code, name, sizeof name));
    ta_prep p = {it, node, s, e->name, TA_DOUBLE};
    if (arith == TA_ARITH_TFLM_SINGLE || (arith == TA_ARITH_TFLITE && node->code != 4 /* DEPTHWISE_CONV_2D */)) p.rounding = TA_SINGLE;
    if (e->prepare(&p) != 0) return -1;
  }
  it->ready = 1;
  return 0;
}

void ta_invoke(const ta_interp* it) {
  if (!it->ready) return;
  for (int32_t s = 0; s < it->nnodes; s++) it->nodes[s].eval(&it->nodes[s]);
}

/* ───────────────────────── helpers for the kernels ───────────────────────── */

ta_tensor* ta_in_opt(ta_prep* p, int k, int* missing) {
  *missing = 0;
  if (k >= p->node->ninputs || p->node->inputs[k] < 0) {
    *missing = 1;
    return NULL;
  }
  return &p->it->tensors[p->node->inputs[k]];
}

ta_tensor* ta_in(ta_prep* p, int k) {
  int missing;
  ta_tensor* t = ta_in_opt(p, k, &missing);
  if (!t) ta_refuse(p, "missing input %d", k);
  return t;
}

ta_tensor* ta_out(ta_prep* p, int k) {
  if (k >= p->node->noutputs) {
    ta_refuse(p, "missing output %d", k);
    return NULL;
  }
  return &p->it->tensors[p->node->outputs[k]];
}

uint32_t ta_options(ta_prep* p, int type) { return p->node->options_type == type ? p->node->options_pos : 0; }

/* Option fields of an already checked table: bounds were checked when the node was read. */
static int64_t opt_field(ta_prep* p, uint32_t table, int id, uint32_t size) {
  fb_file f = {p->it, p->it->model, p->it->model_size};
  fb_table t;
  if (fb_table_at(&f, table, &t, "builtin_options") != 0) return -1;
  return fb_field(&f, &t, id, size, "builtin_options");
}

int32_t ta_opt_i32(ta_prep* p, uint32_t table, int id, int32_t dflt) {
  int64_t at = table ? opt_field(p, table, id, 4) : 0;
  return at > 0 ? ta_rd_i32(p->it->model + at) : dflt;
}

int32_t ta_opt_i8(ta_prep* p, uint32_t table, int id, int32_t dflt) {
  int64_t at = table ? opt_field(p, table, id, 1) : 0;
  return at > 0 ? (int8_t)p->it->model[at] : dflt;
}

float ta_opt_f32(ta_prep* p, uint32_t table, int id, float dflt) {
  int64_t at = table ? opt_field(p, table, id, 4) : 0;
  return at > 0 ? ta_rd_f32(p->it->model + at) : dflt;
}

int ta_opt_padding(ta_prep* p, uint32_t table, int id) {
  int32_t v = ta_opt_i8(p, table, id, 0);
  if (v != TA_PAD_SAME && v != TA_PAD_VALID) return ta_refuse(p, "unknown padding %ld", (long)v);
  return v;
}

int ta_opt_activation(ta_prep* p, uint32_t table, int id) {
  int32_t v = ta_opt_i8(p, table, id, 0);
  if (v < 0 || v > TA_ACT_SIGN_BIT) return ta_refuse(p, "unknown activation %ld", (long)v);
  return v;
}

int ta_scale_zp(ta_prep* p, const ta_tensor* t, float* scale, int64_t* zp) {
  if (!t->has_quant) return ta_refuse(p, "tensor %ld has no quantization parameters", (long)(t - p->it->tensors));
  if (!(t->scale > 0) || !isfinite(t->scale)) return ta_refuse(p, "tensor %ld has scale %g (must be > 0 and finite)", (long)(t - p->it->tensors), (double)t->scale);
  if (t->type == TA_INT8 && (t->zero_point < -128 || t->zero_point > 127)) return ta_refuse(p, "tensor %ld has zero point %lld outside -128..127", (long)(t - p->it->tensors), (long long)t->zero_point);
  *scale = t->scale;
  *zp = t->zero_point;
  return 0;
}

/** TFLite Quantize(): zero_point + round(f / scale) in float32 (kept in double: it may be huge). */
static double quantize_value(float scale, int64_t zp, float f) { return (double)zp + ta_round((double)(f / scale)); }

int ta_activation_range(ta_prep* p, int activation, float scale, int64_t zp, int32_t* lo, int32_t* hi) {
  double a = -128, b = 127;
  switch (activation) {
    case TA_ACT_NONE:
      break;
    case TA_ACT_RELU:
      a = fmax(-128, quantize_value(scale, zp, 0.0f));
      break;
    case TA_ACT_RELU6:
      a = fmax(-128, quantize_value(scale, zp, 0.0f));
      b = fmin(127, quantize_value(scale, zp, 6.0f));
      break;
    case TA_ACT_RELU_N1_TO_1:
      a = fmax(-128, quantize_value(scale, zp, -1.0f));
      b = fmin(127, quantize_value(scale, zp, 1.0f));
      break;
    default:
      return ta_refuse(p, "fused activation %s is not supported on int8 kernels", activation == TA_ACT_TANH ? "TANH" : "SIGN_BIT");
  }
  if (!(a <= 2147483647.0) || !(b >= -2147483648.0)) return ta_refuse(p, "activation range out of bounds");
  *lo = (int32_t)a;
  *hi = (int32_t)b;
  return 0;
}

int64_t ta_expected_out(int padding, int32_t in, int32_t filter, int32_t stride, int32_t dilation) {
  if (stride < 1 || dilation < 1) return -1;
  int64_t effective = (int64_t)(filter - 1) * dilation + 1;
  int64_t num = padding == TA_PAD_SAME ? (int64_t)in + stride - 1 : (int64_t)in + stride - effective;
  /* floor division (the numerator may be negative for VALID with a filter larger than the input) */
  int64_t q = num / stride;
  if (num % stride != 0 && num < 0) q--;
  return q;
}

int32_t ta_padding_before(int32_t in, int32_t filter, int32_t stride, int32_t dilation, int32_t out) {
  int64_t effective = (int64_t)(filter - 1) * dilation + 1;
  int64_t total = ((int64_t)out - 1) * stride + effective - in;
  return total > 0 ? (int32_t)(total / 2) : 0;
}

int ta_check_shift(ta_prep* p, int shift) {
  if (shift >= 32) return ta_refuse(p, "requantization multiplier 2^%d is out of range", shift - 1);
  return 0;
}

int ta_per_channel_multipliers(ta_prep* p, const ta_tensor* in, const ta_tensor* filter, const ta_tensor* out, int32_t channels, int32_t** mult, int8_t** shift) {
  float in_scale, out_scale;
  int64_t zp;
  if (ta_scale_zp(p, in, &in_scale, &zp) != 0 || ta_scale_zp(p, out, &out_scale, &zp) != 0) return -1;
  if (!filter->has_quant) return ta_refuse(p, "filter %ld has no quantization parameters", (long)(filter - p->it->tensors));
  int per_channel = filter->nscale > 1;
  if (per_channel && filter->nscale != (uint32_t)channels) return ta_refuse(p, "filter has %lu scales for %ld output channels", (unsigned long)filter->nscale, (long)channels);
  *mult = (int32_t*)ta_alloc(p->it, 4 * (uint32_t)channels);
  *shift = (int8_t*)ta_alloc(p->it, (uint32_t)channels);
  if (channels && (!*mult || !*shift)) return -1;
  for (int32_t c = 0; c < channels; c++) {
    float fs = ta_scale_at(filter, (uint32_t)c);
    if (!(fs > 0) || !isfinite(fs)) return ta_refuse(p, "filter scale %g (must be > 0 and finite)", (double)fs);
    int s;
    ta_quantize_multiplier((double)in_scale * (double)fs / (double)out_scale, p->rounding, &(*mult)[c], &s);
    if (ta_check_shift(p, s) != 0) return -1;
    (*shift)[c] = (int8_t)s;
  }
  return 0;
}
