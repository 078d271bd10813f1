/* See ee_protocol.h. */
#include "ee_protocol.h"

#include <stdio.h>
#include <string.h>

#include "submitter.h"

#define CMD_MAX 128

static char g_cmd[CMD_MAX + 1];
static size_t g_cmd_len;
static int g_overflow;
static uint8_t g_input[EE_INPUT_MAX];
static size_t g_input_want, g_input_got;
static int g_input_ready, g_have_results;

static void lap(void) { th_printf("m-lap-us-%lu\r\n", (unsigned long)th_timestamp()); }
static void ready(void) { th_printf("m-ready\r\n"); }
static void error(const char* msg) {
  th_printf("e-[%s]\r\n", msg);
  ready();
}

void ee_boot(void) {
  th_printf("m-timestamp-mode-performance\r\n");
  lap();
  th_printf("m-init-done\r\n");
  ready();
}

const uint8_t* ee_input(size_t* size) {
  *size = g_input_want;
  return g_input;
}

static int hex_nibble(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/* A whole unsigned decimal number (at most 9 digits); -1 when it is not one. */
static long parse_count(const char* s) {
  long v = 0;
  size_t n = 0;
  for (; *s; s++, n++) {
    if (*s < '0' || *s > '9' || n >= 9) return -1;
    v = v * 10 + (*s - '0');
  }
  return n ? v : -1;
}

static void cmd_db(char* args) {
  if (!strncmp(args, "load ", 5)) {
    long n = parse_count(args + 5);
    if (n <= 0 || (size_t)n > sizeof g_input) return error("db load: bad size");
    if ((size_t)n != th_input_bytes()) {
      char msg[48];
      snprintf(msg, sizeof msg, "db load: input is %lu bytes", (unsigned long)th_input_bytes());
      return error(msg);
    }
    g_input_want = (size_t)n;
    g_input_got = 0;
    g_input_ready = 0;
    g_have_results = 0;
    return ready();
  }
  if (g_input_want == 0 || g_input_got >= g_input_want) return error("db: no load in progress");
  size_t len = strlen(args);
  if (len == 0 || len % 2 || len > 62) return error("bad hex");
  for (size_t i = 0; i < len; i += 2) {
    int hi = hex_nibble(args[i]), lo = hex_nibble(args[i + 1]);
    if (hi < 0 || lo < 0) return error("bad hex");
    if (g_input_got >= g_input_want) return error("db: more bytes than announced");
    g_input[g_input_got++] = (uint8_t)(hi << 4 | lo);
  }
  if (g_input_got == g_input_want) {
    g_input_ready = 1;
    th_printf("m-load-done\r\n");
  }
  ready();
}

static void cmd_infer(char* args) {
  char* space = strchr(args, ' ');
  if (!space) return error("infer: want 'infer <N> <W>'");
  *space = 0;
  long n = parse_count(args), w = parse_count(space + 1);
  if (n < 1 || w < 0) return error("infer: want 'infer <N> <W>' with N >= 1");
  if (!g_input_ready) return error("input not loaded");
  /* The input is converted before every run: the runtime's arena reuses the input tensor's memory. */
  for (long i = 0; i < w; i++) {
    th_load_tensor();
    th_infer();
  }
  lap();
  for (long i = 0; i < n; i++) {
    th_load_tensor();
    th_infer();
  }
  lap();
  g_have_results = 1;
  th_results();
  ready();
}

static void dispatch(char* cmd) {
  if (!strcmp(cmd, "name")) {
    th_printf("m-name-dut-[%s]\r\n", th_dut_name());
    ready();
  } else if (!strcmp(cmd, "profile")) {
    th_printf("m-model-[%s]\r\n", th_profile());
    ready();
  } else if (!strcmp(cmd, "timestamp")) {
    lap();
    ready();
  } else if (!strncmp(cmd, "db ", 3)) {
    cmd_db(cmd + 3);
  } else if (!strncmp(cmd, "infer ", 6)) {
    cmd_infer(cmd + 6);
  } else if (!strcmp(cmd, "results")) {
    if (!g_have_results) return error("no results yet");
    th_results();
    ready();
  } else {
    char msg[64];
    snprintf(msg, sizeof msg, "unknown command \"%.30s\"", cmd);
    error(msg);
  }
}

void ee_feed(char c) {
  if (c == '%') {
    g_cmd[g_cmd_len] = 0;
    if (g_overflow)
      error("overflow");
    else
      dispatch(g_cmd);
    g_cmd_len = 0;
    g_overflow = 0;
    return;
  }
  if (c == '\r' || c == '\n') return;
  if (g_cmd_len >= CMD_MAX) {
    g_overflow = 1;
    return;
  }
  g_cmd[g_cmd_len++] = c;
}
