import { describe, expect, it } from 'vitest';
import { DiscourseClient, retryAfterMs } from '../../bot/discourse/client.js';
import { verifySignature } from '../../bot/discourse/signature.js';
import { signBody } from '../helpers/discourse-signature.js';

describe('webhook signatures', () => {
  const body = Buffer.from('{"post":{"id":1}}');

  it('accepts exactly the signed bytes under the secret', () => {
    const sig = signBody('s3cret', body);
    expect(sig).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(verifySignature('s3cret', body, sig)).toBe(true);
    expect(verifySignature('s3cret', body, sig.toUpperCase().replace('SHA256=', 'sha256='))).toBe(true);
  });

  it.each([
    ['missing', undefined],
    ['no prefix', signBody('s3cret', body).slice(7)],
    ['other secret', signBody('other', body)],
    ['truncated', signBody('s3cret', body).slice(0, 40)],
    ['sha1 form', 'sha1=0123'],
  ])('rejects a %s signature', (_name, header) => {
    expect(verifySignature('s3cret', body, header)).toBe(false);
  });

  it('rejects a body changed by one byte', () => {
    expect(verifySignature('s3cret', Buffer.from('{"post":{"id":2}}'), signBody('s3cret', body))).toBe(false);
  });
});

describe('Discourse client', () => {
  it('reads the 429 wait from Retry-After, else wait_seconds, else 5 s', () => {
    expect(retryAfterMs('3', undefined)).toBe(3000);
    expect(retryAfterMs(null, { extras: { wait_seconds: 1.5 } })).toBe(1500);
    expect(retryAfterMs('soon', {})).toBe(5000);
  });

  it('spaces requests by the token bucket after the burst', async () => {
    const times: number[] = [];
    const fake = (() => {
      times.push(Date.now());
      return Promise.resolve(new Response('{}', { status: 200 }));
    }) as unknown as typeof fetch;
    const client = new DiscourseClient({ baseUrl: 'http://x', apiKey: 'k', apiUsername: 'u', ratePerSecond: 10, burst: 2, fetch: fake });
    new Response('{}'); // load undici before timing
    const t0 = Date.now();
    await Promise.all([0, 1, 2, 3].map(() => client.request('GET', '/x.json')));
    // Two at once, then one per 100 ms. Only lower bounds: a loaded machine can only make it slower.
    expect(times[2]! - t0).toBeGreaterThanOrEqual(85);
    expect(times[3]! - t0).toBeGreaterThanOrEqual(180);
  });

  it('gives up on errors that retrying will not fix, with the API message', async () => {
    const fake = (() => Promise.resolve(new Response(JSON.stringify({ errors: ['invalid_access'] }), { status: 403 }))) as unknown as typeof fetch;
    const client = new DiscourseClient({ baseUrl: 'http://x', apiKey: 'k', apiUsername: 'u', fetch: fake });
    await expect(client.getTopic(1)).rejects.toThrow('Discourse 403 on /t/1.json: invalid_access');
  });
});
