/**
 * challenge.yaml, validated at load. This is the part preflight needs (identity, task, signature,
 * budgets); timeline, scoring, quotas and datasets join it with the scoring issue.
 */
import { z } from 'zod';
import { TENSOR_TYPES } from '../tflite/schema.js';

const tensorSpec = z.strictObject({
  shape: z.array(z.number().int().positive()).min(1),
  dtype: z.enum(TENSOR_TYPES),
});

export const challengeSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{1,62}$/, 'lower-case letters, digits and dashes'),
  title: z.string().min(1),
  task: z.enum(['kws', 'vww', 'ad']),
  description: z.string().optional(),
  /** Defaults to the task's reference signature. */
  signature: z.strictObject({ inputs: z.array(tensorSpec).min(1), outputs: z.array(tensorSpec).min(1) }).optional(),
  /**
   * Held-out data: an MLPerf-layout folder, absolute or relative to the challenge folder (real sets
   * live outside git). `privateFraction` of the samples, chosen by a seeded hash, form the private split.
   */
  dataset: z
    .strictObject({
      path: z.string().min(1),
      format: z.enum(['mlperf']).default('mlperf'),
      privateFraction: z.number().min(0).max(1).default(0.5),
      splitSeed: z.string().min(1).optional(),
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
