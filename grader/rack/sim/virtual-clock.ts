/**
 * The µs clock of a simulated board: real time plus modelled compute time, never going backwards,
 * printed mod 2^32 like a Cortex-M's 32-bit timer. Shared by the harness and the MLPerf-style firmware.
 */
import { encodeMessage } from '../protocol.js';

export class VirtualClock {
  private lastStamp = 0;
  private offset = 0;

  constructor(private readonly realMicros: () => number) {}

  /** Unwrapped µs now. */
  now(): number {
    this.lastStamp = Math.max(this.lastStamp, Math.floor(this.realMicros()) + this.offset);
    return this.lastStamp;
  }

  /** `infer count warmups` at `latencyUs` each: the warm-ups pass, then the two lap stamps (unwrapped). */
  infer(latencyUs: number, count: number, warmups: number): { t0: number; t1: number } {
    this.offset += Math.round(latencyUs * warmups);
    const t0 = this.now();
    const run = Math.round(latencyUs * count);
    this.offset += run;
    this.lastStamp += run;
    return { t0, t1: this.lastStamp };
  }

  /** The boot lines of MLPerf Tiny firmware (performance mode). */
  bootLines(): string[] {
    return [encodeMessage({ kind: 'timestamp-mode', mode: 'performance' }), encodeMessage({ kind: 'lap', us: this.now() % 0x100000000 }), 'm-init-done', 'm-ready'];
  }
}
