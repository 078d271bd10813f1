/**
 * The model zoo: public TinyML architectures at their usual sizes, rebuilt with seeded weights by the
 * project's own writer (grader/tflite/builder.ts via ./net.ts). Together they use every operator of
 * firmware/op-set.json in the places real models use them. For benchmarks (bench/engine.ts) and the
 * engine's cross-checks (test/unit/zoo.unit.test.ts, test/integration/zoo-official.integration.test.ts).
 */
import { Net, type T } from '../../grader/tflite/net.js';

export interface ZooModel {
  name: string;
  /** What it is modelled on, and what it exercises. */
  about: string;
  build(): Net;
}

/** ResNet v1 basic block: two 3×3 convolutions and a residual ADD (1×1 projection when the shape changes). */
function basicBlock(n: Net, x: T, filters: number, stride: number): T {
  const y = n.conv(n.conv(x, { filters, kernel: 3, stride }), { filters, kernel: 3, act: 'NONE' });
  const shortcut = stride === 1 && x.shape[3] === filters ? x : n.conv(x, { filters, kernel: 1, stride, act: 'NONE' });
  return n.add(shortcut, y, 'RELU');
}

/** MobileNetV2 inverted residual: 1×1 expand, 3×3 depthwise (explicit PAD + VALID at stride 2, as Keras), 1×1 project. */
function invertedResidual(n: Net, x: T, expansion: number, filters: number, stride: number): T {
  const c = x.shape[3]!;
  let y = expansion === 1 ? x : n.conv(x, { filters: c * expansion, kernel: 1, act: 'RELU6' });
  if (stride === 2) y = n.depthwise(n.pad(y, [[0, 0], [0, 1], [0, 1], [0, 0]]), { kernel: 3, stride: 2, padding: 'VALID', act: 'RELU6' });
  else y = n.depthwise(y, { kernel: 3, act: 'RELU6' });
  y = n.conv(y, { filters, kernel: 1, act: 'NONE' });
  return stride === 1 && c === filters ? n.add(x, y) : y;
}

/** Squeeze-and-excitation with MobileNetV3's hard sigmoid (ADD 3, RELU6, MUL 1/6, as converted) or a LOGISTIC gate. */
function squeezeExcite(n: Net, x: T, reduce: number, gate: 'hard' | 'logistic'): T {
  const c = x.shape[3]!;
  let s = n.mean(x, [1, 2], true);
  s = n.conv(s, { filters: reduce, kernel: 1, act: 'RELU' });
  s = n.conv(s, { filters: c, kernel: 1, act: 'NONE' });
  s = gate === 'hard' ? n.mul(n.relu6(n.add(s, n.constant([1], [3]))), n.constant([1], [1 / 6])) : n.logistic(s);
  return n.mul(x, s);
}

export const ZOO: readonly ZooModel[] = [
  {
    name: 'resnet8_ic',
    about: 'MLPerf Tiny image classification ResNet-8 (CIFAR-10, 32×32×3): residual ADD with fused ReLU, stride-2 and 1×1 projection shortcuts, 8×8 average pool',
    build() {
      const n = new Net('resnet8_ic', 1);
      let x = n.conv(n.input([1, 32, 32, 3]), { filters: 16, kernel: 3 });
      x = basicBlock(n, x, 16, 1);
      x = basicBlock(n, x, 32, 2);
      x = basicBlock(n, x, 64, 2);
      x = n.reshape(n.avgPool(x, 8), [1, 64]);
      n.output(n.softmax(n.dense(x, { units: 10, act: 'NONE' })));
      return n;
    },
  },
  {
    name: 'mobilenetv2_vww',
    about: 'MobileNetV2-style person detector (96×96×3): inverted residuals with ADD, PAD + VALID stride-2 depthwise, ReLU6, MEAN as global pool',
    build() {
      const n = new Net('mobilenetv2_vww', 2);
      let x = n.conv(n.input([1, 96, 96, 3]), { filters: 16, kernel: 3, stride: 2, act: 'RELU6' });
      x = invertedResidual(n, x, 1, 8, 1);
      x = invertedResidual(n, x, 6, 16, 2);
      x = invertedResidual(n, x, 6, 16, 1);
      x = invertedResidual(n, x, 6, 24, 2);
      x = invertedResidual(n, x, 6, 24, 1);
      x = invertedResidual(n, x, 6, 40, 2);
      x = invertedResidual(n, x, 6, 40, 1);
      x = n.conv(x, { filters: 256, kernel: 1, act: 'RELU6' });
      x = n.mean(x, [1, 2], false);
      n.output(n.softmax(n.dense(x, { units: 2, act: 'NONE' })));
      return n;
    },
  },
  {
    name: 'dscnn_odd_kws',
    about: 'DS-CNN keyword spotter (49×10 MFCC, 1 channel) with odd widths 27/45: 10×4 stride-2 conv, depthwise-separable blocks, SQUEEZE before the classifier',
    build() {
      const n = new Net('dscnn_odd_kws', 3);
      let x = n.conv(n.input([1, 49, 10, 1], [-30, 30]), { filters: 27, kernel: [10, 4], stride: 2 });
      for (const width of [45, 45, 45, 45]) x = n.conv(n.depthwise(x, { kernel: 3 }), { filters: width, kernel: 1 });
      x = n.squeeze(n.avgPool(x, [25, 5]), [1, 2]);
      n.output(n.softmax(n.dense(x, { units: 12, act: 'NONE' })));
      return n;
    },
  },
  {
    name: 'stream_kws',
    about: 'Streaming keyword spotter (one 40-coefficient frame per call): CONCATENATION of state and frame, temporal 3×1 VALID convolutions, STRIDED_SLICE for the next states; 3 inputs, 3 outputs',
    build() {
      const n = new Net('stream_kws', 4);
      const frame = n.input([1, 1, 1, 40], [-4, 4]);
      const state1 = n.input([1, 2, 1, 40], [-4, 4]);
      const window1 = n.concatSame([state1, frame], 1);
      const h1 = n.conv(window1, { filters: 64, kernel: [3, 1], padding: 'VALID' });
      const state2 = n.input([1, 2, 1, 64], [-4, 4]);
      const window2 = n.concat([state2, h1], 1);
      const h2 = n.conv(window2, { filters: 64, kernel: [3, 1], padding: 'VALID' });
      const h3 = n.dense(n.reshape(h2, [1, 64]), { units: 48 });
      n.output(n.softmax(n.dense(h3, { units: 12, act: 'NONE' })));
      n.output(n.slice(window1, [0, 1, 0, 0], [1, 3, 1, 40]));
      n.output(n.slice(window2, [0, 1, 0, 0], [1, 3, 1, 64]));
      return n;
    },
  },
  {
    name: 'fc_autoencoder_ad',
    about: 'MLPerf Tiny anomaly-detection style dense autoencoder, wider (640-256-256-128-16-128-256-256-640), float32 in and out through QUANTIZE / DEQUANTIZE',
    build() {
      const n = new Net('fc_autoencoder_ad', 5);
      let x = n.quantize(n.input([1, 640], [-60, 10], 'float32'), [-60, 10]);
      for (const units of [256, 256, 128, 16, 128, 256, 256]) x = n.dense(x, { units });
      n.output(n.dequantize(n.dense(x, { units: 640, act: 'NONE' })));
      return n;
    },
  },
  {
    name: 'mlp_large',
    about: 'Large FULLY_CONNECTED stack on a 512-feature vector (512-512-512-256-10, 0.66 M weights): weight-bandwidth bound matrix-vector products',
    build() {
      const n = new Net('mlp_large', 6);
      let x = n.input([1, 512]);
      for (const units of [512, 512, 256]) x = n.dense(x, { units });
      n.output(n.softmax(n.dense(x, { units: 10, act: 'NONE' })));
      return n;
    },
  },
  {
    name: 'mobilenetv3_se',
    about: 'MobileNetV3-small style (64×64×3): HARD_SWISH, squeeze-excitation with hard sigmoid (ADD/RELU6/MUL by scalars) and with LOGISTIC, MUL broadcast over channels, 5×5 stride-2 depthwise, residual ADD',
    build() {
      const n = new Net('mobilenetv3_se', 7);
      let x = n.hardSwish(n.conv(n.input([1, 64, 64, 3]), { filters: 16, kernel: 3, stride: 2, act: 'NONE' }));
      let y = n.depthwise(x, { kernel: 3, stride: 2 });
      x = n.conv(squeezeExcite(n, y, 8, 'hard'), { filters: 16, kernel: 1, act: 'NONE' });
      x = n.conv(n.depthwise(n.conv(x, { filters: 72, kernel: 1 }), { kernel: 3, stride: 2 }), { filters: 24, kernel: 1, act: 'NONE' });
      y = n.conv(n.depthwise(n.conv(x, { filters: 88, kernel: 1 }), { kernel: 3 }), { filters: 24, kernel: 1, act: 'NONE' });
      x = n.add(x, y);
      y = n.hardSwish(n.depthwise(n.hardSwish(n.conv(x, { filters: 96, kernel: 1, act: 'NONE' })), { kernel: 5, stride: 2, act: 'NONE' }));
      x = n.conv(squeezeExcite(n, y, 24, 'logistic'), { filters: 40, kernel: 1, act: 'NONE' });
      x = n.hardSwish(n.conv(x, { filters: 120, kernel: 1, act: 'NONE' }));
      x = n.mean(x, [1, 2], false);
      n.output(n.softmax(n.dense(x, { units: 10, act: 'NONE' })));
      return n;
    },
  },
  {
    name: 'dw_multiplier_cifar',
    about: 'Depthwise convolutions with depth multiplier > 1 on a 3-channel image (3→24, then 32→64 at stride 2), a dilated VALID depthwise, pointwise convolutions with widths 32/48',
    build() {
      const n = new Net('dw_multiplier_cifar', 8);
      let x = n.depthwise(n.input([1, 32, 32, 3]), { kernel: 3, multiplier: 8 });
      x = n.conv(x, { filters: 32, kernel: 1 });
      x = n.depthwise(x, { kernel: 3, multiplier: 2, stride: 2 });
      x = n.conv(x, { filters: 48, kernel: 1 });
      x = n.depthwise(x, { kernel: 3, dilation: 2, padding: 'VALID' });
      x = n.conv(x, { filters: 48, kernel: 1 });
      x = n.mean(x, [1, 2], false);
      n.output(n.softmax(n.dense(x, { units: 10, act: 'NONE' })));
      return n;
    },
  },
  {
    name: 'kws_dm8',
    about: 'Keyword spotter whose first layer is a 10×4 stride-2 depthwise convolution with depth multiplier 8 on the single MFCC channel, then depthwise-separable blocks (widths 40/56)',
    build() {
      const n = new Net('kws_dm8', 9);
      let x = n.depthwise(n.input([1, 49, 10, 1], [-30, 30]), { kernel: [10, 4], multiplier: 8, stride: 2 });
      x = n.conv(x, { filters: 40, kernel: 1 });
      x = n.conv(n.depthwise(x, { kernel: 3 }), { filters: 56, kernel: 1 });
      x = n.conv(n.depthwise(x, { kernel: 3, stride: 2 }), { filters: 56, kernel: 1 });
      x = n.reshape(n.avgPool(x, [13, 3]), [1, 56]);
      n.output(n.softmax(n.dense(x, { units: 12, act: 'NONE' })));
      return n;
    },
  },
  {
    name: 'tcn_gated',
    about: 'WaveNet / TCN audio model (64 frames × 20 features): dilated 3×1 convolutions (dilation 1–8), TANH × LOGISTIC gating (MUL same shape), residual and skip ADDs, standalone RELU, MEAN over time',
    build() {
      const n = new Net('tcn_gated', 10);
      let x = n.conv(n.input([1, 64, 1, 20], [-4, 4]), { filters: 32, kernel: 1, act: 'NONE' });
      let skip: T | null = null;
      for (const d of [1, 2, 4, 8]) {
        const f = n.tanh(n.conv(x, { filters: 32, kernel: [3, 1], dilation: [d, 1], act: 'NONE' }));
        const g = n.logistic(n.conv(x, { filters: 32, kernel: [3, 1], dilation: [d, 1], act: 'NONE' }));
        const z = n.conv(n.mul(f, g), { filters: 32, kernel: 1, act: 'NONE' });
        x = n.add(x, z);
        skip = skip ? n.add(skip, z) : z;
      }
      let y = n.conv(n.relu(skip!), { filters: 32, kernel: 1 });
      y = n.mean(y, [1, 2], false);
      n.output(n.softmax(n.dense(y, { units: 12, act: 'NONE' })));
      return n;
    },
  },
  {
    name: 'person_tiny_gray',
    about: 'Tiny person detector on 96×96 grayscale (1-channel input): 3×3 convolutions with LEAKY_RELU, MAX_POOL_2D, spatial attention (1-channel LOGISTIC map, MUL broadcast over channels), VALID conv, channels 12/20/36/52',
    build() {
      const n = new Net('person_tiny_gray', 11);
      let x = n.maxPool(n.leakyRelu(n.conv(n.input([1, 96, 96, 1]), { filters: 12, kernel: 3, stride: 2, act: 'NONE' })), 2);
      x = n.maxPool(n.leakyRelu(n.conv(x, { filters: 20, kernel: 3, act: 'NONE' })), 2);
      x = n.leakyRelu(n.conv(x, { filters: 36, kernel: 3, act: 'NONE' }));
      x = n.mul(x, n.logistic(n.conv(x, { filters: 1, kernel: 1, act: 'NONE' })));
      x = n.conv(n.maxPool(x, 2), { filters: 52, kernel: 3, padding: 'VALID' });
      x = n.reshape(n.avgPool(x, 4), [1, 52]);
      n.output(n.softmax(n.dense(x, { units: 2, act: 'NONE' })));
      return n;
    },
  },
  {
    name: 'inception_kws',
    about: 'Inception-style keyword spotter: parallel 1×1, 3×3, 5×5 and max-pool branches joined by CONCATENATION (QUANTIZE inserted for branches quantized differently), twice',
    build() {
      const n = new Net('inception_kws', 12);
      let x = n.conv(n.input([1, 49, 10, 1], [-30, 30]), { filters: 24, kernel: 3 });
      x = n.maxPool(x, [2, 1]);
      const inception = (x: T, w: number) =>
        n.concat(
          [
            n.conv(x, { filters: w, kernel: 1 }),
            n.conv(n.conv(x, { filters: 12, kernel: 1 }), { filters: w, kernel: 3 }),
            n.conv(n.conv(x, { filters: 8, kernel: 1 }), { filters: 12, kernel: 5 }),
            n.conv(n.maxPool(x, 3, 1, 'SAME'), { filters: 12, kernel: 1 }),
          ],
          3,
        );
      x = inception(x, 16);
      x = n.maxPool(x, 2);
      x = inception(x, 20);
      x = n.reshape(n.avgPool(x, [12, 5]), [1, 64]);
      n.output(n.softmax(n.dense(x, { units: 12, act: 'NONE' })));
      return n;
    },
  },
  {
    name: 'tc_resnet8_kws',
    about: 'TC-ResNet8 keyword spotter (Choi et al. 2019): MFCCs as channels (49 frames × 1 × 40), 9×1 temporal convolutions at stride 2, residual ADD with 1×1 stride-2 shortcuts, average pool over time',
    build() {
      const n = new Net('tc_resnet8_kws', 14);
      let x = n.conv(n.input([1, 49, 1, 40], [-20, 20]), { filters: 16, kernel: [3, 1], act: 'RELU' });
      for (const f of [24, 32, 48]) {
        const y = n.conv(n.conv(x, { filters: f, kernel: [9, 1], stride: [2, 1], act: 'RELU' }), { filters: f, kernel: [9, 1], act: 'NONE' });
        x = n.add(y, n.conv(x, { filters: f, kernel: 1, stride: [2, 1], act: 'RELU' }), 'RELU');
      }
      x = n.reshape(n.avgPool(x, [x.shape[1]!, 1]), [1, 48]);
      n.output(n.softmax(n.dense(x, { units: 12, act: 'NONE' })));
      return n;
    },
  },
  {
    name: 'effnet_swish_vww',
    about: 'EfficientNet-style person detector (64×64×3): swish as x·LOGISTIC(x) (MUL same shape) after every convolution, squeeze-and-excitation with a LOGISTIC gate (MUL broadcast), SAME stride-2 depthwise, residual ADD',
    build() {
      const n = new Net('effnet_swish_vww', 15);
      const swish = (x: T) => n.mul(x, n.logistic(x));
      let x = swish(n.conv(n.input([1, 64, 64, 3]), { filters: 16, kernel: 3, stride: 2, act: 'NONE' }));
      for (const [e, f, s] of [[4, 24, 2], [4, 24, 1], [4, 40, 2]] as const) {
        const c = x.shape[3]!;
        let y = swish(n.conv(x, { filters: c * e, kernel: 1, act: 'NONE' }));
        y = swish(n.depthwise(y, { kernel: 3, stride: s, act: 'NONE' }));
        const se = n.logistic(n.conv(n.conv(n.mean(y, [1, 2], true), { filters: 8, kernel: 1, act: 'RELU' }), { filters: c * e, kernel: 1, act: 'NONE' }));
        y = n.conv(n.mul(y, se), { filters: f, kernel: 1, act: 'NONE' });
        x = s === 1 && c === f ? n.add(x, y) : y;
      }
      n.output(n.softmax(n.dense(n.mean(x, [1, 2], false), { units: 2, act: 'NONE' })));
      return n;
    },
  },
  {
    name: 'shufflenet_cifar',
    about: 'ShuffleNet v2-style units (32×32×3): channel split by STRIDED_SLICE, a 12-channel 1×1 / depthwise / 1×1 branch, CONCATENATION, channel shuffle as RESHAPE → TRANSPOSE → RESHAPE, MEAN',
    build() {
      const n = new Net('shufflenet_cifar', 16);
      let x = n.conv(n.input([1, 32, 32, 3]), { filters: 24, kernel: 3, stride: 2, act: 'RELU' });
      for (let b = 0; b < 3; b++) {
        const keep = n.slice(x, [0, 0, 0, 0], [1, 16, 16, 12]);
        let y = n.conv(n.slice(x, [0, 0, 0, 12], [1, 16, 16, 24]), { filters: 12, kernel: 1, act: 'RELU' });
        y = n.conv(n.depthwise(y, { kernel: 3, act: 'NONE' }), { filters: 12, kernel: 1, act: 'RELU' });
        x = n.reshape(n.transpose(n.reshape(n.concat([keep, y], 3), [1, 256, 2, 12]), [0, 1, 3, 2]), [1, 16, 16, 24]);
      }
      n.output(n.softmax(n.dense(n.mean(x, [1, 2], false), { units: 10, act: 'NONE' })));
      return n;
    },
  },
  {
    name: 'imu_har',
    about: 'Human activity recognition on 6-axis IMU windows (6 × 128, channels first): TRANSPOSE to time-major, normalization by SUB and MUL with per-channel constants (broadcast), 9×1 temporal convolutions, MAX_POOL, MEAN over time',
    build() {
      const n = new Net('imu_har', 13);
      let x = n.transpose(n.input([1, 6, 128], [-8, 8]), [0, 2, 1]);
      x = n.reshape(x, [1, 128, 1, 6]);
      x = n.sub(x, n.constant([6], [0.1, -0.2, 0.9, 0.05, 0.0, -0.1]));
      x = n.mul(x, n.constant([6], [0.5, 0.6, 0.4, 1.2, 1.1, 0.9]));
      x = n.conv(x, { filters: 24, kernel: [9, 1], stride: [2, 1] });
      x = n.maxPool(n.conv(x, { filters: 24, kernel: [9, 1] }), [2, 1]);
      x = n.conv(x, { filters: 48, kernel: [5, 1] });
      x = n.reshape(n.mean(x, [1], false), [1, 48]);
      n.output(n.softmax(n.dense(x, { units: 6, act: 'NONE' })));
      return n;
    },
  },
];

const cache = new Map<string, Uint8Array>();

/** The .tflite bytes of a zoo model (built once per process). */
export function zooModel(name: string): Uint8Array {
  let bytes = cache.get(name);
  if (!bytes) {
    const m = ZOO.find((z) => z.name === name);
    if (!m) throw new Error(`no zoo model ${name} (known: ${ZOO.map((z) => z.name).join(', ')})`);
    bytes = m.build().build();
    cache.set(name, bytes);
  }
  return bytes;
}
