/**
 * Device: run the model on a board of the rack (grader/rack/). Lease a board, upload the model, run a
 * fixed subset of the held-out set, compare raw output bytes with the host engine (the challenge's
 * `device.arithmetic` profile), and measure latency as the median of `device.inferences` timed runs
 * after `device.warmups` warm-ups. A board fault (timeout, garbage, unplugged) is retried on another
 * board by the rack; when every board is busy with other submissions the job queues for one (bounded
 * by the rack's `leaseWaitMs`, with "waiting for a board" as progress); no usable board at all is
 * transient (the queue retries, then the quota is refunded).
 * Without a rack the stage is skipped with the reason, and the latency term scores 0 points.
 *
 * On a virtual board (QEMU running TinyArena's own C runtime, independent of the host engine) the
 * comparison checks the engine: a mismatch is an engine or firmware defect, never the learner's, and
 * fails the stage loudly (logged with the sample and bytes; the quota is refunded). Its latency is the
 * Nano estimate from the deterministic instruction count, and the report says so.
 */
import { conversionFor } from '../datasets/convert.js';
import type { Interpreter } from '../interpreter/interpreter.js';
import { createInterpreter } from '../inference/engine.js';
import { UnsupportedModelError } from '../interpreter/kernel.js';
import { activeRack } from '../rack/active.js';
import { runOnDevice, type DeviceCase } from '../rack/device-run.js';
import { ModelRefusedError } from '../rack/rack-job.js';
import { estimateLatency } from '../validate/latency-model.js';
import { seededSubset } from '../metrics/split.js';
import { parseModel } from '../tflite/parse.js';
import { firmwareDeviceStage } from './stage-device-firmware.js';
import { heldOutSet } from './held-out.js';
import { StageStop, type StageWork } from '../../arena/stage-contract.js';
import { boardWaitProgress } from './board-wait.js';

/** Samples run on the board per submission: enough to catch arithmetic drift, cheap on a real kit. */
export const DEVICE_SAMPLES = 8;

export const deviceStage: StageWork = async (ctx) => {
  if (ctx.submission.kind === 'firmware') return firmwareDeviceStage(ctx);
  const { services, submission, challenge } = ctx;
  const device = challenge.def.device;
  if (!device.enabled) return { status: 'skipped', detail: { reason: 'this challenge has no device stage' } };
  const rack = activeRack();
  if (!rack) {
    return {
      status: 'skipped',
      detail: { reason: 'no board rack is attached to this grader (RACK_CONFIG unset, RACK_SIM_BOARDS=0 and no virtual boards): latency is not measured and the latency term scores 0 points' },
    };
  }
  const { dataset, splitSeed } = await heldOutSet(ctx);
  const model = await services.blobs.readBytes(submission.blobSha256);
  const graph = parseModel(model);

  // Host reference outputs for the subset, with the arithmetic the firmware reproduces.
  let interpreter: Interpreter;
  try {
    interpreter = createInterpreter(graph, { arithmetic: device.arithmetic });
  } catch (err) {
    if (err instanceof UnsupportedModelError) return { status: 'failed', detail: { error: err.message }, reason: err.message };
    throw err;
  }
  const input = graph.tensors[graph.inputs[0]!]!;
  if (graph.inputs.length !== 1 || input.type !== 'int8' || !input.quantization) {
    const reason = 'the device stage runs models with one int8 input';
    return { status: 'failed', detail: { error: reason }, reason };
  }
  const conversion = conversionFor(dataset.encoding, { dtype: 'int8', scale: input.quantization.scale[0]!, zeroPoint: input.quantization.zeroPoint[0] ?? 0 });
  const width = dataset.encoding.dtype === 'float32' ? 4 : 1;
  const cases: DeviceCase[] = [];
  for (const s of seededSubset(dataset.samples, 'device', splitSeed, DEVICE_SAMPLES)) {
    // A windowed sample (AD): its first window stands for it (the device checks arithmetic, not the metric).
    const stored = dataset.window ? s.data.subarray(0, dataset.window.bytes) : s.data;
    if (stored.length !== input.elements * width) {
      const reason = `sample ${s.id} does not fit the model input [${input.shape.join(',')}]`;
      return { status: 'failed', detail: { error: reason }, reason };
    }
    const x = new Int8Array(input.elements);
    conversion.apply(stored, x);
    const bytes = new Uint8Array(x.buffer);
    interpreter.setInputBytes(bytes);
    interpreter.invoke();
    cases.push({ id: s.id, input: bytes, expected: interpreter.getOutputBytes() });
  }

  const expectedUs = estimateLatency(graph).us;
  let report;
  try {
    report = await runOnDevice(rack, { model, cases, warmups: device.warmups, inferences: device.inferences, expectedUs, arithmetic: device.arithmetic, onWait: boardWaitProgress(ctx.progress), signal: ctx.signal }, submission.id);
  } catch (err) {
    if (err instanceof ModelRefusedError) {
      const reason = `the board firmware refused the model: ${err.message}`;
      return { status: 'failed', detail: { error: reason }, reason };
    }
    // RackUnavailableError and anything else: our side; the queue retries, then refunds.
    throw err;
  }
  const detail = { ...report, arithmetic: device.arithmetic, inputConversion: conversion.description, expectedLatencyMs: Math.round(expectedUs) / 1000, ...(report.latencyEstimate ? { latencyBasis: report.latencyEstimate.basis } : {}) };
  if (!report.byteEqual && report.boardKind === 'virtual') {
    const m = report.mismatches[0]!;
    const message = `engine or firmware defect (not the submission's fault; quota refunded): the virtual board's C runtime and the host engine disagree (arithmetic ${device.arithmetic}) on ${report.mismatches.length} of ${report.samples} samples; first: sample ${m.sample}, byte ${m.byteIndex}: board [${m.device.join(', ')}] vs host [${m.host.join(', ')}] from byte ${Math.max(0, m.byteIndex - 2)}`;
    services.logger.error({ submission: submission.id, board: report.boardId, mismatches: report.mismatches, arithmetic: device.arithmetic }, message);
    throw new StageStop('failed', message);
  }
  if (!report.byteEqual) {
    const m = report.mismatches[0]!;
    const reason = `the board's outputs differ from the host engine's on ${report.mismatches.length} of ${report.samples} samples (first: sample ${m.sample}, byte ${m.byteIndex}: board [${m.device.join(', ')}] vs host [${m.host.join(', ')}] from byte ${Math.max(0, m.byteIndex - 2)})`;
    return { status: 'failed', detail, reason };
  }
  if (report.latencyMs > device.timeoutMs) {
    const reason = `one inference takes ${report.latencyMs} ms on the board${report.latencyEstimate ? ' (estimated on a virtual board)' : ''}, over the challenge's limit of ${device.timeoutMs} ms`;
    return { status: 'failed', detail, reason };
  }
  return { status: 'passed', detail };
};
