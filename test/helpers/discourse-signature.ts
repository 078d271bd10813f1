/**
 * Signs a webhook body as Discourse does (`X-Discourse-Event-Signature: sha256=<hex HMAC-SHA256 of the
 * raw body>`), written apart from the verifier in bot/discourse/signature.ts so the tests check it
 * against the protocol, not against itself.
 */
import { createHmac } from 'node:crypto';

/** The header value Discourse sends for `body` under `secret`. */
export function signBody(secret: string, body: Uint8Array | string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}
