/*
 * Test-only driver of the int8 runtime: reads jobs on stdin, writes results on stdout, so a vitest
 * test can run many models and cases in one process — natively, or cross-compiled for the Cortex-M4
 * under qemu-arm (stdin/stdout are the only system calls it needs).
 *
 * Job (little-endian): u32 arithmetic (0 tflm, 1 tflm-single, 2 tflite), u32 arena bytes,
 * u32 model bytes, model, u32 cases, then per case u32 input bytes and the input (all inputs
 * concatenated in input order). Result: u32 0 (ok), u32 arena used, u32 cases, then per case u32
 * output bytes and the outputs concatenated (0xffffffff: the input had the wrong size); or u32 1
 * (refused), u32 message bytes and the message.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ta_runtime.h"

static int read_exact(void* buf, size_t n) {
  uint8_t* p = (uint8_t*)buf;
  while (n) {
    size_t got = fread(p, 1, n, stdin);
    if (got == 0) return -1;
    p += got;
    n -= got;
  }
  return 0;
}

static int read_u32(uint32_t* v) {
  uint8_t b[4];
  if (read_exact(b, 4) != 0) return -1;
  *v = (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
  return 0;
}

static void write_u32(uint32_t v) {
  uint8_t b[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24)};
  fwrite(b, 1, 4, stdout);
}

static void* xmalloc(size_t n) {
  void* p = malloc(n ? n : 1);
  if (!p) {
    fprintf(stderr, "out of memory (%lu bytes)\n", (unsigned long)n);
    exit(3);
  }
  return p;
}

int main(void) {
  for (;;) {
    uint32_t arith, arena_bytes, model_bytes, ncases;
    if (read_u32(&arith) != 0) break;
    if (read_u32(&arena_bytes) != 0 || read_u32(&model_bytes) != 0) return 2;
    uint8_t* model = (uint8_t*)xmalloc(model_bytes);
    if (read_exact(model, model_bytes) != 0 || read_u32(&ncases) != 0) return 2;
    /* 16-byte aligned arena from malloc. */
    uint8_t* raw = (uint8_t*)xmalloc(arena_bytes + 16u);
    uint8_t* arena = (uint8_t*)(((uintptr_t)raw + 15u) & ~(uintptr_t)15u);
    static ta_interp it;
    int ok = ta_init(&it, model, model_bytes, arena, arena_bytes, (ta_arith)arith) == 0;
    if (ok) {
      write_u32(0);
      write_u32(ta_arena_used(&it));
      write_u32(ncases);
    } else {
      write_u32(1);
      write_u32((uint32_t)strlen(it.error));
      fwrite(it.error, 1, strlen(it.error), stdout);
    }
    for (uint32_t c = 0; c < ncases; c++) {
      uint32_t n;
      if (read_u32(&n) != 0) return 2;
      uint8_t* input = (uint8_t*)xmalloc(n);
      if (read_exact(input, n) != 0) return 2;
      if (!ok) {
        free(input);
        continue;
      }
      uint32_t want = 0;
      for (int k = 0; k < it.ninputs; k++) want += ta_input(&it, k)->bytes;
      if (want != n) {
        write_u32(0xffffffffu);
        free(input);
        continue;
      }
      uint32_t at = 0;
      for (int k = 0; k < it.ninputs; k++) {
        ta_tensor* t = ta_input(&it, k);
        memcpy(t->data, input + at, t->bytes);
        at += t->bytes;
      }
      ta_invoke(&it);
      uint32_t total = 0;
      for (int k = 0; k < it.noutputs; k++) total += ta_output(&it, k)->bytes;
      write_u32(total);
      for (int k = 0; k < it.noutputs; k++) fwrite(ta_output(&it, k)->data, 1, ta_output(&it, k)->bytes, stdout);
      free(input);
    }
    fflush(stdout);
    free(raw);
    free(model);
  }
  return 0;
}
