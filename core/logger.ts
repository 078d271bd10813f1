import { pino, type Logger } from 'pino';

export type { Logger };

/** Structured JSON logs on stderr (stdout stays free for CLI output such as `--json`). */
export function createLogger(level: string, name = 'tinyarena'): Logger {
  return pino({ name, level, base: { pid: process.pid } }, pino.destination(2));
}
