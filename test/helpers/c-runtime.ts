/**
 * Runs the firmware's C int8 runtime (firmware/runtime/) through its test driver
 * (firmware/test/runtime_driver.c): jobs on stdin, results on stdout, one process for many models —
 * the Cortex-M4 build under qemu-arm, or a native build.
 */
import { spawn } from 'node:child_process';

export type CArithmetic = 'tflm' | 'tflm-single' | 'tflite';
const ARITH: Record<CArithmetic, number> = { tflm: 0, 'tflm-single': 1, tflite: 2 };

export interface CJob {
  model: Uint8Array;
  arithmetic: CArithmetic;
  /** Arena bytes (default 4 MiB: the tests check arithmetic, the board checks its own arena). */
  arenaBytes?: number;
  inputs: Uint8Array[];
}

export type CResult = { ok: true; arenaUsed: number; outputs: (Uint8Array | null)[] } | { ok: false; error: string };

const u32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n >>> 0);
  return b;
};

export function encodeJobs(jobs: CJob[]): Buffer {
  const parts: Buffer[] = [];
  for (const j of jobs) {
    parts.push(u32(ARITH[j.arithmetic]), u32(j.arenaBytes ?? 4 << 20), u32(j.model.length), Buffer.from(j.model), u32(j.inputs.length));
    for (const x of j.inputs) parts.push(u32(x.length), Buffer.from(x));
  }
  return Buffer.concat(parts);
}

export function decodeResults(out: Buffer, jobs: CJob[]): CResult[] {
  let at = 0;
  const need = (n: number) => {
    if (at + n > out.length) throw new Error(`the runtime driver's output ended early (at byte ${at} of ${out.length})`);
  };
  const read = () => {
    need(4);
    const v = out.readUInt32LE(at);
    at += 4;
    return v;
  };
  const results: CResult[] = [];
  for (const j of jobs) {
    const status = read();
    if (status === 1) {
      const n = read();
      need(n);
      results.push({ ok: false, error: out.subarray(at, at + n).toString('latin1') });
      at += n;
      continue;
    }
    if (status !== 0) throw new Error(`bad status ${status} from the runtime driver`);
    const arenaUsed = read();
    const cases = read();
    if (cases !== j.inputs.length) throw new Error(`driver answered ${cases} cases for ${j.inputs.length}`);
    const outputs: (Uint8Array | null)[] = [];
    for (let c = 0; c < cases; c++) {
      const n = read();
      if (n === 0xffffffff) {
        outputs.push(null);
        continue;
      }
      need(n);
      outputs.push(new Uint8Array(out.subarray(at, at + n)));
      at += n;
    }
    results.push({ ok: true, arenaUsed, outputs });
  }
  return results;
}

/** Run jobs through a driver command (e.g. ['qemu-arm', '-cpu', 'cortex-a15', elf]). */
export async function runCRuntime(command: string[], jobs: CJob[], timeoutMs = 120_000): Promise<CResult[]> {
  const [exe, ...args] = command;
  const child = spawn(exe!, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  const chunks: Buffer[] = [];
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => chunks.push(d));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdin.on('error', () => undefined);
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('close', (code, signal) => resolve({ code, signal })));
  child.stdin.end(encodeJobs(jobs));
  const { code, signal } = await done;
  clearTimeout(timer);
  if (code !== 0) throw new Error(`the runtime driver exited with ${signal ?? code}${stderr ? `: ${stderr.trim().slice(0, 500)}` : ''}`);
  return decodeResults(Buffer.concat(chunks), jobs);
}
