// TinyArena harness: the rack protocol (firmware/PROTOCOL.md) in portable C++.
//
// No Arduino, TFLM or heap use here: the sketch supplies a Platform (serial out, µs clock, flash
// model slot, reset) and a ModelRunner (TFLM), so this file compiles and is unit-tested with g++ on
// the host (firmware/test/harness_test.cpp, run from test/integration/firmware-core.integration.test.ts).
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace tinyarena {

// Longest command the harness buffers, including x-model chunks as hex (chunk = (CMD_CAP - 16) / 2).
constexpr size_t kCmdCap = 544;
constexpr size_t kChunkBytes = (kCmdCap - 16) / 2;

uint32_t crc32_update(uint32_t crc, const uint8_t* data, size_t n);

struct Platform {
  virtual ~Platform() {}
  // One protocol line; the platform appends CR LF.
  virtual void write_line(const char* line) = 0;
  virtual uint32_t micros() = 0;
  // Flash model slot: erase for `size` bytes, program at `offset`, read back.
  virtual size_t slot_capacity() = 0;
  virtual bool slot_erase(size_t size) = 0;
  virtual bool slot_program(size_t offset, const uint8_t* data, size_t n) = 0;
  virtual const uint8_t* slot_data() = 0;
  virtual void reset() = 0;
  // Instructions executed so far, when the platform can count them exactly (an emulated core run
  // with a deterministic instruction clock, such as TinyArena's virtual board); false otherwise.
  // With it the harness answers `x-icount` (instructions per inference of the last timed run).
  virtual bool instructions(uint64_t* count) {
    (void)count;
    return false;
  }
};

struct TensorInfo {
  const char* dtype;  // "int8", "uint8", "float32", …
  int dims;
  int shape[6];
};

struct CommitInfo {
  size_t arena_used;
  int n_inputs, n_outputs;
  TensorInfo inputs[4];
  TensorInfo outputs[4];
};

struct ModelRunner {
  virtual ~ModelRunner() {}
  // Build an interpreter over the model in flash; nullptr on success, else a short error text.
  virtual const char* load(const uint8_t* model, size_t size, CommitInfo* info) = 0;
  virtual size_t input_bytes() = 0;
  virtual uint8_t* input_data() = 0;
  virtual bool invoke() = 0;
  virtual size_t output_bytes() = 0;
  virtual const uint8_t* output_data() = 0;
  // Arithmetic profiles the runner can reproduce, ';'-separated (e.g. "tflm;tflm-single;tflite"),
  // or nullptr when it has one fixed arithmetic (the TFLM build). Listed in x-info as `arith=`.
  virtual const char* arithmetics() { return nullptr; }
  // Select one of them for the next load; false when unknown.
  virtual bool set_arithmetic(const char* name) {
    (void)name;
    return false;
  }
};

struct HarnessConfig {
  const char* name;
  const char* firmware_version;
  size_t ram_bytes;
  size_t max_arena_bytes;
  unsigned mhz;
  const char* const* ops;  // registered op names
  size_t n_ops;
  // Staging buffer for `db` input bytes. The input tensor lives in the arena and later ops may reuse
  // its memory, so the input is copied in before every invocation (as the EEMBC runner expects).
  uint8_t* input_stage;
  size_t input_stage_bytes;
};

class Harness {
 public:
  Harness(Platform& platform, ModelRunner& runner, const HarnessConfig& config)
      : p_(platform), r_(runner), cfg_(config) {}
  // Boot lines: timestamp mode, a stamp, m-init-done, m-ready.
  void boot();
  // One byte from the host. Commands end at '%'.
  void feed(char c);

 private:
  void dispatch(char* cmd);
  void reply_error(const char* msg);
  void cmd_db(char* args);
  void cmd_infer(char* args);
  void cmd_info();
  void cmd_model(char* args);
  void cmd_arith(char* args);
  void cmd_icount();
  void print_results();
  void print_output();
  void lap();
  bool invoke_once();

  Platform& p_;
  ModelRunner& r_;
  HarnessConfig cfg_;
  char cmd_[kCmdCap + 1] = {0};
  size_t cmd_len_ = 0;
  bool overflow_ = false;
  // db load
  size_t in_expected_ = 0, in_got_ = 0;
  bool in_loading_ = false;
  // x-model upload
  size_t up_expected_ = 0, up_got_ = 0;
  uint32_t up_crc_want_ = 0, up_crc_ = 0;
  bool up_active_ = false;
  bool model_ready_ = false;
  bool have_output_ = false;
  size_t model_bytes_ = 0;
  // x-icount: instructions over the last timed run, and its inference count (0: none yet).
  uint64_t timed_instructions_ = 0;
  uint32_t timed_count_ = 0;
};

}  // namespace tinyarena
