/** An error the CLI reports as one line with a chosen exit code (1 rejected/failed, 2 bad usage). */
export class CliError extends Error {
  constructor(message: string, readonly exitCode: 1 | 2 = 1) {
    super(message);
    this.name = 'CliError';
  }
}
