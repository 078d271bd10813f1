/**
 * challenge.yaml, validated at load: identity, task and signature, budgets (preflight), scoring
 * (gate and composite formula), timeline, quotas, team size, device-stage settings and the held-out
 * set. Unknown keys are errors, so a typo never silently changes the rules.
 */
import { z } from 'zod';
import { TENSOR_TYPES } from '../tflite/schema.js';
import { DATASET_FORMAT_IDS } from '../datasets/formats/index.js';
import { TASK_IDS, taskPlugin } from '../tasks/index.js';

const isoWithOffset = z.iso.datetime({ offset: true, error: 'an ISO 8601 time with an explicit offset, e.g. 2026-12-01T00:00:00Z' });

const ianaZone = z.string().refine(
  (zone) => {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: zone });
      return true;
    } catch {
      return false;
    }
  },
  { error: 'an IANA time zone such as UTC or Europe/Berlin' },
);

const tensorSpec = z.strictObject({
  shape: z.array(z.number().int().positive()).min(1),
  dtype: z.enum(TENSOR_TYPES),
});

export const challengeSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{1,62}$/, 'lower-case letters, digits and dashes'),
  title: z.string().min(1),
  task: z.enum(TASK_IDS),
  description: z.string().optional(),
  /** Defaults to the task's reference signature. */
  signature: z.strictObject({ inputs: z.array(tensorSpec).min(1), outputs: z.array(tensorSpec).min(1) }).optional(),
  /**
   * Held-out data: an MLPerf-layout folder, `$DATA_DIR/…` (under the configured data folder), absolute,
   * or relative to the challenge folder (real sets live outside git). `privateFraction` of the samples,
   * chosen by a seeded hash (splitSeed, default the challenge id), form the private split. `demo: true`
   * marks a project-generated demo set, made on first use when the folder is missing
   * (grader/datasets/resolve.ts).
   */
  dataset: z
    .strictObject({
      path: z
        .string()
        .min(1)
        .refine((p) => !p.startsWith('$') || p === '$DATA_DIR' || p.startsWith('$DATA_DIR/'), { error: 'only $DATA_DIR/ is expanded (e.g. $DATA_DIR/datasets/my-set)' }),
      format: z.enum(DATASET_FORMAT_IDS).default('mlperf'),
      privateFraction: z.number().min(0).max(1).default(0.5),
      splitSeed: z.string().min(1).optional(),
      demo: z.boolean().default(false),
    })
    .optional(),
  scoring: z.strictObject({
    /** Submissions below the gate are scored but not ranked. */
    gate: z.strictObject({ metric: z.enum(['top1', 'auc']), min: z.number().min(0).max(1) }),
    /** Points for each term; each term is normalised to 0…1 and clipped. */
    weights: z.strictObject({ quality: z.number().min(0), latency: z.number().min(0), flash: z.number().min(0) }),
    /** Latency term: 1 at or below bestMs, 0 at or above worstMs, linear between. */
    latency: z.strictObject({ bestMs: z.number().positive(), worstMs: z.number().positive() }),
    /**
     * Flash term: 1 at or below bestBytes, 0 at or above worstBytes, linear between, on one scale for
     * both kinds of submission: the flash a submission occupies on the board. A firmware image counts
     * its flash span; a model counts its bytes plus `runtimeBytes`, the board harness's flash without
     * a model (measured once for the rack's harness), so the same network as a .tflite or built into a
     * firmware gets the same term.
     */
    flash: z.strictObject({ bestBytes: z.number().int().positive(), worstBytes: z.number().int().positive(), runtimeBytes: z.number().int().nonnegative().default(0) }),
  }),
  timeline: z.strictObject({
    /** ISO 8601 with an explicit offset ("2026-12-01T00:00:00Z", "…+01:00"). */
    opens: isoWithOffset,
    closes: isoWithOffset,
    /** The public board stops updating (optional). */
    freezes: isoWithOffset.optional(),
    /** IANA zone used when showing times to people. */
    displayTimeZone: ianaZone.default('UTC'),
  }),
  quotas: z.strictObject({
    perDay: z.number().int().positive(),
    total: z.number().int().positive().optional(),
    /** When the daily quota resets, as HH:MM in `timeZone`. */
    resetAt: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM').default('00:00'),
    timeZone: ianaZone.default('UTC'),
  }),
  team: z.strictObject({ maxSize: z.number().int().positive() }).default({ maxSize: 1 }),
  leaderboard: z
    .strictObject({
      /**
       * Ladder damping of the public board: a participant's shown score changes only when a new one
       * beats it by more than this many points (0 = off).
       */
      ladderMargin: z.number().min(0).default(0),
      /** Private board from learner-selected final submissions (at most this many per participant). */
      maxFinalSubmissions: z.number().int().positive().optional(),
      /**
       * How models and firmware are ranked (challenges that accept firmware): `combined` — one board,
       * the flash term on one scale (scoring.flash); `separate` — a model track and a firmware track,
       * each with its own ranks (like MLPerf Tiny's divisions), a participant placed on each.
       */
      tracks: z.enum(['combined', 'separate']).default('combined'),
    })
    .default({ ladderMargin: 0, tracks: 'combined' }),
  device: z
    .strictObject({
      enabled: z.boolean().default(true),
      warmups: z.number().int().nonnegative().default(2),
      inferences: z.number().int().positive().default(10),
      timeoutMs: z.number().int().positive().default(60_000),
      /** Arithmetic the board firmware reproduces (see grader/interpreter/arithmetic.ts). */
      arithmetic: z.enum(['tflite', 'tflm', 'tflm-single']).default('tflm'),
    })
    .default({ enabled: true, warmups: 2, inferences: 10, timeoutMs: 60_000, arithmetic: 'tflm' }),
  /**
   * Firmware submissions (`.bin`, `.hex`, `.elf` built for the board): absent = not accepted. They are
   * checked (flash budget, RAM, vector table), flashed onto a board of the rack and driven with the
   * MLPerf Tiny base protocol: `profile` must answer the task's model id (kws01, vww01, ad01). Quality
   * is measured on exactly the samples a model is judged on (every sample of each split, as the MLPerf
   * Tiny runner's accuracy mode does), sent as the dataset stores them (the firmware converts, as
   * MLPerf Tiny firmware does); AD files on every window, like a model. Firmware and models are ranked
   * together, the flash term on one scale (scoring.flash), or on separate tracks (leaderboard.tracks).
   */
  firmware: z
    .strictObject({
      /** Flash budget for the image after the bootloader (bytes); default: all of it. */
      flashBudgetBytes: z.number().int().positive().optional(),
      /** How long the firmware may take to print m-init-done after flashing. */
      bootTimeoutMs: z.number().int().positive().default(5_000),
      /**
       * Board kinds of the rack that run the submitted firmware, which decides the image's target:
       * `nano33ble` (and `sim`, which stands in for it) take images for the Nano 33 BLE Sense (linked
       * at 0x10000, after the bootloader); `virtual` takes images for TinyArena's virtual board
       * (QEMU mps2-an386, linked at 0x00000000; firmware/template/). One target per challenge.
       */
      boards: z.array(z.enum(['nano33ble', 'sim', 'virtual'])).min(1).default(['nano33ble', 'sim']),
    })
    .optional(),
  /**
   * The capstone project track: entries judged by people on this rubric (each criterion scored
   * 0…max, weighted), judges' totals normalised per judge before they are combined.
   */
  projects: z
    .strictObject({
      rubric: z
        .array(z.strictObject({ id: z.string().regex(/^[a-z][a-z0-9-]*$/, 'lower-case id'), label: z.string().min(1), weight: z.number().positive(), max: z.number().int().positive() }))
        .min(1),
      judgesPerEntry: z.number().int().positive().default(3),
    })
    .optional(),
  budgets: z.strictObject({
    maxModelBytes: z.number().int().positive(),
    maxArenaBytes: z.number().int().positive(),
    maxMacs: z.number().int().positive().optional(),
    int8Required: z.boolean().default(true),
    /** Float inputs/outputs through QUANTIZE/DEQUANTIZE at the edges. */
    edgeQuantize: z.boolean().default(false),
    /** A subset of the firmware op set; default: all of it. */
    allowedOps: z.array(z.string().regex(/^[A-Z0-9_]+$/)).min(1).optional(),
  }),
});

export type ChallengeDefinition = z.output<typeof challengeSchema>;

/** Rules between fields that zod's shape cannot say. */
export function crossFieldProblems(c: ChallengeDefinition): string[] {
  const out: string[] = [];
  const t = c.timeline;
  if (Date.parse(t.opens) >= Date.parse(t.closes)) out.push('timeline: opens must be before closes');
  if (t.freezes && (Date.parse(t.freezes) < Date.parse(t.opens) || Date.parse(t.freezes) > Date.parse(t.closes))) out.push('timeline: freezes must lie between opens and closes');
  if (c.scoring.latency.bestMs >= c.scoring.latency.worstMs) out.push('scoring.latency: bestMs must be below worstMs');
  if (c.scoring.flash.bestBytes >= c.scoring.flash.worstBytes) out.push('scoring.flash: bestBytes must be below worstBytes');
  const metric = taskPlugin(c.task).metric.id;
  if (c.scoring.gate.metric !== metric) out.push(`scoring.gate.metric: a ${c.task} challenge is gated on ${metric}`);
  if (c.quotas.total !== undefined && c.quotas.total < c.quotas.perDay) out.push('quotas: total is below perDay');
  const fw = c.firmware;
  if (!fw && c.leaderboard.tracks === 'separate') out.push('leaderboard.tracks: separate tracks rank models and firmware apart, but this challenge takes no firmware (add a firmware section, or use combined)');
  if (fw && !c.device.enabled) out.push('firmware: firmware submissions run on the rack, so device.enabled must be true');
  if (fw && fw.boards.includes('virtual') && fw.boards.some((b) => b !== 'virtual')) out.push('firmware.boards: images for the virtual board (mps2-an386) do not run on nano33ble or sim boards: list virtual alone, or the Nano kinds');
  return out;
}
