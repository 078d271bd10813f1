/**
 * A demo AD set the project makes itself (demo only — synthetic machines are not ToyADMOS/MIMII):
 * a few machine "ids" (fans/pumps), each a harmonic hum on its own fundamental with slow amplitude
 * and pitch wobble, blade/flow noise and coloured background noise. Anomalous clips are the same
 * machines with one fault added by construction, inside the scored part of the clip (frames 50–249,
 * 1.6–8 s): impacts, a bearing squeal, a drifting speed, dropouts or a rattle. 16 kHz mono WAV clips
 * are written to normal/ and anomaly/, then built with the reference front end (buildAdSet).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildAdSet } from './build-ad.js';
import { DatasetError } from './dataset.js';
import { AD_SAMPLE_RATE } from '../tasks/front-ends/ad-logmel.js';
import { markDemo } from './demo-manifest.js';
import { seededRng, type Rng } from '../../lib/rng.js';
import { encodeWav } from './wav.js';

export const AD_ANOMALY_KINDS = ['impacts', 'squeal', 'drift', 'dropouts', 'rattle'] as const;
export type AdAnomalyKind = (typeof AD_ANOMALY_KINDS)[number];

export interface AdDemoOptions {
  /** Machine ids (different fundamentals and timbres). Default 4. */
  machines?: number;
  /** Normal clips per machine. Default 10. */
  normalPerMachine?: number;
  /** Anomalous clips per machine, cycling through the fault kinds. Default 10. */
  anomalousPerMachine?: number;
  /** Clip length; the front end needs ≥ 8 s. Default 10 (as ToyADMOS/MIMII). */
  seconds?: number;
  seed?: number;
}

export interface AdDemoResult {
  samples: number;
  anomalies: number;
  perKind: Record<AdAnomalyKind, number>;
}

const SR = AD_SAMPLE_RATE;
/** The scored frames 50–249 cover about 1.6–8.0 s; faults are placed in here. */
const SCORED = { from: 1.7, to: 7.9 } as const;

interface Machine {
  id: number;
  f0: number;
  /** Harmonic amplitudes, 1-based (index 0 unused). */
  harmonics: number[];
  /** One-pole low-pass coefficient of the background noise, and its level. */
  noisePole: number;
  noiseLevel: number;
  /** Broadband flow/blade noise, amplitude-modulated at the rotation rate. */
  flowLevel: number;
  /** Slow amplitude modulation (rate Hz, depth) and pitch wobble (rate Hz, relative depth). */
  am: { rate: number; depth: number };
  fm: { rate: number; depth: number };
  gain: number;
}

function makeMachine(id: number, rng: Rng): Machine {
  const f0 = 55 + 12 * id + rng.range(0, 6);
  const rolloff = rng.range(0.7, 1.3);
  const harmonics = [0];
  for (let h = 1; h <= 16; h++) harmonics.push(h * f0 < 6000 ? rng.range(0.4, 1.2) * h ** -rolloff : 0);
  return {
    id,
    f0,
    harmonics,
    noisePole: rng.range(0.8, 0.97),
    noiseLevel: rng.range(0.15, 0.3),
    flowLevel: rng.range(0.05, 0.15),
    am: { rate: rng.range(0.1, 0.6), depth: rng.range(0.05, 0.15) },
    fm: { rate: rng.range(0.05, 0.3), depth: rng.range(0.002, 0.006) },
    gain: rng.range(0.04, 0.07),
  };
}

/** Zero-mean, unit-variance white noise (uniform: the spectrum is what the features see). */
const noise = (rng: Rng) => (rng.next() - 0.5) * 3.4641016151377544;

const sampleAt = (t: number) => Math.round(t * SR);
const BLOCK = 32;

/** One clip of machine `m`; with `fault`, that fault is added across most of the scored span. */
function machineClip(m: Machine, rng: Rng, seconds: number, fault?: AdAnomalyKind): Float32Array {
  const n = Math.round(seconds * SR);
  const out = new Float32Array(n);
  const f0 = m.f0 * (1 + 0.004 * rng.gauss());
  const phases = m.harmonics.map(() => rng.range(0, 2 * Math.PI));
  const amPhase = rng.range(0, 2 * Math.PI);
  const fmPhase = rng.range(0, 2 * Math.PI);
  // Drift: the speed slides by 15–30 %, up or down, early in the scored span, and the machine gets
  // louder as it labours.
  const drift = fault === 'drift' ? rng.pick([-1, 1]) * rng.range(0.15, 0.3) : 0;
  const driftAt = (t: number) => (drift === 0 ? 0 : drift * Math.min(1, Math.max(0, (t - SCORED.from) / 1.5)));
  // sin(h·θ + φ_h) = sin(hθ)·cos φ_h + cos(hθ)·sin φ_h, with sin(hθ), cos(hθ) by the angle-addition
  // recurrence from one sin/cos pair per sample.
  const H = m.harmonics.length - 1;
  const cosPh = phases.map(Math.cos);
  const sinPh = phases.map(Math.sin);
  let phase = 0;
  let lp = 0;
  let flowLp = 0;
  let f = f0;
  let am = 1;
  let top = H;
  for (let i = 0; i < n; i++) {
    if (i % BLOCK === 0) {
      // The slow modulations change per 2 ms block.
      const t = i / SR;
      const d = driftAt(t);
      f = f0 * (1 + m.fm.depth * Math.sin(2 * Math.PI * m.fm.rate * t + fmPhase) + d);
      am = (1 + m.am.depth * Math.sin(2 * Math.PI * m.am.rate * t + amPhase)) * (1 + 1.5 * Math.abs(d));
      top = Math.min(H, Math.floor((SR / 2 - 500) / f));
    }
    phase += (2 * Math.PI * f) / SR;
    if (phase > 2 * Math.PI) phase -= 2 * Math.PI;
    const c1 = Math.cos(phase);
    const s1 = Math.sin(phase);
    let ch = c1;
    let sh = s1;
    let hum = 0;
    for (let h = 1; h <= top; h++) {
      hum += m.harmonics[h]! * (sh * cosPh[h]! + ch * sinPh[h]!);
      const c = ch * c1 - sh * s1;
      sh = sh * c1 + ch * s1;
      ch = c;
    }
    const white = noise(rng);
    lp = m.noisePole * lp + (1 - m.noisePole) * white;
    flowLp = 0.5 * flowLp + 0.5 * noise(rng);
    // Blade/flow noise pulses once per revolution.
    const flow = m.flowLevel * flowLp * (1 + 0.6 * s1);
    out[i] = m.gain * (am * (0.5 * hum + flow) + m.noiseLevel * 3 * lp + 0.01 * white);
  }
  if (fault && fault !== 'drift') addFault(out, m, f0, rng, fault);
  return out;
}

/** Spans covering most of the scored part: `count` pieces with short gaps between them. */
function spans(rng: Rng, count: number, cover: number): { start: number; len: number }[] {
  const total = SCORED.to - SCORED.from;
  const len = (total * cover) / count;
  const gap = (total - len * count) / count;
  return Array.from({ length: count }, (_, k) => ({ start: SCORED.from + k * (len + gap) + rng.range(0, gap), len }));
}

function addFault(x: Float32Array, m: Machine, f0: number, rng: Rng, fault: Exclude<AdAnomalyKind, 'drift'>): void {
  const g = m.gain;
  if (fault === 'impacts') {
    // A bent shaft or a chipped gear: a knock every few revolutions, a decaying resonance each time.
    const res = rng.range(1000, 4000);
    const tau = rng.range(0.008, 0.02);
    const every = rng.int(8, 24) / f0;
    for (let t = SCORED.from - 0.2; t < SCORED.to; t += every * rng.range(0.9, 1.1)) {
      const at = sampleAt(t);
      const amp = g * rng.range(0.8, 1.6);
      const ph = rng.range(0, 2 * Math.PI);
      for (let i = 0; i < sampleAt(tau * 5) && at + i < x.length; i++) {
        const u = i / SR;
        x[at + i] = x[at + i]! + amp * Math.exp(-u / tau) * (0.7 * Math.sin(2 * Math.PI * res * u + ph) + 0.3 * noise(rng));
      }
    }
  } else if (fault === 'squeal') {
    // A dry bearing: a high tone with a little vibrato and a slow wander, in long stretches.
    const f = rng.range(2000, 5000);
    const amp = g * rng.range(0.25, 0.5);
    for (const { start, len } of spans(rng, rng.int(1, 3), rng.range(0.6, 0.9))) {
      const s0 = sampleAt(start);
      let ph = rng.range(0, 2 * Math.PI);
      for (let i = 0; i < sampleAt(len) && s0 + i < x.length; i++) {
        const u = i / SR;
        const env = Math.min(1, u / 0.05, (len - u) / 0.05);
        ph += (2 * Math.PI * f * (1 + 0.01 * Math.sin(2 * Math.PI * 6 * u) + 0.03 * Math.sin(2 * Math.PI * 0.3 * u))) / SR;
        x[s0 + i] = x[s0 + i]! + amp * env * Math.sin(ph);
      }
    }
  } else if (fault === 'dropouts') {
    // The machine cuts out (power or belt slip): only faint room noise remains.
    for (const { start, len } of spans(rng, rng.int(3, 6), rng.range(0.15, 0.3))) {
      const s0 = sampleAt(start);
      const s1 = Math.min(x.length, s0 + sampleAt(len));
      const ramp = sampleAt(0.02);
      for (let i = s0; i < s1; i++) {
        const edge = Math.min(i - s0, s1 - i) / ramp;
        const keep = edge >= 1 ? 0.03 : 1 - 0.97 * edge;
        x[i] = x[i]! * keep + 0.002 * g * noise(rng);
      }
    }
  } else {
    // A loose part: fast bright clicks, in long stretches.
    const rate = rng.range(18, 40);
    for (const { start, len } of spans(rng, rng.int(1, 3), rng.range(0.6, 0.9))) {
      for (let t = start; t < start + len; t += (1 / rate) * rng.range(0.7, 1.3)) {
        const at = sampleAt(t);
        const amp = g * rng.range(0.5, 1.1);
        let hp = 0;
        let prev = 0;
        for (let i = 0; i < sampleAt(0.012) && at + i < x.length; i++) {
          const w = noise(rng);
          hp = 0.7 * (hp + w - prev); // crude high-pass: the rattle is bright
          prev = w;
          x[at + i] = x[at + i]! + amp * Math.exp(-i / sampleAt(0.003)) * hp;
        }
      }
    }
  }
}

/** Write the raw clips under `rawDir` (normal/, anomaly/) and build the set into `outDir`. */
export function generateAdDemo(rawDir: string, outDir: string, opts: AdDemoOptions = {}, onProgress?: (done: number, total: number) => void): AdDemoResult {
  const machines = opts.machines ?? 4;
  const normalPer = opts.normalPerMachine ?? 10;
  const anomalousPer = opts.anomalousPerMachine ?? 10;
  const seconds = opts.seconds ?? 10;
  const seed = opts.seed ?? 1;
  if (!(seconds >= 8)) throw new DatasetError(`AD demo clips must be at least 8 s long (the front end scores frames 50–249); got ${seconds}`);
  if (machines < 1 || normalPer < 1 || anomalousPer < 1) throw new DatasetError('the AD demo needs at least one machine with one normal and one anomalous clip');
  const total = machines * (normalPer + anomalousPer);
  let made = 0;
  const perKind = Object.fromEntries(AD_ANOMALY_KINDS.map((k) => [k, 0])) as Record<AdAnomalyKind, number>;
  mkdirSync(join(rawDir, 'normal'), { recursive: true });
  mkdirSync(join(rawDir, 'anomaly'), { recursive: true });
  for (let id = 0; id < machines; id++) {
    // Each machine and each clip has its own stream, so changing one count leaves the others alone.
    const m = makeMachine(id, seededRng(seed * 1000 + id));
    const tag = `id_${String(id).padStart(2, '0')}`;
    for (let k = 0; k < normalPer; k++) {
      const clip = machineClip(m, seededRng(seed * 1_000_003 + id * 7919 + k), seconds);
      writeFileSync(join(rawDir, 'normal', `${tag}_${String(k).padStart(3, '0')}.wav`), encodeWav(clip, { sampleRate: SR }));
      onProgress?.(++made, 2 * total);
    }
    for (let k = 0; k < anomalousPer; k++) {
      const kind = AD_ANOMALY_KINDS[(k + id) % AD_ANOMALY_KINDS.length]!;
      const clip = machineClip(m, seededRng(seed * 2_000_003 + id * 7919 + k), seconds, kind);
      writeFileSync(join(rawDir, 'anomaly', `${tag}_${kind}_${String(k).padStart(3, '0')}.wav`), encodeWav(clip, { sampleRate: SR }));
      perKind[kind]++;
      onProgress?.(++made, 2 * total);
    }
  }
  const built = buildAdSet(rawDir, outDir, onProgress && ((done) => onProgress(total + done, 2 * total)));
  markDemo(outDir, `DEMO ONLY: synthetic machine sounds made by tinyarena dataset demo --task ad (seed ${seed}; ${machines} machines, ${normalPer}+${anomalousPer} clips each; faults by construction)`);
  return { ...built, perKind };
}
