/**
 * Faults a simulated board can inject, triggered after a number of commands, so tests reproduce
 * what real kits do: garble or drop bytes (bad cable, USB noise), hang (stuck firmware), reboot
 * (brown-out, watchdog: the model is gone), disconnect (unplugged: the pty closes).
 */
import { z } from 'zod';

export const faultSpecSchema = z.strictObject({
  /** drift: raw outputs (x-output) come back with one bit flipped: wrong arithmetic, valid protocol. */
  kind: z.enum(['hang', 'garble', 'drop', 'reboot', 'disconnect', 'drift']),
  /** The fault starts at this command (0 = the first). */
  afterCommands: z.number().int().nonnegative().default(0),
  /** garble/drop: probability per reply byte (default 0.2). */
  rate: z.number().min(0).max(1).default(0.2),
});

export type FaultSpec = z.output<typeof faultSpecSchema>;

/** What to do with the reply to command number `n` (0-based). */
export type FaultAction = { kind: 'none'; drift?: boolean } | { kind: 'hang' } | { kind: 'reboot' } | { kind: 'disconnect' } | { kind: 'mangle'; garble: number; drop: number; drift?: boolean };

export function faultFor(faults: readonly FaultSpec[], n: number): FaultAction {
  let garble = 0;
  let drop = 0;
  let drift = false;
  for (const f of faults) {
    if (n < f.afterCommands) continue;
    if (f.kind === 'hang') return { kind: 'hang' };
    if (f.kind === 'disconnect' && n === f.afterCommands) return { kind: 'disconnect' };
    if (f.kind === 'reboot' && n === f.afterCommands) return { kind: 'reboot' };
    if (f.kind === 'garble') garble = Math.max(garble, f.rate);
    if (f.kind === 'drop') drop = Math.max(drop, f.rate);
    if (f.kind === 'drift') drift = true;
  }
  const d = drift ? { drift } : {};
  return garble || drop ? { kind: 'mangle', garble, drop, ...d } : { kind: 'none', ...d };
}

/** Garble (set the high bit: never valid protocol text) or drop bytes of a reply. */
export function mangle(reply: string, action: { garble: number; drop: number }, rnd: () => number): string {
  let out = '';
  for (const ch of reply) {
    if (action.drop && rnd() < action.drop) continue;
    out += action.garble && rnd() < action.garble ? String.fromCharCode(ch.charCodeAt(0) | 0x80) : ch;
  }
  return out;
}

/** A drifting board: flip the lowest bit of the first raw output byte in an `x-output-[…]` line. */
export function driftLine(line: string): string {
  const m = /^x-output-\[([0-9a-f]{2})/.exec(line);
  if (!m) return line;
  const flipped = (parseInt(m[1]!, 16) ^ 1).toString(16).padStart(2, '0');
  return `x-output-[${flipped}${line.slice(12)}`;
}
