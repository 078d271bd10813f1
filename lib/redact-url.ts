/**
 * Connection URLs with every password form masked, for logs, /healthz and `tinyarena config`:
 * the userinfo password (`postgresql://u:***@h/db`, also when the password itself holds `@` or `:`),
 * a Redis URL's lone userinfo (`redis://***@h`, which some clients read as the password), and
 * password-like query parameters (`?password=`, `sslpassword`, `pass`, `secret`, `token`, `key`,
 * `auth`…). A string that is not a URL is masked from its `//` to its last `@`.
 */

const SECRET_PARAM = /pass|secret|token|key|auth|credential/i;
const MASK = '***';

export function redactUrl(raw: string): string {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    return raw.replace(/\/\/.*@/, `//${MASK}@`).replace(/([?&][^=&]*(?:pass|secret|token|key|auth)[^=&]*=)[^&]*/gi, `$1${MASK}`);
  }
  const before = u.toString();
  if (u.password) u.password = MASK;
  else if (u.username && /^rediss?:$/.test(u.protocol)) u.username = MASK;
  for (const name of [...new Set(u.searchParams.keys())]) if (SECRET_PARAM.test(name)) u.searchParams.set(name, MASK);
  // Nothing to hide: the URL as it was written (serialising would normalise it).
  if (u.toString() === before) return raw;
  // URL serialisation percent-encodes what it must; the mask itself stays readable.
  return u.toString().replace(/%2A%2A%2A/g, MASK);
}
