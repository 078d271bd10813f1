/** Discourse webhook signatures: `X-Discourse-Event-Signature: sha256=<hex HMAC-SHA256 of the raw body>`. */
import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * True when `header` is the signature of exactly these bytes. Constant-time in the signature's content
 * (both sides are fixed-length digests before comparing, so length leaks nothing either).
 */
export function verifySignature(secret: string, body: Uint8Array, header: string | undefined): boolean {
  if (!header || !header.startsWith('sha256=')) return false;
  const given = header.slice('sha256='.length);
  if (!/^[0-9a-f]{64}$/i.test(given)) return false;
  const expected = createHmac('sha256', secret).update(body).digest();
  return timingSafeEqual(expected, Buffer.from(given, 'hex'));
}
