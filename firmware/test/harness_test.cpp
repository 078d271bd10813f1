// Host unit tests of the harness protocol core (g++ -std=c++17). A fake platform records lines and
// keeps the flash slot in RAM; a fake runner "infers" output[i] = sum of input bytes + i, so results
// are checkable. Prints "N passed, M failed" and exits non-zero on failure.
#include <stdio.h>
#include <string.h>

#include <string>
#include <vector>

#include "../harness/src/ops_gen.h"
#include "../harness/src/protocol_core.h"

using tinyarena::CommitInfo;
using tinyarena::Harness;

static int g_pass = 0, g_fail = 0;
#define CHECK(cond)                                                      \
  do {                                                                   \
    if (cond) {                                                          \
      g_pass++;                                                          \
    } else {                                                             \
      g_fail++;                                                          \
      fprintf(stderr, "FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond);    \
    }                                                                    \
  } while (0)

struct FakePlatform : tinyarena::Platform {
  std::vector<std::string> lines;
  uint32_t clock = 0xfffffff0u;  // starts near the wrap on purpose
  std::vector<uint8_t> slot = std::vector<uint8_t>(4096, 0xff);
  bool corrupt_next_program = false;
  int resets = 0;
  void write_line(const char* l) override { lines.emplace_back(l); }
  uint32_t micros() override { return clock += 1000; }
  size_t slot_capacity() override { return slot.size(); }
  bool slot_erase(size_t) override {
    std::fill(slot.begin(), slot.end(), 0xff);
    return true;
  }
  bool slot_program(size_t off, const uint8_t* d, size_t n) override {
    memcpy(slot.data() + off, d, n);
    if (corrupt_next_program) slot[off] ^= 1, corrupt_next_program = false;
    return true;
  }
  const uint8_t* slot_data() override { return slot.data(); }
  void reset() override { resets++; }
};

// The "model": byte 0 = input size, byte 1 = output size, byte 2 = 1 to fail load.
struct FakeRunner : tinyarena::ModelRunner {
  uint8_t in[64], out[64];
  size_t n_in = 0, n_out = 0;
  int invokes = 0;
  const char* load(const uint8_t* m, size_t size, CommitInfo* info) override {
    if (size < 3) return "not a model";
    if (m[2] == 1) return "unsupported op SVDF";
    n_in = m[0];
    n_out = m[1];
    info->arena_used = 1234;
    info->n_inputs = 1;
    info->inputs[0] = {"int8", 4, {1, static_cast<int>(n_in), 1, 1}};
    info->n_outputs = 1;
    info->outputs[0] = {"int8", 2, {1, static_cast<int>(n_out)}};
    return nullptr;
  }
  size_t input_bytes() override { return n_in; }
  uint8_t* input_data() override { return in; }
  bool invoke() override {
    invokes++;
    unsigned s = 0;
    for (size_t i = 0; i < n_in; i++) s += in[i];
    for (size_t i = 0; i < n_out; i++) out[i] = static_cast<uint8_t>(s + i);
    memset(in, 0x55, sizeof in);  // the arena reuses the input's memory during a run
    return true;
  }
  size_t output_bytes() override { return n_out; }
  const uint8_t* output_data() override { return out; }
};

// A platform with an exact instruction counter (as the virtual board has): each invoke costs 1000.
struct CountingPlatform : FakePlatform {
  uint64_t executed = 0;
  bool instructions(uint64_t* count) override {
    *count = executed;
    return true;
  }
};

// A runner that reproduces several arithmetic profiles: "double" adds 100 to every output byte.
struct ProfileRunner : FakeRunner {
  CountingPlatform* platform = nullptr;
  const char* selected = "single";
  int loads = 0;
  const char* arithmetics() override { return "single;double"; }
  bool set_arithmetic(const char* name) override {
    if (strcmp(name, "single") && strcmp(name, "double")) return false;
    selected = !strcmp(name, "single") ? "single" : "double";
    return true;
  }
  const char* load(const uint8_t* m, size_t size, CommitInfo* info) override {
    loads++;
    return FakeRunner::load(m, size, info);
  }
  bool invoke() override {
    FakeRunner::invoke();
    if (!strcmp(selected, "double"))
      for (size_t i = 0; i < n_out; i++) out[i] = static_cast<uint8_t>(out[i] + 100);
    if (platform) platform->executed += 1000;
    return true;
  }
};

static const char* kOps[] = {"CONV_2D", "SOFTMAX"};

struct Rig {
  FakePlatform p;
  FakeRunner r;
  uint8_t stage[64];
  tinyarena::HarnessConfig cfg{"tinyarena-harness", "0.1.0", 262144, 160000, 64, kOps, 2, stage, sizeof stage};
  Harness h{p, r, cfg};
  // Send a command; return the reply lines (which must end with m-ready).
  std::vector<std::string> send(const std::string& cmd) {
    p.lines.clear();
    for (char c : cmd) h.feed(c);
    return p.lines;
  }
};

static std::string hex(const std::vector<uint8_t>& b, size_t from = 0, size_t n = SIZE_MAX) {
  std::string s;
  char t[3];
  for (size_t i = from; i < b.size() && i < from + n; i++) snprintf(t, 3, "%02x", b[i]), s += t;
  return s;
}

static std::string crc_hex(const std::vector<uint8_t>& b) {
  char t[9];
  snprintf(t, 9, "%08lx", static_cast<unsigned long>(tinyarena::crc32_update(0, b.data(), b.size())));
  return t;
}

static bool ends_ready(const std::vector<std::string>& l) { return !l.empty() && l.back() == "m-ready"; }

static void upload(Rig& g, const std::vector<uint8_t>& model, size_t chunk = 5) {
  g.send("x-model load " + std::to_string(model.size()) + " " + crc_hex(model) + "%");
  for (size_t i = 0; i < model.size(); i += chunk) g.send("x-model " + hex(model, i, chunk) + "%");
}

int main() {
  {
    Rig g;
    g.h.boot();
    CHECK(g.p.lines.size() == 4 && g.p.lines[0] == "m-timestamp-mode-performance" && g.p.lines[2] == "m-init-done" && g.p.lines[3] == "m-ready");
    CHECK(g.p.lines[1].rfind("m-lap-us-", 0) == 0);
  }
  {
    Rig g;
    auto l = g.send("name%");
    CHECK(l.size() == 2 && l[0] == "m-name-dut-[tinyarena-harness]" && ends_ready(l));
    l = g.send("profile%");
    CHECK(l[0] == "m-model-[tinyarena]" && ends_ready(l));
    l = g.send("x-info%");
    CHECK(l[0] == "x-info-[fw=0.1.0,slot=4096,ram=262144,arena=160000,chunk=264,mhz=64,ops=CONV_2D;SOFTMAX]");
    l = g.send("bogus%");
    CHECK(l[0] == "e-[unknown command \"bogus\"]" && ends_ready(l));
    l = g.send("%");  // a lone % (recovery) answers and re-syncs
    CHECK(l[0].rfind("e-[", 0) == 0 && ends_ready(l));
    l = g.send("\r\nname\r\n%");
    CHECK(l[0] == "m-name-dut-[tinyarena-harness]");
    l = g.send(std::string(2000, 'a') + "%");
    CHECK(l[0] == "e-[overflow]" && ends_ready(l));
    l = g.send("infer 1 0%");
    CHECK(l[0] == "e-[no model]");
    l = g.send("x-output%");
    CHECK(l[0] == "e-[no results yet]");
  }
  {
    // Upload, commit, load input, infer, results and raw output.
    Rig g;
    std::vector<uint8_t> model = {4, 3, 0};
    for (int i = 0; i < 40; i++) model.push_back(static_cast<uint8_t>(i * 7));
    upload(g, model);
    auto l = g.send("x-model commit%");
    CHECK(l.size() == 2 && l[0] == "x-model-committed-[arena=1234,in=int8:1x4x1x1,out=int8:1x3]");
    l = g.send("db load 5%");
    CHECK(l[0] == "e-[db load: input is 4 bytes]");
    l = g.send("db load 4%");
    CHECK(l.size() == 1 && ends_ready(l));
    l = g.send("db 0102%");
    CHECK(l.size() == 1);
    l = g.send("db 03zz%");
    CHECK(l[0] == "e-[bad hex]");
    l = g.send("db 0304%");
    CHECK(l.size() == 2 && l[0] == "m-load-done");
    l = g.send("db 05%");
    CHECK(l[0] == "e-[db: no load in progress]");
    l = g.send("infer 3 2%");
    CHECK(l.size() == 4 && l[0].rfind("m-lap-us-", 0) == 0 && l[1].rfind("m-lap-us-", 0) == 0);
    CHECK(l[2] == "m-results-[10,11,12]" && ends_ready(l));
    CHECK(g.r.invokes == 5);
    l = g.send("x-output%");
    CHECK(l[0] == "x-output-[0a0b0c]");
    l = g.send("results%");
    CHECK(l[0] == "m-results-[10,11,12]");
    l = g.send("infer 0 0%");
    CHECK(l[0].rfind("e-[infer", 0) == 0);
  }
  {
    // CRC mismatch (announced CRC wrong), flash corruption, short upload, oversize, load failure.
    Rig g;
    std::vector<uint8_t> model = {4, 3, 0, 9, 9, 9};
    g.send("x-model load 6 00000000%");
    g.send("x-model " + hex(model) + "%");
    auto l = g.send("x-model commit%");
    CHECK(l[0].rfind("e-[crc mismatch: got ", 0) == 0 && ends_ready(l));
    CHECK(g.send("db load 4%")[0] == "e-[no model]");

    g.p.corrupt_next_program = true;
    upload(g, model);
    l = g.send("x-model commit%");
    CHECK(l[0].rfind("e-[crc mismatch", 0) == 0);

    g.send("x-model load 6 " + crc_hex(model) + "%");
    g.send("x-model " + hex(model, 0, 3) + "%");
    l = g.send("x-model commit%");
    CHECK(l[0] == "e-[short upload: 3/6 bytes]");

    l = g.send("x-model load 5000 00000000%");
    CHECK(l[0] == "e-[model too large: 5000 > slot 4096]");
    l = g.send("x-model 00%");
    CHECK(l[0] == "e-[x-model: no upload in progress]");

    std::vector<uint8_t> bad = {4, 3, 1};
    upload(g, bad);
    l = g.send("x-model commit%");
    CHECK(l[0] == "e-[unsupported op SVDF]");

    g.send("x-model load 3 " + crc_hex(model) + "%");
    l = g.send("x-model " + hex(model) + "%");
    CHECK(l[0] == "e-[x-model: more bytes than announced]");
  }
  {
    // The wrap of the µs counter is visible to the host: stamps straddle 2^32.
    Rig g;
    std::vector<uint8_t> model = {1, 1, 0};
    upload(g, model);
    g.send("x-model commit%");
    g.send("db load 1%");
    g.send("db 07%");
    g.p.clock = 4294965896u;
    auto l = g.send("infer 1 0%");
    CHECK(l[0] == "m-lap-us-4294966896" && l[1] == "m-lap-us-600");
    CHECK(g.send("x-reset%").empty() && g.p.resets == 1);
  }
  {
    // Without a counter or a choice of arithmetic, the extensions say so.
    Rig g;
    CHECK(g.send("x-icount%")[0] == "e-[x-icount: this board cannot count instructions]");
    CHECK(g.send("x-arith tflm%")[0] == "e-[x-arith: this firmware has one fixed arithmetic]");
  }
  {
    // A board that counts instructions and selects arithmetic (the virtual board's harness).
    CountingPlatform p;
    ProfileRunner r;
    r.platform = &p;
    uint8_t stage[64];
    tinyarena::HarnessConfig cfg{"virtual", "0.2.0", 4194304, 262144, 25, kOps, 2, stage, sizeof stage};
    Harness h{p, r, cfg};
    auto send = [&](const std::string& cmd) {
      p.lines.clear();
      for (char c : cmd) h.feed(c);
      return p.lines;
    };
    CHECK(send("x-info%")[0] == "x-info-[fw=0.2.0,slot=4096,ram=4194304,arena=262144,chunk=264,mhz=25,arith=single;double,icount=1,ops=CONV_2D;SOFTMAX]");
    CHECK(send("x-icount%")[0] == "e-[no results yet]");
    CHECK(send("x-arith triple%")[0] == "e-[x-arith: unknown profile \"triple\" (known: single;double)]");
    CHECK(send("x-arith%")[0].rfind("e-[x-arith: want", 0) == 0);
    CHECK(ends_ready(send("x-arith single%")) && r.loads == 0);
    std::vector<uint8_t> model = {2, 2, 0};
    send("x-model load 3 " + crc_hex(model) + "%");
    send("x-model " + hex(model) + "%");
    CHECK(send("x-model commit%")[0].rfind("x-model-committed-", 0) == 0 && r.loads == 1);
    send("db load 2%");
    send("db 0102%");
    auto l = send("infer 4 3%");
    CHECK(l[2] == "m-results-[3,4]");
    // Warm-ups are not counted: 4 timed inferences of 1000 instructions.
    CHECK(send("x-icount%")[0] == "x-icount-[per=1000,total=4000,n=4]");
    // Switching arithmetic prepares the committed model again; the staged input stays.
    l = send("x-arith double%");
    CHECK(l.size() == 1 && ends_ready(l) && r.loads == 2);
    CHECK(send("x-output%")[0] == "e-[no results yet]");
    CHECK(send("infer 1 0%")[2] == "m-results-[103,104]");
    CHECK(send("x-icount%")[0] == "x-icount-[per=1000,total=1000,n=1]");
  }
  {
    // The generated op list expands to names (as the sketch registers them).
#define NAME(name, method) #name,
    const char* names[] = {TINYARENA_OPS(NAME)};
    CHECK(sizeof names / sizeof names[0] == TINYARENA_OP_COUNT);
    CHECK(!strcmp(names[0], "CONV_2D"));
  }
  {
    uint8_t s[] = {'1', '2', '3', '4', '5', '6', '7', '8', '9'};
    CHECK(tinyarena::crc32_update(0, s, 9) == 0xcbf43926u);
  }
  printf("%d passed, %d failed\n", g_pass, g_fail);
  return g_fail ? 1 : 0;
}
