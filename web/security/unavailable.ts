/**
 * A dependency a request needs (the session store in Redis) is briefly unreachable: the error handler
 * (errors.ts) answers 503 with Retry-After. A module of its own so the session code can raise it
 * without importing the views.
 */
export class ServiceUnavailableError extends Error {
  override name = 'ServiceUnavailableError';
  readonly status = 503;
  readonly expose = true;
}
