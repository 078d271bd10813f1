/**
 * Configuration, validated once at boot.
 *
 * Every setting comes from the environment (a `.env` file in the working directory fills in what the
 * environment leaves unset). With nothing set, TinyArena runs embedded: SQLite and a private
 * redis-server under ./data, web on port 3000. A wrong value stops boot with one line naming the
 * variable and what was expected.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse as parseDotenv } from 'dotenv';
import { z } from 'zod';
import { fromRoot } from './paths.js';
import { redactUrl } from '../lib/redact-url.js';

const optionalString = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .optional();

const port = (fallback: number) =>
  z.coerce.number({ error: 'an integer port 0–65535' }).int('an integer port 0–65535').min(0, 'an integer port 0–65535').max(65535, 'an integer port 0–65535').default(fallback);

const positiveInt = (fallback: number, what: string) =>
  z.coerce.number({ error: what }).int(what).positive(what).default(fallback);

const bool = (fallback: boolean) =>
  z
    .enum(['1', '0', 'true', 'false', 'yes', 'no', 'on', 'off'], { error: 'true or false' })
    .transform((v) => ['1', 'true', 'yes', 'on'].includes(v))
    .default(fallback);

const url = (protocols: string[], what: string) =>
  optionalString.refine((v) => v === undefined || protocols.some((p) => v.startsWith(p)), {
    error: `${what} (starting with ${protocols.join(' or ')})`,
  });

const idList = optionalString.refine((v) => v === undefined || /^\d+(\s*,\s*\d+)*$/.test(v), {
  error: 'comma-separated Discord snowflake ids',
});

/** The environment variables TinyArena reads, with their defaults. */
export const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test'], { error: 'development, production or test' }).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], { error: 'fatal, error, warn, info, debug, trace or silent' }).default('info'),
  PORT: port(3000),
  HOST: z.string().trim().min(1, 'a host name or address to listen on').default('127.0.0.1'),
  PUBLIC_URL: url(['http://', 'https://'], 'an absolute http(s) URL'),
  DATA_DIR: z.string().trim().min(1, 'a directory path').default('./data'),
  DATABASE_URL: url(['file:', 'postgres://', 'postgresql://'], 'a database URL'),
  REDIS_URL: url(['redis://', 'rediss://', 'unix://'], 'a Redis URL'),
  REDIS_SERVER_BIN: z.string().trim().min(1, 'a path or command name').default('redis-server'),
  QUEUE_PREFIX: z.string().trim().regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, - and _').default('tinyarena'),
  WORKER_CONCURRENCY: positiveInt(2, 'a positive integer'),
  MAX_UPLOAD_BYTES: positiveInt(16 * 1024 * 1024, 'a positive number of bytes'),
  SHUTDOWN_GRACE_MS: positiveInt(30_000, 'a positive number of milliseconds'),
  MIGRATE_ON_START: bool(true),
  KNOWLEDGE_DIRS: optionalString,
  /** Folder of challenge definitions (challenges/<id>/challenge.yaml); default: the project's own. */
  CHALLENGES_DIR: optionalString,
  /** Attempts per pipeline stage before a submission fails as an infrastructure error (quota refunded). */
  STAGE_ATTEMPTS: positiveInt(3, 'a positive integer'),
  /**
   * A worker renews its job lock this often (×½); a job whose worker died is handed to another worker
   * after at most about this long (BullMQ lockDuration and stalled-check interval).
   */
  JOB_LOCK_MS: positiveInt(30_000, 'a positive number of milliseconds'),
  /** How often the reaper looks for submissions whose job was lost, failed for good or got stuck. */
  REAPER_INTERVAL_MS: positiveInt(60_000, 'a positive number of milliseconds'),
  /** The reaper leaves rows younger than this alone (an intake may be between "create row" and "enqueue"). */
  REAPER_MIN_AGE_MS: positiveInt(30_000, 'a positive number of milliseconds'),
  /** Rack config file (YAML/JSON: boards and policies, grader/rack/rack-config.ts); unset = simulated boards. */
  RACK_CONFIG: optionalString,
  /** Simulated boards the worker part runs when RACK_CONFIG is unset (0 = no rack: the device stage is skipped). */
  RACK_SIM_BOARDS: z.coerce.number({ error: 'a whole number of boards (0 = none)' }).int('a whole number of boards (0 = none)').min(0, 'a whole number of boards (0 = none)').max(16, 'at most 16 simulated boards').default(3),
  /**
   * Which proxies' X-Forwarded-* headers to believe (Express "trust proxy"): unset/false = none (the
   * client address is the socket's), true, a hop count, or a comma list of addresses/CIDRs and
   * loopback|linklocal|uniquelocal. Only set it behind a proxy that overwrites X-Forwarded-For.
   */
  TRUST_PROXY: optionalString.refine((v) => v === undefined || parseTrustProxy(v) !== undefined, {
    error: 'false, true, a hop count, or comma-separated proxy addresses/CIDRs (loopback, linklocal, uniquelocal allowed)',
  }),
  /**
   * Virtual boards (QEMU mps2-an386 running the harness image) the worker part runs when RACK_CONFIG is
   * unset, alongside the simulated boards and preferred to them; unset = 1 when qemu-system-arm and
   * arm-none-eabi-gcc are installed, else 0.
   */
  RACK_VIRTUAL_BOARDS: z.coerce.number({ error: 'a whole number of boards (0 = none)' }).int('a whole number of boards (0 = none)').min(0, 'a whole number of boards (0 = none)').max(16, 'at most 16 virtual boards').optional(),
  /** Signs browser session cookies; unset: a random secret kept in DATA_DIR/session-secret. */
  SESSION_SECRET: optionalString.refine((v) => v === undefined || v.length >= 32, { error: 'at least 32 characters' }),
  DISCORD_TOKEN: optionalString,
  DISCORD_APPLICATION_ID: idList,
  DISCORD_GUILD_ID: idList,
  DISCORD_ORGANIZER_ROLE_IDS: idList,
  /** OAuth2 client secret of the Discord application: enables "Sign in with Discord" on the web side. */
  DISCORD_CLIENT_SECRET: optionalString,
  DISCORD_API_URL: url(['http://', 'https://'], 'an absolute http(s) URL').default('https://discord.com/api'),
  DISCOURSE_URL: url(['http://', 'https://'], 'an absolute http(s) URL'),
  DISCOURSE_API_KEY: optionalString,
  DISCOURSE_API_USERNAME: optionalString,
  DISCOURSE_WEBHOOK_SECRET: optionalString,
  /** Triage proposals applied without review: `<category>:<kind>@<min confidence>`, comma-separated (bot/discourse/auto-apply.ts). */
  TRIAGE_AUTO_APPLY: optionalString.refine((v) => v === undefined || v.split(',').every((r) => /^\s*([a-z0-9*][a-z0-9_-]*|\*):([a-z*][a-z-]*)@(0(\.\d+)?|1(\.0+)?)\s*$/.test(r)), {
    error: 'comma-separated <category>:<kind>@<confidence 0–1> rules, e.g. hardware:hardware-setup@0.8',
  }),
  /** Forum topics with no answer after this many hours are reported to the moderators (hourly check). */
  UNANSWERED_AFTER_HOURS: positiveInt(48, 'a positive number of hours'),
  GITHUB_API_URL: url(['http://', 'https://'], 'an absolute http(s) URL').default('https://api.github.com'),
  GITHUB_TOKEN: optionalString,
  COURSEWARE_REPO: optionalString.refine((v) => v === undefined || /^[\w.-]+\/[\w.-]+$/.test(v), { error: 'owner/name' }),
  RESULTS_REPO: optionalString.refine((v) => v === undefined || /^[\w.-]+\/[\w.-]+$/.test(v), { error: 'owner/name' }),
  /**
   * Optional: an OpenAI-compatible API (llama.cpp server, Ollama, vLLM, …) that words /ask answers from
   * the cited sources only (bot/answers/llm-composer.ts). Unset = answers stay extractive and offline.
   */
  ANSWERS_LLM_URL: url(['http://', 'https://'], 'an absolute http(s) URL, e.g. http://127.0.0.1:8080/v1'),
  ANSWERS_LLM_MODEL: optionalString,
  ANSWERS_LLM_API_KEY: optionalString,
  ANSWERS_LLM_TIMEOUT_MS: positiveInt(15_000, 'a positive number of milliseconds'),
});

export type Env = z.infer<typeof envSchema>;

/** TRUST_PROXY as Express takes it, or undefined when it is not a valid value. */
export function parseTrustProxy(v: string | undefined): boolean | number | string | undefined {
  if (v === undefined || /^(false|no|off)$/i.test(v)) return false;
  if (/^(true|yes|on)$/i.test(v)) return true;
  if (/^\d{1,2}$/.test(v)) return Number(v);
  const parts = v.split(',').map((p) => p.trim());
  const ok = parts.every((p) => /^(loopback|linklocal|uniquelocal)$/.test(p) || /^(\d{1,3}(\.\d{1,3}){3}|[0-9a-f:]*:[0-9a-f:.]*)(\/\d{1,3})?$/i.test(p));
  return ok ? parts.join(',') : undefined;
}

/** Settings that only make sense together: if any is set, all must be. */
const GROUPS: Record<string, (keyof Env)[]> = {
  Discord: ['DISCORD_TOKEN', 'DISCORD_APPLICATION_ID'],
  Discourse: ['DISCOURSE_URL', 'DISCOURSE_API_KEY', 'DISCOURSE_API_USERNAME', 'DISCOURSE_WEBHOOK_SECRET'],
  'The answers model': ['ANSWERS_LLM_URL', 'ANSWERS_LLM_MODEL'],
};

/** Validated configuration, with paths made absolute and derived switches computed. */
export interface Config extends Env {
  DATA_DIR: string;
  CHALLENGES_DIR: string;
  PUBLIC_URL: string;
  knowledgeDirs: string[];
  /** DISCORD_GUILD_ID and DISCORD_ORGANIZER_ROLE_IDS as lists (empty when unset). */
  discordGuildIds: string[];
  discordOrganizerRoleIds: string[];
  discordEnabled: boolean;
  discourseEnabled: boolean;
  githubEnabled: boolean;
  /** The answers model (ANSWERS_LLM_*), when configured. */
  answersLlm?: { url: string; model: string; apiKey?: string; timeoutMs: number };
  /** TRUST_PROXY parsed for Express (false unless set). */
  trustProxy: boolean | number | string;
}

/** Thrown for bad configuration; `message` is one line fit for a terminal. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration: ${problems.join('; ')}`);
    this.name = 'ConfigError';
  }
}

/** Settings holding URLs that may carry a password: shown only through redactUrl. */
const URL_KEYS: (keyof Env)[] = ['DATABASE_URL', 'REDIS_URL', 'PUBLIC_URL', 'DISCOURSE_URL', 'DISCORD_API_URL', 'GITHUB_API_URL', 'ANSWERS_LLM_URL'];

/** Names of secrets: never printed, never rendered into pages. */
export const SECRET_KEYS: (keyof Env)[] = ['SESSION_SECRET', 'DISCORD_TOKEN', 'DISCORD_CLIENT_SECRET', 'DISCOURSE_API_KEY', 'DISCOURSE_WEBHOOK_SECRET', 'GITHUB_TOKEN', 'ANSWERS_LLM_API_KEY'];

/**
 * Validate an environment. Pure: pass `process.env` (merged with .env by {@link loadConfig}).
 * @throws ConfigError listing every bad variable.
 */
export function parseConfig(env: Record<string, string | undefined>, cwd = process.cwd()): Config {
  // An empty variable means "not set" (as in `PORT= npm start`), not an empty value.
  const known = Object.fromEntries(Object.keys(envSchema.shape).map((k) => [k, env[k]?.trim() === '' ? undefined : env[k]]));
  const result = envSchema.safeParse(known);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => {
      const key = String(issue.path[0] ?? '?');
      const got = env[key];
      const shown = got === undefined ? '' : SECRET_KEYS.includes(key as keyof Env) ? ' (got a value)' : ` (got "${URL_KEYS.includes(key as keyof Env) ? redactUrl(got) : got}")`;
      return `${key} must be ${issue.message}${shown}`;
    });
    throw new ConfigError(problems);
  }
  const e = result.data;
  const problems: string[] = [];
  for (const [name, keys] of Object.entries(GROUPS)) {
    const set = keys.filter((k) => e[k] !== undefined);
    if (set.length > 0 && set.length < keys.length) {
      const missing = keys.filter((k) => e[k] === undefined);
      problems.push(`${missing.join(', ')} must be set too (${name} is enabled by ${set.join(', ')})`);
    }
  }
  if (problems.length) throw new ConfigError(problems);
  return {
    ...e,
    DATA_DIR: resolve(cwd, e.DATA_DIR),
    CHALLENGES_DIR: e.CHALLENGES_DIR ? resolve(cwd, e.CHALLENGES_DIR) : fromRoot('challenges'),
    PUBLIC_URL: (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, ''),
    knowledgeDirs: list(e.KNOWLEDGE_DIRS).map((d) => resolve(cwd, d)),
    discordGuildIds: list(e.DISCORD_GUILD_ID),
    discordOrganizerRoleIds: list(e.DISCORD_ORGANIZER_ROLE_IDS),
    discordEnabled: e.DISCORD_TOKEN !== undefined,
    discourseEnabled: e.DISCOURSE_URL !== undefined,
    githubEnabled: e.GITHUB_TOKEN !== undefined,
    ...(e.ANSWERS_LLM_URL && e.ANSWERS_LLM_MODEL
      ? { answersLlm: { url: e.ANSWERS_LLM_URL, model: e.ANSWERS_LLM_MODEL, ...(e.ANSWERS_LLM_API_KEY ? { apiKey: e.ANSWERS_LLM_API_KEY } : {}), timeoutMs: e.ANSWERS_LLM_TIMEOUT_MS } }
      : {}),
    trustProxy: parseTrustProxy(e.TRUST_PROXY) ?? false,
  };
}

/** A comma-separated setting as a list. */
function list(v: string | undefined): string[] {
  return (v ?? '').split(',').map((x) => x.trim()).filter(Boolean);
}

/** Read `.env` (if present) under the real environment and validate. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Config {
  const file = resolve(cwd, '.env');
  let fromFile: Record<string, string> = {};
  if (existsSync(file)) {
    try {
      fromFile = parseDotenv(readFileSync(file));
    } catch (err) {
      throw new ConfigError([`.env could not be read: ${(err as Error).message}`]);
    }
  }
  return parseConfig({ ...fromFile, ...env }, cwd);
}

/** Configuration with secrets masked, for `tinyarena config` and logs. */
export function describeConfig(config: Config): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(envSchema.shape) as (keyof Env)[]) {
    const v = config[key];
    out[key] = SECRET_KEYS.includes(key) && v !== undefined ? '***' : v;
  }
  for (const key of URL_KEYS) if (typeof out[key] === 'string') out[key] = redactUrl(out[key]);
  return out;
}
