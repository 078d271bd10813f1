/*
 * CONV_2D and DEPTHWISE_CONV_2D, int8 with per-channel (or per-tensor) weights: TFLM's
 * reference_integer_ops::ConvPerChannel / DepthwiseConvPerChannel (grader/interpreter/kernels/
 * conv-2d.ts, depthwise-conv-2d.ts).
 *
 * acc = bias + Σ over taps inside the image of w · (x + input_offset), then per-channel
 * requantization, + output_offset, clamp. For windows entirely inside the image the offset term is a
 * per-channel constant, folded into the bias at prepare (int32 wrap-around arithmetic, so the result
 * is the same).
 */
#include "ta_internal.h"

typedef struct {
  const int8_t* x;
  const int8_t* w;
  int8_t* y;
  const int32_t* bias; /* outC, zeros when the node has none */
  const int32_t* fold; /* bias + input_offset · Σ w, per output channel */
  const int32_t* mult;
  const int8_t* shift;
  int32_t* acc; /* depthwise: one accumulator per channel */
  int32_t batches, in_h, in_w, in_c, out_h, out_w, out_c, k_h, k_w, f_in_c;
  int32_t stride_h, stride_w, dil_h, dil_w, pad_h, pad_w;
  int32_t input_offset, output_offset, act_min, act_max;
  int32_t filters_per_group, depth_multiplier;
  ta_rounding rounding;
} conv_data;

static inline int32_t dot_i8(const int8_t* a, const int8_t* b, int32_t n) {
  int32_t s0 = 0, s1 = 0;
  int32_t i = 0;
  for (; i + 2 <= n; i += 2) {
    s0 += a[i] * b[i];
    s1 += a[i + 1] * b[i + 1];
  }
  if (i < n) s0 += a[i] * b[i];
  return s0 + s1;
}

static inline int8_t finish(const conv_data* d, int32_t acc, int32_t oc) {
  return ta_to_i8(ta_offset_clamp(ta_mbqm(d->rounding, acc, d->mult[oc], d->shift[oc]), d->output_offset, d->act_min, d->act_max));
}

static void eval_conv(const ta_node* node) {
  const conv_data* d = (const conv_data*)node->data;
  const int32_t taps = d->k_h * d->k_w * d->f_in_c;
  const int32_t row_len = d->k_w * d->f_in_c;
  int8_t* y = d->y;
  for (int32_t n = 0; n < d->batches; n++) {
    const int8_t* xb = d->x + (size_t)n * d->in_h * d->in_w * d->in_c;
    for (int32_t oy = 0; oy < d->out_h; oy++) {
      const int32_t in_y0 = oy * d->stride_h - d->pad_h;
      const int full_y = in_y0 >= 0 && in_y0 + (d->k_h - 1) * d->dil_h < d->in_h;
      for (int32_t ox = 0; ox < d->out_w; ox++) {
        const int32_t in_x0 = ox * d->stride_w - d->pad_w;
        const int full = full_y && in_x0 >= 0 && in_x0 + (d->k_w - 1) * d->dil_w < d->in_w;
        for (int32_t oc = 0; oc < d->out_c; oc++) {
          const int32_t in_c0 = (oc / d->filters_per_group) * d->f_in_c;
          const int8_t* w = d->w + (size_t)oc * taps;
          int32_t acc;
          if (full) {
            acc = d->fold[oc];
            for (int32_t fy = 0; fy < d->k_h; fy++) {
              const int8_t* xr = xb + ((size_t)(in_y0 + fy * d->dil_h) * d->in_w + in_x0) * d->in_c + in_c0;
              const int8_t* wr = w + (size_t)fy * row_len;
              if (d->dil_w == 1 && d->f_in_c == d->in_c) {
                acc += dot_i8(wr, xr, row_len);
              } else {
                for (int32_t fx = 0; fx < d->k_w; fx++) acc += dot_i8(wr + fx * d->f_in_c, xr + (size_t)fx * d->dil_w * d->in_c, d->f_in_c);
              }
            }
          } else {
            acc = d->bias[oc];
            for (int32_t fy = 0; fy < d->k_h; fy++) {
              const int32_t iy = in_y0 + fy * d->dil_h;
              if (iy < 0 || iy >= d->in_h) continue;
              for (int32_t fx = 0; fx < d->k_w; fx++) {
                const int32_t ix = in_x0 + fx * d->dil_w;
                if (ix < 0 || ix >= d->in_w) continue;
                const int8_t* xp = xb + ((size_t)iy * d->in_w + ix) * d->in_c + in_c0;
                const int8_t* wp = w + ((size_t)fy * d->k_w + fx) * d->f_in_c;
                for (int32_t ic = 0; ic < d->f_in_c; ic++) acc += wp[ic] * (xp[ic] + d->input_offset);
              }
            }
          }
          *y++ = finish(d, acc, oc);
        }
      }
    }
  }
}

static void eval_depthwise(const ta_node* node) {
  const conv_data* d = (const conv_data*)node->data;
  const int32_t C = d->out_c, dm = d->depth_multiplier;
  int32_t* acc = d->acc;
  int8_t* y = d->y;
  for (int32_t n = 0; n < d->batches; n++) {
    const int8_t* xb = d->x + (size_t)n * d->in_h * d->in_w * d->in_c;
    for (int32_t oy = 0; oy < d->out_h; oy++) {
      const int32_t in_y0 = oy * d->stride_h - d->pad_h;
      int32_t fy0 = 0, fy1 = d->k_h;
      while (fy0 < d->k_h && in_y0 + fy0 * d->dil_h < 0) fy0++;
      while (fy1 > fy0 && in_y0 + (fy1 - 1) * d->dil_h >= d->in_h) fy1--;
      for (int32_t ox = 0; ox < d->out_w; ox++) {
        const int32_t in_x0 = ox * d->stride_w - d->pad_w;
        int32_t fx0 = 0, fx1 = d->k_w;
        while (fx0 < d->k_w && in_x0 + fx0 * d->dil_w < 0) fx0++;
        while (fx1 > fx0 && in_x0 + (fx1 - 1) * d->dil_w >= d->in_w) fx1--;
        const int full = fy0 == 0 && fy1 == d->k_h && fx0 == 0 && fx1 == d->k_w;
        memcpy(acc, full ? d->fold : d->bias, 4 * (size_t)C);
        const int32_t off = full ? 0 : d->input_offset;
        for (int32_t fy = fy0; fy < fy1; fy++) {
          const int8_t* xr = xb + (size_t)(in_y0 + fy * d->dil_h) * d->in_w * d->in_c;
          for (int32_t fx = fx0; fx < fx1; fx++) {
            const int8_t* xp = xr + (size_t)(in_x0 + fx * d->dil_w) * d->in_c;
            const int8_t* wp = d->w + ((size_t)fy * d->k_w + fx) * C;
            if (dm == 1) {
              if (off == 0)
                for (int32_t c = 0; c < C; c++) acc[c] += wp[c] * xp[c];
              else
                for (int32_t c = 0; c < C; c++) acc[c] += wp[c] * (xp[c] + off);
            } else {
              for (int32_t ic = 0; ic < d->in_c; ic++) {
                const int32_t xv = xp[ic] + off;
                for (int32_t m = 0; m < dm; m++) acc[ic * dm + m] += wp[ic * dm + m] * xv;
              }
            }
          }
        }
        for (int32_t c = 0; c < C; c++) *y++ = finish(d, acc[c], c);
      }
    }
  }
}

/** Checks and parameters common to both convolutions (shapes are known to be 4-D). */
static int prepare_common(ta_prep* p, conv_data* d, uint32_t opts, int stride_w_id, int stride_h_id, int act_id, int dil_w_id, int dil_h_id, ta_tensor* input, ta_tensor* filter,
                          ta_tensor* bias, ta_tensor* output) {
  int padding = ta_opt_padding(p, opts, 0);
  if (padding < 0) return -1;
  d->stride_w = ta_opt_i32(p, opts, stride_w_id, 0);
  d->stride_h = ta_opt_i32(p, opts, stride_h_id, 0);
  int activation = ta_opt_activation(p, opts, act_id);
  if (activation < 0) return -1;
  d->dil_w = ta_opt_i32(p, opts, dil_w_id, 1);
  d->dil_h = ta_opt_i32(p, opts, dil_h_id, 1);
  if (d->stride_w < 1 || d->stride_h < 1 || d->dil_w < 1 || d->dil_h < 1) return ta_refuse(p, "strides and dilations must be at least 1");
  if (!filter->is_const) return ta_refuse(p, "the filter must be constant");
  if (bias && !bias->is_const) return ta_refuse(p, "the bias must be constant");
  if (output->dims[0] != d->batches) return ta_refuse(p, "output batch does not match the input");
  if (ta_expected_out(padding, d->in_h, d->k_h, d->stride_h, d->dil_h) != d->out_h || ta_expected_out(padding, d->in_w, d->k_w, d->stride_w, d->dil_w) != d->out_w)
    return ta_refuse(p, "output shape does not match padding and strides");
  d->pad_h = ta_padding_before(d->in_h, d->k_h, d->stride_h, d->dil_h, d->out_h);
  d->pad_w = ta_padding_before(d->in_w, d->k_w, d->stride_w, d->dil_w, d->out_w);
  float in_scale, out_scale;
  int64_t in_zp, out_zp;
  if (ta_scale_zp(p, input, &in_scale, &in_zp) != 0 || ta_scale_zp(p, output, &out_scale, &out_zp) != 0) return -1;
  d->input_offset = (int32_t)-in_zp;
  d->output_offset = (int32_t)out_zp;
  if (ta_activation_range(p, activation, out_scale, out_zp, &d->act_min, &d->act_max) != 0) return -1;
  int32_t* mult;
  int8_t* shift;
  if (ta_per_channel_multipliers(p, input, filter, output, d->out_c, &mult, &shift) != 0) return -1;
  d->mult = mult;
  d->shift = shift;
  d->rounding = p->rounding;
  d->x = (const int8_t*)input->data;
  d->w = (const int8_t*)filter->data;
  d->y = (int8_t*)output->data;
  int32_t* b = (int32_t*)ta_alloc(p->it, 4 * (uint32_t)d->out_c);
  if (d->out_c && !b) return -1;
  for (int32_t c = 0; c < d->out_c; c++) b[c] = bias ? ta_rd_i32(bias->data + 4 * c) : 0;
  d->bias = b;
  return 0;
}

static int check_bias(ta_prep* p, ta_tensor* bias, int32_t channels) {
  if (!bias) return 0;
  if (bias->type != TA_INT32) return ta_refuse(p, "bias must be int32");
  if (bias->elements != channels) return ta_refuse(p, "bias length does not match output channels");
  return 0;
}

/* The tensors of CONV_2D and DEPTHWISE_CONV_2D, with the checks both make: int8 (bias int32), 4-D. */
static int conv_tensors(ta_prep* p, ta_tensor** input, ta_tensor** filter, ta_tensor** bias, ta_tensor** output) {
  *input = ta_in(p, 0);
  *filter = *input ? ta_in(p, 1) : NULL;
  *output = *filter ? ta_out(p, 0) : NULL;
  if (!*output) return -1;
  int missing;
  *bias = ta_in_opt(p, 2, &missing);
  if ((*input)->type != TA_INT8 || (*filter)->type != TA_INT8 || (*output)->type != TA_INT8) return ta_refuse(p, "only int8 input, filter and output are supported");
  if (*bias && (*bias)->type != TA_INT32) return ta_refuse(p, "bias must be int32");
  if ((*input)->ndims != 4 || (*filter)->ndims != 4 || (*output)->ndims != 4) return ta_refuse(p, "input, filter and output must be 4-D");
  return 0;
}

int ta_prep_conv2d(ta_prep* p) {
  uint32_t opts = ta_options(p, TA_OPT_CONV2D);
  if (!opts) return ta_refuse(p, "missing Conv2DOptions");
  ta_tensor *input, *filter, *bias, *output;
  if (conv_tensors(p, &input, &filter, &bias, &output) != 0) return -1;
  conv_data* d = (conv_data*)ta_alloc(p->it, sizeof(conv_data));
  if (!d) return -1;
  d->batches = input->dims[0];
  d->in_h = input->dims[1];
  d->in_w = input->dims[2];
  d->in_c = input->dims[3];
  d->out_c = filter->dims[0];
  d->k_h = filter->dims[1];
  d->k_w = filter->dims[2];
  d->f_in_c = filter->dims[3];
  d->out_h = output->dims[1];
  d->out_w = output->dims[2];
  if (d->out_c != output->dims[3] || d->f_in_c <= 0 || d->in_c % d->f_in_c != 0) return ta_refuse(p, "channel counts do not match");
  if (check_bias(p, bias, d->out_c) != 0) return -1;
  int32_t groups = d->in_c / d->f_in_c;
  if (groups <= 0 || d->out_c % groups != 0) return ta_refuse(p, "output channels are not a multiple of the groups");
  d->filters_per_group = d->out_c / groups;
  if (d->filters_per_group == 0) return ta_refuse(p, "channel counts do not match");
  if (prepare_common(p, d, opts, 1, 2, 3, 4, 5, input, filter, bias, output) != 0) return -1;
  const int32_t taps = d->k_h * d->k_w * d->f_in_c;
  int32_t* fold = (int32_t*)ta_alloc(p->it, 4 * (uint32_t)d->out_c);
  if (d->out_c && !fold) return -1;
  for (int32_t oc = 0; oc < d->out_c; oc++) {
    int32_t s = 0;
    for (int32_t k = 0; k < taps; k++) s += d->w[(size_t)oc * taps + k];
    fold[oc] = d->bias[oc] + d->input_offset * s;
  }
  d->fold = fold;
  p->node->data = d;
  p->node->eval = eval_conv;
  return 0;
}

int ta_prep_depthwise(ta_prep* p) {
  uint32_t opts = ta_options(p, TA_OPT_DEPTHWISE);
  if (!opts) return ta_refuse(p, "missing DepthwiseConv2DOptions");
  ta_tensor *input, *filter, *bias, *output;
  if (conv_tensors(p, &input, &filter, &bias, &output) != 0) return -1;
  conv_data* d = (conv_data*)ta_alloc(p->it, sizeof(conv_data));
  if (!d) return -1;
  d->batches = input->dims[0];
  d->in_h = input->dims[1];
  d->in_w = input->dims[2];
  d->in_c = input->dims[3];
  d->k_h = filter->dims[1];
  d->k_w = filter->dims[2];
  d->out_c = filter->dims[3];
  d->out_h = output->dims[1];
  d->out_w = output->dims[2];
  if (d->in_c <= 0 || d->out_c != output->dims[3] || d->out_c % d->in_c != 0 || d->out_c / d->in_c <= 0) return ta_refuse(p, "channel counts do not match");
  d->depth_multiplier = d->out_c / d->in_c;
  if (check_bias(p, bias, d->out_c) != 0) return -1;
  if (prepare_common(p, d, opts, 1, 2, 4, 5, 6, input, filter, bias, output) != 0) return -1;
  const int32_t taps = d->k_h * d->k_w;
  int32_t* fold = (int32_t*)ta_alloc(p->it, 4 * (uint32_t)d->out_c);
  d->acc = (int32_t*)ta_alloc(p->it, 4 * (uint32_t)d->out_c);
  if (d->out_c && (!fold || !d->acc)) return -1;
  for (int32_t oc = 0; oc < d->out_c; oc++) {
    int32_t s = 0;
    for (int32_t k = 0; k < taps; k++) s += d->w[(size_t)k * d->out_c + oc];
    fold[oc] = d->bias[oc] + d->input_offset * s;
  }
  d->fold = fold;
  p->node->data = d;
  p->node->eval = eval_depthwise;
  return 0;
}
