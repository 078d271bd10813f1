/*
 * FULLY_CONNECTED (reference_integer_ops::FullyConnected, per-tensor or per-channel), AVERAGE_POOL_2D
 * (rounded integer division) and MAX_POOL_2D, int8 (grader/interpreter/kernels/fully-connected.ts,
 * pooling.ts, average-pool-2d.ts, max-pool-2d.ts).
 */
#include "ta_internal.h"

/* ───────────────────────── FULLY_CONNECTED ───────────────────────── */

typedef struct {
  const int8_t* x;
  const int8_t* w;
  int8_t* y;
  const int32_t* unit_bias; /* bias + io·Σw + depth·fo·io */
  const int32_t* mult;
  const int8_t* shift;
  int32_t batches, units, depth;
  int32_t filter_offset, output_offset, act_min, act_max;
  ta_rounding rounding;
} fc_data;

static void eval_fc(const ta_node* node) {
  const fc_data* d = (const fc_data*)node->data;
  for (int32_t n = 0; n < d->batches; n++) {
    const int8_t* x = d->x + (size_t)n * d->depth;
    int32_t x_sum = 0;
    if (d->filter_offset)
      for (int32_t k = 0; k < d->depth; k++) x_sum += x[k];
    int8_t* y = d->y + (size_t)n * d->units;
    for (int32_t u = 0; u < d->units; u++) {
      const int8_t* w = d->w + (size_t)u * d->depth;
      int32_t s0 = 0, s1 = 0;
      int32_t k = 0;
      for (; k + 2 <= d->depth; k += 2) {
        s0 += w[k] * x[k];
        s1 += w[k + 1] * x[k + 1];
      }
      if (k < d->depth) s0 += w[k] * x[k];
      int32_t acc = s0 + s1 + d->unit_bias[u] + d->filter_offset * x_sum;
      y[u] = ta_to_i8(ta_offset_clamp(ta_mbqm(d->rounding, acc, d->mult[u], d->shift[u]), d->output_offset, d->act_min, d->act_max));
    }
  }
}

int ta_prep_fully_connected(ta_prep* p) {
  uint32_t opts = ta_options(p, TA_OPT_FULLY_CONNECTED);
  if (!opts) return ta_refuse(p, "missing FullyConnectedOptions");
  int activation = ta_opt_activation(p, opts, 0);
  if (activation < 0) return -1;
  if (ta_opt_i8(p, opts, 1, 0) != 0) return ta_refuse(p, "shuffled weights are not supported");
  ta_tensor *input = ta_in(p, 0), *filter = input ? ta_in(p, 1) : NULL, *output = filter ? ta_out(p, 0) : NULL;
  if (!output) return -1;
  int missing;
  ta_tensor* bias = ta_in_opt(p, 2, &missing);
  if (input->type != TA_INT8 || filter->type != TA_INT8 || output->type != TA_INT8) return ta_refuse(p, "only int8 input, filter and output are supported");
  if (bias && bias->type != TA_INT32) return ta_refuse(p, "bias must be int32");
  if (filter->ndims != 2) return ta_refuse(p, "weights must be 2-D");
  int32_t units = filter->dims[0], depth = filter->dims[1];
  int32_t out_depth = output->ndims ? output->dims[output->ndims - 1] : 0;
  if (out_depth != units) return ta_refuse(p, "output depth does not match the number of units");
  int32_t batches = out_depth > 0 ? output->elements / out_depth : 0;
  if ((int64_t)batches * depth != input->elements) return ta_refuse(p, "input size does not match the weights");
  if (bias && bias->elements != units) return ta_refuse(p, "bias length does not match units");
  if (!filter->is_const) return ta_refuse(p, "the weights must be constant");
  if (bias && !bias->is_const) return ta_refuse(p, "the bias must be constant");
  float in_scale, w_scale, out_scale;
  int64_t in_zp, w_zp, out_zp;
  if (ta_scale_zp(p, input, &in_scale, &in_zp) != 0 || ta_scale_zp(p, filter, &w_scale, &w_zp) != 0 || ta_scale_zp(p, output, &out_scale, &out_zp) != 0) return -1;
  fc_data* d = (fc_data*)ta_alloc(p->it, sizeof(fc_data));
  if (!d) return -1;
  d->batches = batches;
  d->units = units;
  d->depth = depth;
  d->filter_offset = (int32_t)-w_zp;
  d->output_offset = (int32_t)out_zp;
  d->rounding = p->rounding;
  if (ta_activation_range(p, activation, out_scale, out_zp, &d->act_min, &d->act_max) != 0) return -1;
  int32_t* mult;
  int8_t* shift;
  if (filter->nscale > 1) {
    if (ta_per_channel_multipliers(p, input, filter, output, units, &mult, &shift) != 0) return -1;
  } else {
    /* GetQuantizedConvolutionMultipler: the product of the two scales is formed in float32 first. */
    int32_t m;
    int s;
    ta_quantize_multiplier((double)(in_scale * w_scale) / (double)out_scale, p->rounding, &m, &s);
    if (ta_check_shift(p, s) != 0) return -1;
    mult = (int32_t*)ta_alloc(p->it, 4 * (uint32_t)units);
    shift = (int8_t*)ta_alloc(p->it, (uint32_t)units);
    if (units && (!mult || !shift)) return -1;
    for (int32_t u = 0; u < units; u++) {
      mult[u] = m;
      shift[u] = (int8_t)s;
    }
  }
  d->mult = mult;
  d->shift = shift;
  int32_t* ub = (int32_t*)ta_alloc(p->it, 4 * (uint32_t)units);
  if (units && !ub) return -1;
  const int8_t* w = (const int8_t*)filter->data;
  int32_t io = (int32_t)-in_zp;
  for (int32_t u = 0; u < units; u++) {
    int32_t sum = 0;
    for (int32_t k = 0; k < depth; k++) sum += w[(size_t)u * depth + k];
    ub[u] = (bias ? ta_rd_i32(bias->data + 4 * u) : 0) + io * sum + depth * d->filter_offset * io;
  }
  d->unit_bias = ub;
  d->x = (const int8_t*)input->data;
  d->w = w;
  d->y = (int8_t*)output->data;
  p->node->data = d;
  p->node->eval = eval_fc;
  return 0;
}

/* ───────────────────────── pooling ───────────────────────── */

typedef struct {
  const int8_t* x;
  int8_t* y;
  int32_t batches, in_h, in_w, channels, out_h, out_w, stride_h, stride_w, filter_h, filter_w, pad_h, pad_w, act_min, act_max;
} pool_data;

static int prepare_pool(ta_prep* p, pool_data** out_d) {
  uint32_t opts = ta_options(p, TA_OPT_POOL2D);
  if (!opts) return ta_refuse(p, "missing Pool2DOptions");
  int padding = ta_opt_padding(p, opts, 0);
  if (padding < 0) return -1;
  int32_t stride_w = ta_opt_i32(p, opts, 1, 0), stride_h = ta_opt_i32(p, opts, 2, 0);
  int32_t filter_w = ta_opt_i32(p, opts, 3, 0), filter_h = ta_opt_i32(p, opts, 4, 0);
  int activation = ta_opt_activation(p, opts, 5);
  if (activation < 0) return -1;
  ta_tensor *input = ta_in(p, 0), *output = input ? ta_out(p, 0) : NULL;
  if (!output) return -1;
  if (input->type != TA_INT8 || output->type != TA_INT8) return ta_refuse(p, "only int8 is supported");
  if (input->ndims != 4 || output->ndims != 4) return ta_refuse(p, "input and output must be 4-D");
  if (output->dims[3] != input->dims[3]) return ta_refuse(p, "channel counts do not match");
  if (output->dims[0] != input->dims[0]) return ta_refuse(p, "output batch does not match the input");
  if (stride_w < 1 || stride_h < 1 || filter_w < 1 || filter_h < 1) return ta_refuse(p, "strides and filter sizes must be at least 1");
  if (ta_expected_out(padding, input->dims[1], filter_h, stride_h, 1) != output->dims[1] || ta_expected_out(padding, input->dims[2], filter_w, stride_w, 1) != output->dims[2])
    return ta_refuse(p, "output shape does not match padding and strides");
  float in_scale, out_scale;
  int64_t in_zp, out_zp;
  if (ta_scale_zp(p, input, &in_scale, &in_zp) != 0 || ta_scale_zp(p, output, &out_scale, &out_zp) != 0) return -1;
  /* TFLM's int8 pooling works on raw values: it requires identical quantization in and out. */
  if (in_scale != out_scale || in_zp != out_zp) return ta_refuse(p, "input and output quantization differ");
  pool_data* d = (pool_data*)ta_alloc(p->it, sizeof(pool_data));
  if (!d) return -1;
  if (ta_activation_range(p, activation, out_scale, out_zp, &d->act_min, &d->act_max) != 0) return -1;
  d->x = (const int8_t*)input->data;
  d->y = (int8_t*)output->data;
  d->batches = input->dims[0];
  d->in_h = input->dims[1];
  d->in_w = input->dims[2];
  d->channels = input->dims[3];
  d->out_h = output->dims[1];
  d->out_w = output->dims[2];
  d->stride_h = stride_h;
  d->stride_w = stride_w;
  d->filter_h = filter_h;
  d->filter_w = filter_w;
  d->pad_h = ta_padding_before(d->in_h, filter_h, stride_h, 1, d->out_h);
  d->pad_w = ta_padding_before(d->in_w, filter_w, stride_w, 1, d->out_w);
  *out_d = d;
  return 0;
}

static inline int32_t max32(int32_t a, int32_t b) { return a > b ? a : b; }
static inline int32_t min32(int32_t a, int32_t b) { return a < b ? a : b; }

static void eval_average_pool(const ta_node* node) {
  const pool_data* d = (const pool_data*)node->data;
  const int32_t C = d->channels;
  int8_t* y = d->y;
  for (int32_t n = 0; n < d->batches; n++) {
    const int8_t* xb = d->x + (size_t)n * d->in_h * d->in_w * C;
    for (int32_t oy = 0; oy < d->out_h; oy++) {
      const int32_t y0 = oy * d->stride_h - d->pad_h;
      const int32_t fy0 = max32(0, -y0), fy1 = min32(d->filter_h, d->in_h - y0);
      for (int32_t ox = 0; ox < d->out_w; ox++) {
        const int32_t x0 = ox * d->stride_w - d->pad_w;
        const int32_t fx0 = max32(0, -x0), fx1 = min32(d->filter_w, d->in_w - x0);
        const int32_t count = (fy1 - fy0) * (fx1 - fx0);
        const int32_t half = count / 2;
        for (int32_t c = 0; c < C; c++) {
          int32_t s = 0;
          for (int32_t fy = fy0; fy < fy1; fy++) {
            const int8_t* row = xb + ((size_t)(y0 + fy) * d->in_w + x0) * C + c;
            for (int32_t fx = fx0; fx < fx1; fx++) s += row[(size_t)fx * C];
          }
          int32_t v = count > 0 ? (s > 0 ? (s + half) / count : (s - half) / count) : 0;
          *y++ = ta_to_i8(ta_clamp(v, d->act_min, d->act_max));
        }
      }
    }
  }
}

static void eval_max_pool(const ta_node* node) {
  const pool_data* d = (const pool_data*)node->data;
  const int32_t C = d->channels;
  int8_t* y = d->y;
  for (int32_t n = 0; n < d->batches; n++) {
    const int8_t* xb = d->x + (size_t)n * d->in_h * d->in_w * C;
    for (int32_t oy = 0; oy < d->out_h; oy++) {
      const int32_t y0 = oy * d->stride_h - d->pad_h;
      const int32_t fy0 = max32(0, -y0), fy1 = min32(d->filter_h, d->in_h - y0);
      for (int32_t ox = 0; ox < d->out_w; ox++) {
        const int32_t x0 = ox * d->stride_w - d->pad_w;
        const int32_t fx0 = max32(0, -x0), fx1 = min32(d->filter_w, d->in_w - x0);
        for (int32_t c = 0; c < C; c++) {
          int32_t m = -128;
          for (int32_t fy = fy0; fy < fy1; fy++) {
            const int8_t* row = xb + ((size_t)(y0 + fy) * d->in_w + x0) * C + c;
            for (int32_t fx = fx0; fx < fx1; fx++)
              if (row[(size_t)fx * C] > m) m = row[(size_t)fx * C];
          }
          *y++ = ta_to_i8(ta_clamp(m, d->act_min, d->act_max));
        }
      }
    }
  }
}

int ta_prep_average_pool(ta_prep* p) {
  pool_data* d;
  if (prepare_pool(p, &d) != 0) return -1;
  p->node->data = d;
  p->node->eval = eval_average_pool;
  return 0;
}

int ta_prep_max_pool(ta_prep* p) {
  pool_data* d;
  if (prepare_pool(p, &d) != 0) return -1;
  p->node->data = d;
  p->node->eval = eval_max_pool;
  return 0;
}
