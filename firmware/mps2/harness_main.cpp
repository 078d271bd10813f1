// TinyArena harness for the virtual board: QEMU's mps2-an386 (Cortex-M4F), the rack protocol
// (../PROTOCOL.md) over UART0, models run by TinyArena's own int8 runtime (../runtime/), which
// reproduces stock TFLM arithmetic (and, on request, the single-rounding builds).
//
// The protocol is the portable core shared with the Nano 33 BLE sketch (../harness/src/); this file
// is only the board glue. The model slot is 1 MiB of SSRAM1 (the "flash") at 0x00200000, above the
// image; the arena and the input staging buffer live in SSRAM2/3. Instruction counts come from the
// 25 MHz timer under QEMU's `-icount shift=0` (one tick = 40 instructions, see board.h).
#include <stdio.h>
#include <string.h>

#include "../harness/src/protocol_core.h"
#include "../runtime/ta_runtime.h"
#include "board.h"

extern "C" char __flash_end;

namespace {

constexpr const char* kFirmwareVersion = "0.2.0-mps2";
constexpr uintptr_t kSlotStart = 0x00200000u;
constexpr size_t kSlotSize = 1024 * 1024;
constexpr size_t kArenaSize = 256 * 1024;
constexpr size_t kInputStage = 128 * 1024;
constexpr size_t kRamBytes = 4 * 1024 * 1024;
alignas(16) uint8_t g_arena[kArenaSize];
uint8_t g_input_stage[kInputStage];

uint8_t* slot() { return reinterpret_cast<uint8_t*>(kSlotStart); }

class Mps2Platform : public tinyarena::Platform {
 public:
  void write_line(const char* line) override {
    board_write(line, strlen(line));
    board_write("\r\n", 2);
  }
  uint32_t micros() override { return board_micros(); }
  size_t slot_capacity() override { return kSlotSize; }
  bool slot_erase(size_t size) override {
    if (size > kSlotSize) return false;
    memset(slot(), 0xff, size);
    return true;
  }
  bool slot_program(size_t offset, const uint8_t* data, size_t n) override {
    if (offset > kSlotSize || n > kSlotSize - offset) return false;
    memcpy(slot() + offset, data, n);
    return true;
  }
  const uint8_t* slot_data() override { return slot(); }
  void reset() override { board_reset(); }
  bool instructions(uint64_t* count) override {
    *count = board_ticks() * BOARD_INSTRUCTIONS_PER_TICK;
    return true;
  }
};

class RuntimeRunner : public tinyarena::ModelRunner {
 public:
  const char* load(const uint8_t* model, size_t size, tinyarena::CommitInfo* info) override {
    static char err[sizeof interp_.error];
    if (ta_init(&interp_, model, size, g_arena, kArenaSize, arith_) != 0) {
      snprintf(err, sizeof err, "%s", interp_.error);
      return err;
    }
    info->arena_used = ta_arena_used(&interp_);
    info->n_inputs = interp_.ninputs;
    info->n_outputs = interp_.noutputs;
    if (interp_.ninputs != 1 || interp_.noutputs != 1) {
      interp_.ready = 0;
      return "the harness runs models with one input and one output";
    }
    describe(ta_input(&interp_, 0), &info->inputs[0]);
    describe(ta_output(&interp_, 0), &info->outputs[0]);
    return nullptr;
  }
  size_t input_bytes() override { return interp_.ready ? ta_input(&interp_, 0)->bytes : 0; }
  uint8_t* input_data() override { return ta_input(&interp_, 0)->data; }
  bool invoke() override {
    if (!interp_.ready) return false;
    ta_invoke(&interp_);
    return true;
  }
  size_t output_bytes() override { return interp_.ready ? ta_output(&interp_, 0)->bytes : 0; }
  const uint8_t* output_data() override { return ta_output(&interp_, 0)->data; }
  const char* arithmetics() override { return "tflm;tflm-single;tflite"; }
  bool set_arithmetic(const char* name) override {
    int a = ta_arith_from_name(name);
    if (a < 0) return false;
    arith_ = static_cast<ta_arith>(a);
    return true;
  }

 private:
  static void describe(const ta_tensor* t, tinyarena::TensorInfo* out) {
    out->dtype = ta_type_name(t->type);
    out->dims = t->ndims > 6 ? 6 : t->ndims;
    for (int i = 0; i < out->dims; i++) out->shape[i] = t->dims[i];
  }
  ta_interp interp_{};
  // Stock TFLM (what a Nano 33 BLE computes) until the host asks for another profile.
  ta_arith arith_ = TA_ARITH_TFLM;
};

Mps2Platform g_platform;
RuntimeRunner g_runner;
const tinyarena::HarnessConfig kConfig = {"tinyarena-virtual-mps2-an386", kFirmwareVersion, kRamBytes, kArenaSize, BOARD_TICK_HZ / 1000000u, ta_op_names, static_cast<size_t>(ta_op_count),
                                          g_input_stage, kInputStage};
tinyarena::Harness g_harness(g_platform, g_runner, kConfig);

}  // namespace

// Pure virtual calls cannot happen here; keep libstdc++'s verbose handler out of the image.
extern "C" void __cxa_pure_virtual() { board_reset(); }

int main() {
  board_init();
  if (reinterpret_cast<uintptr_t>(&__flash_end) > kSlotStart) board_puts("fault: the image overlaps the model slot\r\n");
  g_harness.boot();
  for (;;) {
    int c;
    while ((c = board_getc()) >= 0) g_harness.feed(static_cast<char>(c));
    board_wait_for_input();
  }
}
