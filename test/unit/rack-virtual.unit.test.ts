/**
 * The host side of the virtual board: the protocol's opt-in extensions (x-arith, x-icount and the
 * x-info fields that advertise them), the rack config's `virtual` kind and default ordering, and the
 * latency estimate's calibration against the MLPerf Tiny reference figures.
 */
import { describe, expect, it } from 'vitest';
import { firmwareBoardProfile, MPS2_AN386, NANO33BLE } from '../../grader/firmware/check.js';
import { decodeMessage, encodeCommand, encodeMessage, parseCommand, ProtocolError } from '../../grader/rack/protocol.js';
import { defaultRackConfig, parseRackConfig, RackConfigError } from '../../grader/rack/rack-config.js';
import { DEFAULT_CYCLES_PER_INSTRUCTION, instructionsFromVirtualMicros, LATENCY_CALIBRATION, virtualLatency } from '../../grader/rack/virtual/latency.js';
import { qemuArgs } from '../../grader/rack/virtual/launch.js';

describe('protocol extensions of the virtual board', () => {
  it('encodes and parses x-arith and x-icount', () => {
    expect(encodeCommand({ cmd: 'x-arith', profile: 'tflm-single' })).toBe('x-arith tflm-single%');
    expect(encodeCommand({ cmd: 'x-icount' })).toBe('x-icount%');
    expect(parseCommand('x-arith tflm')).toEqual({ cmd: 'x-arith', profile: 'tflm' });
    expect(parseCommand('x-icount')).toEqual({ cmd: 'x-icount' });
    expect(() => encodeCommand({ cmd: 'x-arith', profile: 'bad name%' })).toThrow(RangeError);
    expect(() => parseCommand('x-arith')).toThrow(ProtocolError);
  });

  it('reads the harness’s x-info with arith= and icount=1, and the Nano’s without them', () => {
    const line = 'x-info-[fw=0.2.0-mps2,slot=1048576,ram=4194304,arena=262144,chunk=264,mhz=25,arith=tflm;tflm-single;tflite,icount=1,ops=CONV_2D;SOFTMAX]';
    const m = decodeMessage(line);
    expect(m).toEqual({ kind: 'x-info', info: { firmware: '0.2.0-mps2', modelSlot: 1048576, ram: 4194304, maxArena: 262144, chunk: 264, mhz: 25, arithmetics: ['tflm', 'tflm-single', 'tflite'], icount: true, ops: ['CONV_2D', 'SOFTMAX'] } });
    expect(encodeMessage(m)).toBe(line);
    const nano = decodeMessage('x-info-[fw=0.1.0,slot=524288,ram=262144,arena=163840,chunk=264,mhz=64,ops=CONV_2D]');
    expect(nano.kind === 'x-info' && nano.info.arithmetics === undefined && nano.info.icount === undefined).toBe(true);
  });

  it('reads instruction counts past 2^32 exactly and rejects malformed ones', () => {
    expect(decodeMessage('x-icount-[per=26173920,total=78521760,n=3]')).toEqual({ kind: 'x-icount', count: { perInference: 26173920, total: 78521760, inferences: 3 } });
    expect(decodeMessage('x-icount-[per=6775468000,total=6775468000,n=1]')).toMatchObject({ count: { perInference: 6775468000 } });
    expect(() => decodeMessage('x-icount-[per=lu,total=1,n=1]')).toThrow(/x-icount per: expected a whole number, got "lu"/);
    expect(() => decodeMessage('x-icount-[total=1,n=1]')).toThrow(/has no per=/);
  });
});

describe('rack config: virtual boards', () => {
  it('takes kind virtual without a port, and a virtual section', () => {
    const c = parseRackConfig({ boards: [{ id: 'v1', kind: 'virtual' }], virtual: { harnessImage: '/srv/h.elf', cyclesPerInstruction: 1.1 } });
    expect(c.boards[0]).toMatchObject({ id: 'v1', kind: 'virtual', transport: 'serial' });
    expect(c.virtual).toEqual({ harnessImage: '/srv/h.elf', qemu: 'qemu-system-arm', cyclesPerInstruction: 1.1 });
    expect(() => parseRackConfig({ boards: [{ id: 'v1', kind: 'virtual' }], virtual: { qemuu: 'x' } })).toThrow(RackConfigError);
    expect(() => parseRackConfig({ boards: [{ id: 'n1', kind: 'nano33ble' }] })).toThrow(/a nano33ble board needs port or serialNumber/);
  });

  it('puts the default virtual boards before the simulated ones (an idle virtual board takes the job)', () => {
    expect(defaultRackConfig({ sim: 2, virtual: 1 }).boards.map((b) => [b.id, b.kind])).toEqual([
      ['virtual-1', 'virtual'],
      ['sim-1', 'sim'],
      ['sim-2', 'sim'],
    ]);
    expect(defaultRackConfig({ sim: 3, virtual: 0 }).boards.map((b) => b.kind)).toEqual(['sim', 'sim', 'sim']);
  });

  it('runs QEMU with a deterministic instruction clock and the UART on the pty', () => {
    const args = qemuArgs('/x/harness.elf', '/r/v.board');
    expect(args.join(' ')).toBe('-M mps2-an386 -nodefaults -display none -monitor none -nic none -icount shift=0 -kernel /x/harness.elf -chardev serial,id=uart0,path=/r/v.board -serial chardev:uart0');
  });

  it('checks firmware for the target its challenge names', () => {
    expect(firmwareBoardProfile(['virtual'])).toBe(MPS2_AN386);
    expect(firmwareBoardProfile(['nano33ble', 'sim'])).toBe(NANO33BLE);
  });
});

describe('latency estimate on a virtual board', () => {
  it('stays within ±16% of the MLPerf Tiny reference latencies scaled to 64 MHz', () => {
    for (const c of LATENCY_CALIBRATION) {
      const published = (c.publishedMs * c.publishedMHz) / 64;
      const est = virtualLatency(c.instructions).estimatedMs;
      expect(Math.abs(est - published) / published, c.model).toBeLessThan(0.16);
    }
    // The factor is the geometric mean of the three cycles-per-instruction ratios.
    const ratios = LATENCY_CALIBRATION.map((c) => (c.publishedMs * c.publishedMHz * 1000) / c.instructions);
    expect(Math.exp(ratios.reduce((a, r) => a + Math.log(r), 0) / ratios.length)).toBeCloseTo(DEFAULT_CYCLES_PER_INSTRUCTION, 2);
  });

  it('says how it was obtained, and reads firmware laps at 1,000 instructions per µs', () => {
    const v = virtualLatency(26_173_920);
    expect(v).toMatchObject({ instructionsPerInference: 26_173_920, cyclesPerInstruction: 0.9, clockMHz: 64, estimatedMs: 368.071 });
    expect(v.basis).toBe('estimated on a virtual board: 26,173,920 Cortex-M4 instructions per inference (QEMU -icount, deterministic) x 0.9 cycles per instruction at 64 MHz (calibrated on the MLPerf Tiny reference latencies)');
    expect(instructionsFromVirtualMicros(26_174)).toBe(26_174_000);
    expect(virtualLatency(1_000_000, 1.28, 'timestamps').estimatedMs).toBe(20);
    expect(virtualLatency(1_000_000, 0.9, 'timestamps').basis).toContain("from the firmware's µs timestamps");
  });
});
