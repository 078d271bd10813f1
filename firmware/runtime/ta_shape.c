/*
 * Data-movement ops and MEAN: RESHAPE / SQUEEZE (copies), PAD, CONCATENATION, STRIDED_SLICE,
 * TRANSPOSE, and MEAN (reference_ops::QuantizedMeanOrSum), as grader/interpreter/kernels/copy.ts,
 * pad.ts, concatenation.ts, strided-slice.ts, transpose.ts and mean.ts do them.
 */
#include "ta_internal.h"

/** Row-major element strides of a shape. */
static void strides_of(const int32_t* dims, int32_t rank, int32_t* strides) {
  int32_t acc = 1;
  for (int32_t d = rank - 1; d >= 0; d--) {
    strides[d] = acc;
    acc *= dims[d];
  }
}

/** A constant int32 tensor with `count` elements (begin/end/strides, axes, paddings, permutations). */
static int const_i32(ta_prep* p, const ta_tensor* t, const char* what) {
  if (!t->is_const || t->type != TA_INT32) return ta_refuse(p, "%s must be a constant int32 tensor", what);
  return 0;
}

/* ───────────────────────── RESHAPE / SQUEEZE ───────────────────────── */

typedef struct {
  const uint8_t* x;
  uint8_t* y;
  uint32_t bytes;
} copy_data;

static void eval_copy(const ta_node* node) {
  const copy_data* d = (const copy_data*)node->data;
  if (d->x != d->y) memmove(d->y, d->x, d->bytes);
}

int ta_prep_copy(ta_prep* p) {
  ta_tensor *input = ta_in(p, 0), *output = input ? ta_out(p, 0) : NULL;
  if (!output) return -1;
  if (input->type != output->type) return ta_refuse(p, "input and output types differ");
  if (input->bytes != output->bytes) return ta_refuse(p, "input has %ld elements, output %ld", (long)input->elements, (long)output->elements);
  if (input->has_quant && output->has_quant && (input->scale != output->scale || input->zero_point != output->zero_point)) return ta_refuse(p, "input and output quantization differ");
  copy_data* d = (copy_data*)ta_alloc(p->it, sizeof(copy_data));
  if (!d) return -1;
  d->x = input->data;
  d->y = output->data;
  d->bytes = output->bytes;
  p->node->data = d;
  p->node->eval = eval_copy;
  return 0;
}

/* ───────────────────────── PAD ───────────────────────── */

typedef struct {
  const int8_t* x;
  int8_t* y;
  int32_t rank, in_elements, out_elements;
  int32_t in_dims[TA_MAX_DIMS];
  int32_t out_strides[TA_MAX_DIMS];
  int32_t start; /* output offset of the first input element */
  int8_t value;
} pad_data;

static void eval_pad(const ta_node* node) {
  const pad_data* d = (const pad_data*)node->data;
  memset(d->y, (uint8_t)d->value, (size_t)d->out_elements);
  int32_t idx[TA_MAX_DIMS] = {0};
  int32_t o = d->start;
  for (int32_t i = 0; i < d->in_elements; i++) {
    d->y[o] = d->x[i];
    for (int32_t k = d->rank - 1; k >= 0; k--) {
      idx[k]++;
      o += d->out_strides[k];
      if (idx[k] < d->in_dims[k]) break;
      o -= d->out_strides[k] * d->in_dims[k];
      idx[k] = 0;
    }
  }
}

int ta_prep_pad(ta_prep* p) {
  ta_tensor *input = ta_in(p, 0), *paddings = input ? ta_in(p, 1) : NULL, *output = paddings ? ta_out(p, 0) : NULL;
  if (!output) return -1;
  int missing;
  ta_tensor* constant = ta_in_opt(p, 2, &missing);
  if (input->type != TA_INT8 || output->type != TA_INT8) return ta_refuse(p, "only int8 is supported");
  if (const_i32(p, paddings, "paddings") != 0) return -1;
  int32_t rank = input->ndims;
  if (paddings->elements != rank * 2 || output->ndims != rank) return ta_refuse(p, "paddings do not match the input rank");
  pad_data* d = (pad_data*)ta_alloc(p->it, sizeof(pad_data));
  if (!d) return -1;
  strides_of(output->dims, rank, d->out_strides);
  d->start = 0;
  for (int32_t k = 0; k < rank; k++) {
    int32_t lo = ta_rd_i32(paddings->data + 8 * k), hi = ta_rd_i32(paddings->data + 8 * k + 4);
    if (lo < 0 || hi < 0 || (int64_t)input->dims[k] + lo + hi != output->dims[k]) return ta_refuse(p, "padding of dimension %ld does not give the output shape", (long)k);
    d->in_dims[k] = input->dims[k];
    d->start += lo * d->out_strides[k];
  }
  if (constant) {
    /* The value the pad tensor holds at prepare time (storage starts zeroed), as the engine reads it. */
    d->value = constant->bytes ? (int8_t)constant->data[0] : 0;
  } else {
    float so;
    int64_t zo;
    if (ta_scale_zp(p, output, &so, &zo) != 0) return -1;
    d->value = (int8_t)zo;
  }
  d->x = (const int8_t*)input->data;
  d->y = (int8_t*)output->data;
  d->rank = rank;
  d->in_elements = input->elements;
  d->out_elements = output->elements;
  if (d->in_elements == 0) d->start = 0;
  p->node->data = d;
  p->node->eval = eval_pad;
  return 0;
}

/* ───────────────────────── CONCATENATION ───────────────────────── */

typedef struct {
  int8_t* y;
  int32_t outer, ninputs;
  const int8_t** x;
  int32_t* size; /* bytes per outer step, per input */
} concat_data;

static void eval_concat(const ta_node* node) {
  const concat_data* d = (const concat_data*)node->data;
  int8_t* y = d->y;
  for (int32_t k = 0; k < d->outer; k++) {
    for (int32_t i = 0; i < d->ninputs; i++) {
      memcpy(y, d->x[i] + (size_t)k * d->size[i], (size_t)d->size[i]);
      y += d->size[i];
    }
  }
}

int ta_prep_concatenation(ta_prep* p) {
  uint32_t opts = ta_options(p, TA_OPT_CONCATENATION);
  if (!opts) return ta_refuse(p, "missing ConcatenationOptions");
  int32_t axis = ta_opt_i32(p, opts, 0, 0);
  int activation = ta_opt_activation(p, opts, 1);
  if (activation < 0) return -1;
  if (activation != TA_ACT_NONE) return ta_refuse(p, "fused activations on CONCATENATION are not supported");
  ta_tensor* output = ta_out(p, 0);
  if (!output) return -1;
  int32_t rank = output->ndims;
  if (axis < 0) axis += rank;
  if (axis < 0 || axis >= rank) return ta_refuse(p, "axis is outside rank %ld", (long)rank);
  float so;
  int64_t zo;
  if (ta_scale_zp(p, output, &so, &zo) != 0) return -1;
  int32_t n = p->node->ninputs;
  concat_data* d = (concat_data*)ta_alloc(p->it, sizeof(concat_data));
  if (!d) return -1;
  d->x = (const int8_t**)ta_alloc(p->it, (uint32_t)(sizeof(int8_t*) * (n ? n : 1)));
  d->size = (int32_t*)ta_alloc(p->it, 4 * (uint32_t)(n ? n : 1));
  if (!d->x || !d->size) return -1;
  if (output->type != TA_INT8) return ta_refuse(p, "only int8 is supported");
  int64_t inner = 1, outer = 1, total = 0;
  for (int32_t k = axis + 1; k < rank; k++) inner *= output->dims[k];
  for (int32_t k = 0; k < axis; k++) outer *= output->dims[k];
  for (int32_t i = 0; i < n; i++) {
    ta_tensor* t = ta_in(p, i);
    if (!t) return -1;
    if (t->type != TA_INT8 || t->ndims != rank) return ta_refuse(p, "inputs must be int8 of the output rank");
    float s;
    int64_t z;
    if (ta_scale_zp(p, t, &s, &z) != 0) return -1;
    if (s != so || z != zo) return ta_refuse(p, "inputs must be quantized like the output");
    for (int32_t k = 0; k < rank; k++)
      if (k != axis && t->dims[k] != output->dims[k]) return ta_refuse(p, "input shapes differ outside the axis");
    total += t->dims[axis];
    d->x[i] = (const int8_t*)t->data;
    d->size[i] = (int32_t)(t->dims[axis] * inner);
  }
  if (total != output->dims[axis]) return ta_refuse(p, "input sizes along the axis do not add up to the output");
  d->y = (int8_t*)output->data;
  d->outer = (int32_t)outer;
  d->ninputs = n;
  p->node->data = d;
  p->node->eval = eval_concat;
  return 0;
}

/* ───────────────────────── STRIDED_SLICE ───────────────────────── */

typedef struct {
  const uint8_t* x;
  uint8_t* y;
  int32_t rank, count, width;
  int32_t start[TA_MAX_DIMS], step[TA_MAX_DIMS], len[TA_MAX_DIMS]; /* step in source elements */
} slice_data;

static void eval_slice(const ta_node* node) {
  const slice_data* d = (const slice_data*)node->data;
  int32_t idx[TA_MAX_DIMS] = {0};
  int64_t src = 0;
  for (int32_t k = 0; k < d->rank; k++) src += d->start[k];
  for (int32_t i = 0; i < d->count; i++) {
    memcpy(d->y + (size_t)i * d->width, d->x + (size_t)src * d->width, (size_t)d->width);
    for (int32_t k = d->rank - 1; k >= 0; k--) {
      idx[k]++;
      src += d->step[k];
      if (idx[k] < d->len[k]) break;
      src -= (int64_t)d->step[k] * d->len[k];
      idx[k] = 0;
    }
  }
}

int ta_prep_strided_slice(ta_prep* p) {
  uint32_t opts = ta_options(p, TA_OPT_STRIDED_SLICE);
  if (!opts) return ta_refuse(p, "missing StridedSliceOptions");
  int32_t begin_mask = ta_opt_i32(p, opts, 0, 0), end_mask = ta_opt_i32(p, opts, 1, 0), ellipsis = ta_opt_i32(p, opts, 2, 0), new_axis = ta_opt_i32(p, opts, 3, 0);
  int32_t shrink = ta_opt_i32(p, opts, 4, 0), offset = ta_opt_i8(p, opts, 5, 0) != 0;
  if (ellipsis != 0 || new_axis != 0) return ta_refuse(p, "ellipsis and new-axis masks are not supported");
  ta_tensor *input = ta_in(p, 0), *b = input ? ta_in(p, 1) : NULL, *e = b ? ta_in(p, 2) : NULL, *s = e ? ta_in(p, 3) : NULL, *output = s ? ta_out(p, 0) : NULL;
  if (!output) return -1;
  if (input->type != output->type || (input->type != TA_INT8 && input->type != TA_INT32)) return ta_refuse(p, "only int8 and int32 are supported");
  if (const_i32(p, b, "begin") != 0 || const_i32(p, e, "end") != 0 || const_i32(p, s, "strides") != 0) return -1;
  int32_t rank = input->ndims;
  if (b->elements != rank || e->elements != rank || s->elements != rank) return ta_refuse(p, "begin/end/strides must have one entry per input dimension");
  slice_data* d = (slice_data*)ta_alloc(p->it, sizeof(slice_data));
  if (!d) return -1;
  int32_t strides[TA_MAX_DIMS];
  strides_of(input->dims, rank, strides);
  int64_t count = 1;
  for (int32_t k = 0; k < rank; k++) {
    int64_t dim = input->dims[k];
    int64_t stride = ta_rd_i32(s->data + 4 * k), bk = ta_rd_i32(b->data + 4 * k), ek = ta_rd_i32(e->data + 4 * k);
    if (stride == 0) return ta_refuse(p, "stride of dimension %ld is 0", (long)k);
#define CLAMP(v) (stride > 0 ? ((v) < 0 ? 0 : (v) > dim ? dim : (v)) : ((v) < -1 ? -1 : (v) > dim - 1 ? dim - 1 : (v)))
    int64_t start, stop;
    if (begin_mask & (1 << k)) {
      start = stride > 0 ? 0 : dim - 1;
    } else {
      int64_t v = bk < 0 ? bk + dim : bk;
      start = CLAMP(v);
    }
    if (shrink & (1 << k)) {
      stop = start + 1;
    } else if (end_mask & (1 << k)) {
      stop = stride > 0 ? dim : -1;
    } else {
      int64_t v = offset ? bk + ek : ek;
      v = v < 0 ? v + dim : v;
      stop = CLAMP(v);
    }
#undef CLAMP
    int64_t len = stride > 0 ? (stop - start + stride - 1) / stride : (start - stop + (-stride) - 1) / (-stride);
    if (stride > 0 ? stop <= start : stop >= start) len = 0;
    /* Only a shrunk axis begun past its end gets here (the engine would read past the tensor). */
    if (len > 0 && (start < 0 || start >= dim)) return ta_refuse(p, "begin of dimension %ld is past its end", (long)k);
    d->len[k] = (int32_t)len;
    d->start[k] = (int32_t)(start * strides[k]);
    d->step[k] = (int32_t)(stride * strides[k]);
    count *= len;
  }
  if (count != output->elements) return ta_refuse(p, "slice has %lld elements, output %ld", (long long)count, (long)output->elements);
  d->x = input->data;
  d->y = output->data;
  d->rank = rank;
  d->count = (int32_t)count;
  d->width = input->type == TA_INT32 ? 4 : 1;
  if (count == 0)
    for (int32_t k = 0; k < rank; k++) d->start[k] = 0;
  p->node->data = d;
  p->node->eval = eval_slice;
  return 0;
}

/* ───────────────────────── TRANSPOSE ───────────────────────── */

typedef struct {
  const int8_t* x;
  int8_t* y;
  int32_t rank, count;
  int32_t out_dims[TA_MAX_DIMS];
  int32_t in_step[TA_MAX_DIMS]; /* input stride along each output dimension */
} transpose_data;

static void eval_transpose(const ta_node* node) {
  const transpose_data* d = (const transpose_data*)node->data;
  int32_t idx[TA_MAX_DIMS] = {0};
  int32_t src = 0;
  for (int32_t i = 0; i < d->count; i++) {
    d->y[i] = d->x[src];
    for (int32_t k = d->rank - 1; k >= 0; k--) {
      idx[k]++;
      src += d->in_step[k];
      if (idx[k] < d->out_dims[k]) break;
      src -= d->in_step[k] * d->out_dims[k];
      idx[k] = 0;
    }
  }
}

int ta_prep_transpose(ta_prep* p) {
  ta_tensor *input = ta_in(p, 0), *perm = input ? ta_in(p, 1) : NULL, *output = perm ? ta_out(p, 0) : NULL;
  if (!output) return -1;
  if (input->type != TA_INT8 || output->type != TA_INT8) return ta_refuse(p, "only int8 is supported");
  if (const_i32(p, perm, "the permutation") != 0) return -1;
  int32_t rank = input->ndims;
  if (perm->elements != rank) return ta_refuse(p, "the permutation does not have one entry per axis");
  int32_t pv[TA_MAX_DIMS];
  int seen[TA_MAX_DIMS] = {0};
  for (int32_t k = 0; k < rank; k++) {
    pv[k] = ta_rd_i32(perm->data + 4 * k);
    if (pv[k] < 0 || pv[k] >= rank || seen[pv[k]]) return ta_refuse(p, "not a permutation of %ld axes", (long)rank);
    seen[pv[k]] = 1;
  }
  if (output->ndims != rank) return ta_refuse(p, "output shape does not match the permutation");
  for (int32_t k = 0; k < rank; k++)
    if (output->dims[k] != input->dims[pv[k]]) return ta_refuse(p, "output shape does not match the permutation");
  transpose_data* d = (transpose_data*)ta_alloc(p->it, sizeof(transpose_data));
  if (!d) return -1;
  int32_t in_strides[TA_MAX_DIMS];
  strides_of(input->dims, rank, in_strides);
  for (int32_t k = 0; k < rank; k++) {
    d->out_dims[k] = output->dims[k];
    d->in_step[k] = in_strides[pv[k]];
  }
  d->x = (const int8_t*)input->data;
  d->y = (int8_t*)output->data;
  d->rank = rank;
  d->count = output->elements;
  p->node->data = d;
  p->node->eval = eval_transpose;
  return 0;
}

/* ───────────────────────── MEAN ───────────────────────── */

typedef struct {
  const int8_t* x;
  int8_t* y;
  int32_t* sums;
  int32_t rank, in_count, out_count;
  int32_t in_dims[TA_MAX_DIMS];
  int32_t out_step[TA_MAX_DIMS]; /* output stride along each input dimension (0 when reduced) */
  int64_t zp_times_n;
  int32_t multiplier, shift, out_zp;
  ta_rounding rounding;
} mean_data;

static void eval_mean(const ta_node* node) {
  const mean_data* d = (const mean_data*)node->data;
  memset(d->sums, 0, 4 * (size_t)d->out_count);
  int32_t idx[TA_MAX_DIMS] = {0};
  int32_t o = 0;
  for (int32_t i = 0; i < d->in_count; i++) {
    d->sums[o] += d->x[i];
    for (int32_t k = d->rank - 1; k >= 0; k--) {
      idx[k]++;
      o += d->out_step[k];
      if (idx[k] < d->in_dims[k]) break;
      o -= d->out_step[k] * d->in_dims[k];
      idx[k] = 0;
    }
  }
  for (int32_t k = 0; k < d->out_count; k++) {
    d->y[k] = (int8_t)ta_offset_clamp(ta_mbqm(d->rounding, ta_wrap32((int64_t)d->sums[k] - d->zp_times_n), d->multiplier, d->shift), d->out_zp, -128, 127);
  }
}

int ta_prep_mean(ta_prep* p) {
  uint32_t opts = ta_options(p, TA_OPT_REDUCER);
  if (!opts) return ta_refuse(p, "missing ReducerOptions");
  ta_tensor *input = ta_in(p, 0), *axes = input ? ta_in(p, 1) : NULL, *output = axes ? ta_out(p, 0) : NULL;
  if (!output) return -1;
  if (input->type != TA_INT8 || output->type != TA_INT8) return ta_refuse(p, "only int8 is supported");
  if (const_i32(p, axes, "axes") != 0) return -1;
  int32_t rank = input->ndims;
  int reduced[TA_MAX_DIMS] = {0};
  for (int32_t k = 0; k < axes->elements; k++) {
    int32_t a = ta_rd_i32(axes->data + 4 * k);
    int32_t r = a < 0 ? a + rank : a;
    if (r < 0 || r >= rank) return ta_refuse(p, "axis %ld is outside rank %ld", (long)a, (long)rank);
    reduced[r] = 1;
  }
  int64_t out_count = 1, n = 1;
  for (int32_t k = 0; k < rank; k++) {
    if (reduced[k])
      n *= input->dims[k];
    else
      out_count *= input->dims[k];
  }
  if (out_count != output->elements) return ta_refuse(p, "output size does not match the reduction");
  float si, so;
  int64_t zi, zo;
  if (ta_scale_zp(p, input, &si, &zi) != 0 || ta_scale_zp(p, output, &so, &zo) != 0) return -1;
  if (n <= 0) return ta_refuse(p, "empty reduction");
  int32_t base_m;
  int base_shift;
  ta_quantize_multiplier((double)si / (double)so, p->rounding, &base_m, &base_shift);
  /* Fold 1/n into the multiplier: shift = floor(log2 n), capped as TFLM caps it. */
  int log2n = 31 - __builtin_clz((uint32_t)n);
  int shift = log2n;
  if (shift > 32) shift = 32;
  if (shift > 31 + base_shift) shift = 31 + base_shift;
  mean_data* d = (mean_data*)ta_alloc(p->it, sizeof(mean_data));
  if (!d) return -1;
  d->sums = (int32_t*)ta_alloc(p->it, 4 * (uint32_t)(out_count ? out_count : 1));
  if (!d->sums) return -1;
  d->multiplier = ta_wrap32(((int64_t)base_m * ((int64_t)1 << shift)) / n);
  d->shift = base_shift - shift;
  if (ta_check_shift(p, d->shift) != 0) return -1;
  int32_t out_strides[TA_MAX_DIMS];
  int32_t kept_dims[TA_MAX_DIMS];
  int32_t nk = 0;
  for (int32_t k = 0; k < rank; k++)
    if (!reduced[k]) kept_dims[nk++] = input->dims[k];
  strides_of(kept_dims, nk, out_strides);
  for (int32_t k = 0, j = 0; k < rank; k++) {
    d->in_dims[k] = input->dims[k];
    d->out_step[k] = reduced[k] ? 0 : out_strides[j++];
  }
  d->x = (const int8_t*)input->data;
  d->y = (int8_t*)output->data;
  d->rank = rank;
  d->in_count = input->elements;
  d->out_count = (int32_t)out_count;
  d->zp_times_n = zi * n;
  d->out_zp = (int32_t)zo;
  d->rounding = p->rounding;
  p->node->data = d;
  p->node->eval = eval_mean;
  return 0;
}
