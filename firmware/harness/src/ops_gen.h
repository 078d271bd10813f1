// GENERATED from firmware/op-set.json by grader/rack/firmware-ops.ts: do not edit.
// X(op name, MicroMutableOpResolver method) for every op the harness registers.
#pragma once
#define TINYARENA_OP_COUNT 24
#define TINYARENA_OPS(X) \
  X(CONV_2D, AddConv2D) \
  X(DEPTHWISE_CONV_2D, AddDepthwiseConv2D) \
  X(FULLY_CONNECTED, AddFullyConnected) \
  X(AVERAGE_POOL_2D, AddAveragePool2D) \
  X(MAX_POOL_2D, AddMaxPool2D) \
  X(RESHAPE, AddReshape) \
  X(SOFTMAX, AddSoftmax) \
  X(ADD, AddAdd) \
  X(SUB, AddSub) \
  X(MUL, AddMul) \
  X(QUANTIZE, AddQuantize) \
  X(DEQUANTIZE, AddDequantize) \
  X(RELU, AddRelu) \
  X(RELU6, AddRelu6) \
  X(LEAKY_RELU, AddLeakyRelu) \
  X(LOGISTIC, AddLogistic) \
  X(TANH, AddTanh) \
  X(MEAN, AddMean) \
  X(PAD, AddPad) \
  X(CONCATENATION, AddConcatenation) \
  X(SQUEEZE, AddSqueeze) \
  X(STRIDED_SLICE, AddStridedSlice) \
  X(TRANSPOSE, AddTranspose) \
  X(HARD_SWISH, AddHardSwish)
