// TinyArena harness firmware for the Arduino Nano 33 BLE Sense (nRF52840, Cortex-M4F @ 64 MHz).
//
// Speaks the rack protocol (../PROTOCOL.md): a model is uploaded over serial into a flash slot
// (CRC-checked), run with TensorFlow Lite Micro, timed with micros(), and its raw output bytes are
// printed for a byte-for-byte comparison with the host engine. The protocol logic is the portable
// core in src/protocol_core.cpp (unit-tested on the host with g++); this file is only the Arduino glue.
// Build and flash: see ../README.md.
#include <Arduino.h>
#include <FlashIAP.h>
#include <TensorFlowLite.h>
#include <tensorflow/lite/micro/micro_interpreter.h>
#include <tensorflow/lite/micro/micro_mutable_op_resolver.h>
#include <tensorflow/lite/schema/schema_generated.h>

#include "src/ops_gen.h"
#include "src/protocol_core.h"

namespace {

constexpr const char* kFirmwareVersion = "0.1.0";
// Model slot: the upper half of the 1 MB flash. The sketch (bootloader ends at 0x10000) must stay
// below kSlotStart; the build script in ../README.md checks the .bin size against it.
constexpr uint32_t kSlotStart = 0x80000;
constexpr uint32_t kSlotSize = 0x80000;
constexpr size_t kArenaSize = 160 * 1024;
alignas(16) uint8_t g_arena[kArenaSize];
// Inputs up to VWW's 96x96x3 bytes; copied into the input tensor before every invocation.
constexpr size_t kInputStage = 96 * 96 * 3;
uint8_t g_input_stage[kInputStage];

#define TINYARENA_OP_NAME(name, method) #name,
const char* const kOpNames[] = {TINYARENA_OPS(TINYARENA_OP_NAME)};

mbed::FlashIAP g_flash;

class NanoPlatform : public tinyarena::Platform {
 public:
  void write_line(const char* line) override {
    Serial.print(line);
    Serial.print("\r\n");
  }
  uint32_t micros() override { return ::micros(); }
  size_t slot_capacity() override { return kSlotSize; }
  bool slot_erase(size_t size) override {
    const uint32_t page = g_flash.get_sector_size(kSlotStart);
    const uint32_t len = (size + page - 1) / page * page;
    return g_flash.erase(kSlotStart, len) == 0;
  }
  bool slot_program(size_t offset, const uint8_t* data, size_t n) override {
    // nRF52840 flash programs in 4-byte words: buffer the tail of an unaligned chunk.
    static uint8_t word[4];
    static size_t pending = 0;
    if (offset == 0) pending = 0;
    for (size_t i = 0; i < n; i++) {
      word[pending++] = data[i];
      if (pending == 4) {
        if (g_flash.program(word, kSlotStart + offset + i - 3, 4) != 0) return false;
        pending = 0;
      }
    }
    if (pending) {
      uint8_t pad[4] = {0xff, 0xff, 0xff, 0xff};
      memcpy(pad, word, pending);
      // Programming only clears bits, so the padded word can be re-programmed when it fills.
      return g_flash.program(pad, kSlotStart + offset + n - pending, 4) == 0;
    }
    return true;
  }
  const uint8_t* slot_data() override { return reinterpret_cast<const uint8_t*>(kSlotStart); }
  void reset() override {
    Serial.flush();
    NVIC_SystemReset();
  }
};

class TflmRunner : public tinyarena::ModelRunner {
 public:
  const char* load(const uint8_t* model_data, size_t, tinyarena::CommitInfo* info) override {
    static char err[64];
    const tflite::Model* model = tflite::GetModel(model_data);
    if (model->version() != TFLITE_SCHEMA_VERSION) return "unsupported schema version";
    if (interpreter_) interpreter_->~MicroInterpreter();
    interpreter_ = new (interpreter_buf_) tflite::MicroInterpreter(model, resolver(), g_arena, kArenaSize);
    if (interpreter_->AllocateTensors() != kTfLiteOk) {
      snprintf(err, sizeof err, "arena too small or unsupported op (arena %u)", static_cast<unsigned>(kArenaSize));
      interpreter_ = nullptr;
      return err;
    }
    info->arena_used = interpreter_->arena_used_bytes();
    info->n_inputs = static_cast<int>(interpreter_->inputs_size());
    info->n_outputs = static_cast<int>(interpreter_->outputs_size());
    if (info->n_inputs != 1 || info->n_outputs != 1) return "the harness runs models with one input and one output";
    describe(interpreter_->input(0), &info->inputs[0]);
    describe(interpreter_->output(0), &info->outputs[0]);
    return nullptr;
  }
  size_t input_bytes() override { return interpreter_ ? interpreter_->input(0)->bytes : 0; }
  uint8_t* input_data() override { return interpreter_->input(0)->data.uint8; }
  bool invoke() override { return interpreter_ && interpreter_->Invoke() == kTfLiteOk; }
  size_t output_bytes() override { return interpreter_ ? interpreter_->output(0)->bytes : 0; }
  const uint8_t* output_data() override { return interpreter_->output(0)->data.uint8; }

 private:
  static tflite::MicroMutableOpResolver<TINYARENA_OP_COUNT>& resolver() {
    static tflite::MicroMutableOpResolver<TINYARENA_OP_COUNT> r;
    static bool ready = false;
    if (!ready) {
#define TINYARENA_REGISTER(name, method) r.method();
      TINYARENA_OPS(TINYARENA_REGISTER)
      ready = true;
    }
    return r;
  }
  static void describe(const TfLiteTensor* t, tinyarena::TensorInfo* out) {
    out->dtype = t->type == kTfLiteInt8 ? "int8" : t->type == kTfLiteUInt8 ? "uint8" : t->type == kTfLiteFloat32 ? "float32" : "other";
    out->dims = t->dims->size > 6 ? 6 : t->dims->size;
    for (int i = 0; i < out->dims; i++) out->shape[i] = t->dims->data[i];
  }
  alignas(tflite::MicroInterpreter) uint8_t interpreter_buf_[sizeof(tflite::MicroInterpreter)];
  tflite::MicroInterpreter* interpreter_ = nullptr;
};

NanoPlatform g_platform;
TflmRunner g_runner;
const tinyarena::HarnessConfig kConfig = {"tinyarena-harness-nano33ble", kFirmwareVersion, 256 * 1024, kArenaSize, 64, kOpNames, TINYARENA_OP_COUNT, g_input_stage, kInputStage};
tinyarena::Harness g_harness(g_platform, g_runner, kConfig);

}  // namespace

void setup() {
  Serial.begin(115200);
  while (!Serial) {
  }
  g_flash.init();
  g_harness.boot();
}

void loop() {
  while (Serial.available() > 0) g_harness.feed(static_cast<char>(Serial.read()));
}
