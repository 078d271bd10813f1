/*
 * The template's hooks (see submitter.h): the model linked in by model.S, run with TinyArena's int8
 * runtime (firmware/runtime/, stock TFLM arithmetic), inputs converted and results printed as the
 * MLPerf Tiny reference firmware does. Edit freely: this is your code.
 */
#include "submitter.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "../mps2/board.h"
#include "../runtime/ta_runtime.h"
#include "ee_protocol.h"

#ifndef TA_PROFILE
#define TA_PROFILE "kws01"
#endif
#ifndef TA_DUT_NAME
#define TA_DUT_NAME "tinyarena-template"
#endif

/* The model (model.S) and the runtime's working memory. */
extern const uint8_t g_model[], g_model_end[];
#define ARENA_BYTES (256 * 1024)
static uint8_t g_arena[ARENA_BYTES] __attribute__((aligned(16)));
static ta_interp g_interp;
static int g_loaded;

/* How the datasets store KWS features: int8 MFCCs with this quantization (ARCHITECTURE.md §6). */
#define KWS_DATA_SCALE 0.5847029f
#define KWS_DATA_ZERO_POINT 83

const char* th_profile(void) { return TA_PROFILE; }
const char* th_dut_name(void) { return TA_DUT_NAME; }

static int is(const char* profile) { return strcmp(TA_PROFILE, profile) == 0; }

void th_printf(const char* fmt, ...) {
  char line[1024];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(line, sizeof line, fmt, ap);
  va_end(ap);
  if (n > 0) board_write(line, (size_t)n < sizeof line ? (size_t)n : sizeof line - 1);
}

uint32_t th_timestamp(void) { return board_micros(); }

void th_final_initialize(void) {
  if (ta_init(&g_interp, g_model, (size_t)(g_model_end - g_model), g_arena, sizeof g_arena, TA_ARITH_TFLM) != 0) {
    th_printf("model error: %s\r\n", g_interp.error);
    return;
  }
  g_loaded = g_interp.ninputs == 1 && g_interp.noutputs == 1 && ta_input(&g_interp, 0)->type == TA_INT8;
  if (!g_loaded) th_printf("model error: the template runs models with one int8 input and one output\r\n");
}

size_t th_input_bytes(void) {
  if (!g_loaded) return 0;
  size_t n = (size_t)ta_input(&g_interp, 0)->elements;
  return is("ad01") ? 4 * n : n;
}

static int8_t saturate(long v) { return (int8_t)(v < -128 ? -128 : v > 127 ? 127 : v); }

void th_load_tensor(void) {
  if (!g_loaded) return;
  size_t n;
  const uint8_t* raw = ee_input(&n);
  ta_tensor* in = ta_input(&g_interp, 0);
  int8_t* x = (int8_t*)in->data;
  const size_t count = (size_t)in->elements;
  if (is("ad01")) {
    /* float32 log-mel features, quantized on the board: round half away from zero, clamp. */
    for (size_t i = 0; i < count && 4 * i + 4 <= n; i++) {
      float f;
      memcpy(&f, raw + 4 * i, 4);
      x[i] = saturate(lroundf(f / in->scale) + (long)in->zero_point);
    }
  } else if (is("kws01")) {
    /* int8 MFCCs: as they are when the model's input is quantized like the dataset, else requantized. */
    if (in->scale == KWS_DATA_SCALE && in->zero_point == KWS_DATA_ZERO_POINT) {
      memcpy(x, raw, count < n ? count : n);
    } else {
      for (size_t i = 0; i < count && i < n; i++) x[i] = saturate(lroundf(((float)((int8_t)raw[i]) - KWS_DATA_ZERO_POINT) * KWS_DATA_SCALE / in->scale) + (long)in->zero_point);
    }
  } else {
    /* vww01 / ic01: uint8 pixels; an int8 model input takes them minus 128. */
    for (size_t i = 0; i < count && i < n; i++) x[i] = (int8_t)(raw[i] ^ 0x80);
  }
}

void th_infer(void) {
  if (g_loaded) ta_invoke(&g_interp);
}

static float dequantize(const ta_tensor* t, size_t i) {
  if (t->type == TA_FLOAT32) {
    float f;
    memcpy(&f, t->data + 4 * i, 4);
    return f;
  }
  return ((float)((int8_t)t->data[i]) - (float)t->zero_point) * t->scale;
}

void th_results(void) {
  if (!g_loaded) {
    th_printf("m-results-[]\r\n");
    return;
  }
  const ta_tensor* out = ta_output(&g_interp, 0);
  if (is("ad01")) {
    /* The anomaly score: mean squared error between the reconstruction and the (quantized) input. */
    size_t n;
    const uint8_t* raw = ee_input(&n);
    const ta_tensor* in = ta_input(&g_interp, 0);
    size_t count = (size_t)(out->elements < in->elements ? out->elements : in->elements);
    float sum = 0;
    for (size_t i = 0; i < count && 4 * i + 4 <= n; i++) {
      float f;
      memcpy(&f, raw + 4 * i, 4);
      float q = ((float)saturate(lroundf(f / in->scale) + (long)in->zero_point) - (float)in->zero_point) * in->scale;
      float d = dequantize(out, i) - q;
      sum += d * d;
    }
    th_printf("m-results-[%.3e]\r\n", (double)(sum / (float)(count ? count : 1)));
    return;
  }
  char line[1024];
  size_t pos = (size_t)snprintf(line, sizeof line, "m-results-[");
  for (size_t i = 0; i < (size_t)out->elements && pos + 16 < sizeof line; i++) pos += (size_t)snprintf(line + pos, sizeof line - pos, i ? ",%.3f" : "%.3f", (double)dequantize(out, i));
  snprintf(line + pos, sizeof line - pos, "]\r\n");
  th_printf("%s", line);
}
