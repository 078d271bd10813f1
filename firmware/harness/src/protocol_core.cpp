// See protocol_core.h. Replies follow firmware/PROTOCOL.md exactly; the host parser is
// grader/rack/protocol.ts.
#include "protocol_core.h"

#include <stdio.h>
#include <string.h>

namespace tinyarena {

namespace {

constexpr size_t kLineCap = 2048;
char g_line[kLineCap];
char g_msg[kLineCap];  // error texts are often formatted in g_line; never format a buffer into itself

uint32_t crc_table(uint32_t n) {
  uint32_t c = n;
  for (int k = 0; k < 8; k++) c = (c & 1) ? 0xedb88320u ^ (c >> 1) : c >> 1;
  return c;
}

int hex_nibble(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Decode hex in place; returns the byte count, or -1 for bad hex (odd length, bad digit).
long decode_hex_inplace(char* s) {
  size_t n = strlen(s);
  if (n == 0 || n % 2) return -1;
  uint8_t* out = reinterpret_cast<uint8_t*>(s);
  for (size_t i = 0; i < n / 2; i++) {
    int hi = hex_nibble(s[2 * i]), lo = hex_nibble(s[2 * i + 1]);
    if (hi < 0 || lo < 0) return -1;
    out[i] = static_cast<uint8_t>(hi << 4 | lo);
  }
  return static_cast<long>(n / 2);
}

// Strict unsigned decimal (1–10 digits, fits 32 bits).
bool parse_uint(const char* s, uint32_t* out) {
  if (!s || !*s || strlen(s) > 10) return false;
  uint64_t v = 0;
  for (const char* c = s; *c; c++) {
    if (*c < '0' || *c > '9') return false;
    v = v * 10 + static_cast<uint64_t>(*c - '0');
  }
  if (v > 0xffffffffu) return false;
  *out = static_cast<uint32_t>(v);
  return true;
}

bool parse_hex32(const char* s, uint32_t* out) {
  size_t n = s ? strlen(s) : 0;
  if (n == 0 || n > 8) return false;
  uint32_t v = 0;
  for (size_t i = 0; i < n; i++) {
    int d = hex_nibble(s[i]);
    if (d < 0) return false;
    v = v << 4 | static_cast<uint32_t>(d);
  }
  *out = v;
  return true;
}

// Split on spaces into at most `max` tokens; returns the count (extra tokens make it max + 1).
// In place, without strtok_r: that is POSIX, and newlib does not declare it in strict C++17.
int tokenize(char* s, char** tok, int max) {
  int n = 0;
  while (*s) {
    while (*s == ' ') *s++ = '\0';
    if (!*s) break;
    if (n == max) return max + 1;
    tok[n++] = s;
    while (*s && *s != ' ') s++;
  }
  return n;
}

// Decimal digits of a 64-bit count (newlib-nano's printf has no %llu).
const char* u64_text(uint64_t v, char* buf, size_t cap) {
  char* p = buf + cap - 1;
  *p = 0;
  do {
    *--p = static_cast<char>('0' + v % 10);
    v /= 10;
  } while (v && p > buf);
  return p;
}

size_t append_tensor(char* buf, size_t pos, const TensorInfo& t) {
  pos += static_cast<size_t>(snprintf(buf + pos, kLineCap - pos, "%s:", t.dtype));
  for (int d = 0; d < t.dims && pos < kLineCap; d++) pos += static_cast<size_t>(snprintf(buf + pos, kLineCap - pos, d ? "x%d" : "%d", t.shape[d]));
  return pos;
}

}  // namespace

uint32_t crc32_update(uint32_t crc, const uint8_t* data, size_t n) {
  uint32_t c = ~crc;
  for (size_t i = 0; i < n; i++) c = crc_table((c ^ data[i]) & 0xffu) ^ (c >> 8);
  return ~c;
}

void Harness::boot() {
  p_.write_line("m-timestamp-mode-performance");
  lap();
  p_.write_line("m-init-done");
  p_.write_line("m-ready");
}

void Harness::lap() {
  snprintf(g_line, kLineCap, "m-lap-us-%lu", static_cast<unsigned long>(p_.micros()));
  p_.write_line(g_line);
}

void Harness::feed(char c) {
  if (c == '%') {
    cmd_[cmd_len_] = 0;
    if (overflow_) {
      reply_error("overflow");
    } else {
      dispatch(cmd_);
    }
    cmd_len_ = 0;
    overflow_ = false;
    return;
  }
  if (c == '\r' || c == '\n') return;  // terminals add them; the protocol never does
  if (cmd_len_ >= kCmdCap) {
    overflow_ = true;
    return;
  }
  cmd_[cmd_len_++] = c;
}

void Harness::reply_error(const char* msg) {
  if (msg != g_msg) snprintf(g_msg, kLineCap, "%s", msg);
  snprintf(g_line, kLineCap, "e-[%.200s]", g_msg);
  p_.write_line(g_line);
  p_.write_line("m-ready");
}

void Harness::dispatch(char* cmd) {
  char* sp = strchr(cmd, ' ');
  char* args = sp ? sp + 1 : cmd + strlen(cmd);
  if (sp) *sp = 0;
  if (!strcmp(cmd, "name")) {
    if (*args) return reply_error("name takes no arguments");
    snprintf(g_line, kLineCap, "m-name-dut-[%s]", cfg_.name);
    p_.write_line(g_line);
  } else if (!strcmp(cmd, "profile")) {
    p_.write_line("m-model-[tinyarena]");
  } else if (!strcmp(cmd, "timestamp")) {
    lap();
  } else if (!strcmp(cmd, "db")) {
    return cmd_db(args);
  } else if (!strcmp(cmd, "infer")) {
    return cmd_infer(args);
  } else if (!strcmp(cmd, "results")) {
    if (!have_output_) return reply_error("no results yet");
    print_results();
  } else if (!strcmp(cmd, "x-info")) {
    cmd_info();
  } else if (!strcmp(cmd, "x-model")) {
    return cmd_model(args);
  } else if (!strcmp(cmd, "x-output")) {
    if (!have_output_) return reply_error("no results yet");
    print_output();
  } else if (!strcmp(cmd, "x-arith")) {
    return cmd_arith(args);
  } else if (!strcmp(cmd, "x-icount")) {
    return cmd_icount();
  } else if (!strcmp(cmd, "x-reset")) {
    p_.reset();
    return;
  } else {
    char shown[64];
    snprintf(shown, sizeof shown, "unknown command \"%.30s\"", cmd);
    return reply_error(shown);
  }
  p_.write_line("m-ready");
}

void Harness::cmd_db(char* args) {
  char* tok[3];
  int n = tokenize(args, tok, 2);
  uint32_t size = 0;
  if (n == 2 && !strcmp(tok[0], "load")) {
    if (!parse_uint(tok[1], &size)) return reply_error("db load: bad size");
    if (!model_ready_) return reply_error("no model");
    if (size > cfg_.input_stage_bytes) return reply_error("db load: input larger than the staging buffer");
    if (size != r_.input_bytes()) {
      snprintf(g_line, kLineCap, "db load: input is %lu bytes", static_cast<unsigned long>(r_.input_bytes()));
      return reply_error(g_line);
    }
    in_expected_ = size;
    in_got_ = 0;
    in_loading_ = true;
    have_output_ = false;
    p_.write_line("m-ready");
    return;
  }
  if (n != 1) return reply_error("db: want 'db load <N>' or 'db <hex>'");
  if (!in_loading_) return reply_error("db: no load in progress");
  long got = decode_hex_inplace(tok[0]);
  if (got < 0 || got > 31) return reply_error("bad hex");
  if (in_got_ + static_cast<size_t>(got) > in_expected_) return reply_error("db: more bytes than announced");
  memcpy(cfg_.input_stage + in_got_, tok[0], static_cast<size_t>(got));
  in_got_ += static_cast<size_t>(got);
  if (in_got_ == in_expected_) {
    in_loading_ = false;
    p_.write_line("m-load-done");
  }
  p_.write_line("m-ready");
}

void Harness::cmd_infer(char* args) {
  char* tok[3];
  uint32_t count = 0, warmups = 0;
  if (tokenize(args, tok, 2) != 2 || !parse_uint(tok[0], &count) || !parse_uint(tok[1], &warmups) || count == 0) return reply_error("infer: want 'infer <N> <W>' with N >= 1");
  if (!model_ready_) return reply_error("no model");
  if (in_loading_ || in_expected_ == 0) return reply_error("input not loaded");
  for (uint32_t i = 0; i < warmups; i++)
    if (!invoke_once()) return reply_error("invoke failed");
  lap();
  uint64_t before = 0, after = 0;
  bool counted = p_.instructions(&before);
  for (uint32_t i = 0; i < count; i++)
    if (!invoke_once()) return reply_error("invoke failed");
  counted = counted && p_.instructions(&after);
  lap();
  timed_instructions_ = counted ? after - before : 0;
  timed_count_ = counted ? count : 0;
  have_output_ = true;
  print_results();
  p_.write_line("m-ready");
}

bool Harness::invoke_once() {
  memcpy(r_.input_data(), cfg_.input_stage, in_expected_);
  return r_.invoke();
}

void Harness::print_results() {
  // Raw int8 values of the output bytes (the host compares exact bytes through x-output).
  size_t pos = static_cast<size_t>(snprintf(g_line, kLineCap, "m-results-["));
  const uint8_t* out = r_.output_data();
  for (size_t i = 0; i < r_.output_bytes() && pos + 8 < kLineCap; i++)
    pos += static_cast<size_t>(snprintf(g_line + pos, kLineCap - pos, i ? ",%d" : "%d", static_cast<int>(static_cast<int8_t>(out[i]))));
  snprintf(g_line + pos, kLineCap - pos, "]");
  p_.write_line(g_line);
}

void Harness::print_output() {
  static const char kHex[] = "0123456789abcdef";
  size_t n = r_.output_bytes();
  if (2 * n + 12 > kLineCap) return reply_error("overflow");
  size_t pos = static_cast<size_t>(snprintf(g_line, kLineCap, "x-output-["));
  const uint8_t* out = r_.output_data();
  for (size_t i = 0; i < n; i++) {
    g_line[pos++] = kHex[out[i] >> 4];
    g_line[pos++] = kHex[out[i] & 15];
  }
  g_line[pos++] = ']';
  g_line[pos] = 0;
  p_.write_line(g_line);
}

void Harness::cmd_info() {
  size_t pos = static_cast<size_t>(snprintf(g_line, kLineCap, "x-info-[fw=%s,slot=%lu,ram=%lu,arena=%lu,chunk=%lu,mhz=%u,", cfg_.firmware_version,
                                            static_cast<unsigned long>(p_.slot_capacity()), static_cast<unsigned long>(cfg_.ram_bytes),
                                            static_cast<unsigned long>(cfg_.max_arena_bytes), static_cast<unsigned long>(kChunkBytes), cfg_.mhz));
  const char* arith = r_.arithmetics();
  uint64_t unused = 0;
  if (arith && pos < kLineCap) pos += static_cast<size_t>(snprintf(g_line + pos, kLineCap - pos, "arith=%s,", arith));
  if (p_.instructions(&unused) && pos < kLineCap) pos += static_cast<size_t>(snprintf(g_line + pos, kLineCap - pos, "icount=1,"));
  if (pos < kLineCap) pos += static_cast<size_t>(snprintf(g_line + pos, kLineCap - pos, "ops="));
  for (size_t i = 0; i < cfg_.n_ops && pos < kLineCap; i++) pos += static_cast<size_t>(snprintf(g_line + pos, kLineCap - pos, i ? ";%s" : "%s", cfg_.ops[i]));
  if (pos < kLineCap) snprintf(g_line + pos, kLineCap - pos, "]");
  p_.write_line(g_line);
}

void Harness::cmd_model(char* args) {
  char* tok[4];
  int n = tokenize(args, tok, 3);
  if (n == 3 && !strcmp(tok[0], "load")) {
    uint32_t size = 0, crc = 0;
    if (!parse_uint(tok[1], &size) || size == 0) return reply_error("x-model load: bad size");
    if (!parse_hex32(tok[2], &crc)) return reply_error("x-model load: bad crc32");
    if (size > p_.slot_capacity()) {
      snprintf(g_line, kLineCap, "model too large: %lu > slot %lu", static_cast<unsigned long>(size), static_cast<unsigned long>(p_.slot_capacity()));
      return reply_error(g_line);
    }
    model_ready_ = false;
    have_output_ = false;
    in_expected_ = 0;
    if (!p_.slot_erase(size)) return reply_error("flash erase failed");
    up_expected_ = size;
    up_got_ = 0;
    up_crc_want_ = crc;
    up_crc_ = 0;
    up_active_ = true;
    p_.write_line("m-ready");
    return;
  }
  if (n == 1 && !strcmp(tok[0], "commit")) {
    if (!up_active_) return reply_error("x-model: no upload in progress");
    up_active_ = false;
    if (up_got_ != up_expected_) {
      snprintf(g_line, kLineCap, "short upload: %lu/%lu bytes", static_cast<unsigned long>(up_got_), static_cast<unsigned long>(up_expected_));
      return reply_error(g_line);
    }
    // CRC over what flash holds now, not what we meant to write.
    uint32_t crc = crc32_update(0, p_.slot_data(), up_expected_);
    if (crc != up_crc_want_ || crc != up_crc_) {
      snprintf(g_line, kLineCap, "crc mismatch: got %08lx want %08lx", static_cast<unsigned long>(crc), static_cast<unsigned long>(up_crc_want_));
      return reply_error(g_line);
    }
    CommitInfo info;
    memset(&info, 0, sizeof info);
    const char* err = r_.load(p_.slot_data(), up_expected_, &info);
    if (err) return reply_error(err);
    model_ready_ = true;
    model_bytes_ = up_expected_;
    size_t pos = static_cast<size_t>(snprintf(g_line, kLineCap, "x-model-committed-[arena=%lu,in=", static_cast<unsigned long>(info.arena_used)));
    for (int i = 0; i < info.n_inputs; i++) {
      if (i) g_line[pos++] = ';';
      pos = append_tensor(g_line, pos, info.inputs[i]);
    }
    pos += static_cast<size_t>(snprintf(g_line + pos, kLineCap - pos, ",out="));
    for (int i = 0; i < info.n_outputs; i++) {
      if (i) g_line[pos++] = ';';
      pos = append_tensor(g_line, pos, info.outputs[i]);
    }
    snprintf(g_line + pos, kLineCap - pos, "]");
    p_.write_line(g_line);
    p_.write_line("m-ready");
    return;
  }
  if (n != 1) return reply_error("x-model: want load <N> <crc32>, <hex> or commit");
  if (!up_active_) return reply_error("x-model: no upload in progress");
  long got = decode_hex_inplace(tok[0]);
  if (got < 0) return reply_error("bad hex");
  const uint8_t* data = reinterpret_cast<const uint8_t*>(tok[0]);
  if (up_got_ + static_cast<size_t>(got) > up_expected_) return reply_error("x-model: more bytes than announced");
  if (!p_.slot_program(up_got_, data, static_cast<size_t>(got))) return reply_error("flash write failed");
  up_crc_ = crc32_update(up_crc_, data, static_cast<size_t>(got));
  up_got_ += static_cast<size_t>(got);
  p_.write_line("m-ready");
}

void Harness::cmd_arith(char* args) {
  char* tok[2];
  if (tokenize(args, tok, 1) != 1) return reply_error("x-arith: want 'x-arith <profile>'");
  if (!r_.arithmetics()) return reply_error("x-arith: this firmware has one fixed arithmetic");
  if (!r_.set_arithmetic(tok[0])) {
    snprintf(g_msg, kLineCap, "x-arith: unknown profile \"%.30s\" (known: %.100s)", tok[0], r_.arithmetics());
    return reply_error(g_msg);
  }
  // A model already committed is prepared again, so what runs always matches the selection.
  if (model_ready_) {
    CommitInfo info;
    memset(&info, 0, sizeof info);
    const char* err = r_.load(p_.slot_data(), model_bytes_, &info);
    if (err) {
      model_ready_ = false;
      have_output_ = false;
      in_expected_ = 0;
      return reply_error(err);
    }
    have_output_ = false;
  }
  p_.write_line("m-ready");
}

void Harness::cmd_icount() {
  uint64_t unused = 0;
  if (!p_.instructions(&unused)) return reply_error("x-icount: this board cannot count instructions");
  if (!timed_count_) return reply_error("no results yet");
  char per[24], total[24];
  snprintf(g_line, kLineCap, "x-icount-[per=%s,total=%s,n=%lu]", u64_text(timed_instructions_ / timed_count_, per, sizeof per), u64_text(timed_instructions_, total, sizeof total),
           static_cast<unsigned long>(timed_count_));
  p_.write_line(g_line);
  p_.write_line("m-ready");
}

}  // namespace tinyarena
