/**
 * The fake Discord itself, driven by the real discord.js client: gateway handshake, the 3-second
 * acknowledgement rule, one acknowledgement only, the 15-minute token lifetime, 429s that discord.js
 * waits out, and CDN links that expire.
 */
import { Client, Events, GatewayIntentBits, MessageFlags, type ChatInputCommandInteraction } from 'discord.js';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeDiscord, TOKEN_LIFETIME_MS } from '../fakes/fake-discord.js';

const learner = { id: '400000000000000001', username: 'ada' };
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function connect(heartbeatIntervalMs?: number): Promise<{ fake: FakeDiscord; client: Client; next: () => Promise<ChatInputCommandInteraction> }> {
  const fake = new FakeDiscord();
  if (heartbeatIntervalMs) fake.heartbeatIntervalMs = heartbeatIntervalMs;
  await fake.start();
  cleanups.push(() => fake.stop());
  const client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: fake.apiUrl } });
  cleanups.push(() => client.destroy());
  const queue: ChatInputCommandInteraction[] = [];
  const waiters: ((i: ChatInputCommandInteraction) => void)[] = [];
  client.on(Events.InteractionCreate, (i) => {
    if (!i.isChatInputCommand()) return;
    const w = waiters.shift();
    if (w) w(i);
    else queue.push(i);
  });
  const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
  await client.login(fake.token);
  await ready;
  return { fake, client, next: () => (queue.length ? Promise.resolve(queue.shift()!) : new Promise((r) => waiters.push(r))) };
}

describe('fake Discord with the real discord.js client', () => {
  it('handshakes (READY with application, GUILD_CREATE) and delivers interactions with options and attachments', async () => {
    const { fake, client, next } = await connect();
    expect(client.application?.id).toBe(fake.applicationId);
    expect(client.guilds.cache.has(fake.guildId)).toBe(true);
    expect(fake.identifies).toHaveLength(1);
    const bytes = new Uint8Array([1, 2, 3, 4]);
    const sent = fake.interact({ command: 'submit', user: learner, options: [{ name: 'challenge', type: 'string', value: 'kws' }, { name: 'model', type: 'attachment', file: { name: 'm.tflite', bytes } }], attachmentSizeLimit: 1234 });
    const i = await next();
    expect(i.commandName).toBe('submit');
    expect(i.options.getString('challenge')).toBe('kws');
    expect(i.attachmentSizeLimit).toBe(1234);
    const att = i.options.getAttachment('model', true);
    expect(att.size).toBe(4);
    expect(new Uint8Array(await (await fetch(att.url)).arrayBuffer())).toEqual(bytes);
    await i.deferReply({ flags: MessageFlags.Ephemeral });
    expect(sent.acked()).toBe(true);
    expect(sent.ephemeral()).toBe(true);
    await i.editReply('done');
    expect(sent.content()).toBe('done');
    await i.followUp('more');
    expect(sent.followUps().map((m) => m.content)).toEqual(['more']);
  });

  it('acknowledges heartbeats at the interval it announced in HELLO', async () => {
    const { fake, client } = await connect(150);
    await expect.poll(() => fake.heartbeats, { timeout: 5000 }).toBeGreaterThanOrEqual(2);
    // discord.js measures the round trip from heartbeat to ACK.
    expect(client.ws.ping).toBeGreaterThanOrEqual(0);
  });

  it('refuses a second acknowledgement and a late one, and tokens after 15 minutes', async () => {
    const { fake, next } = await connect();
    fake.interact({ command: 'status', user: learner });
    const i = await next();
    await i.deferReply();
    // discord.js guards the second deferral itself; the fake refuses it on the wire too.
    const res = await fetch(`${fake.apiUrl}/v10/interactions/${i.id}/${i.token}/callback`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ type: 5 }) });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { code: number }).code).toBe(40060);

    fake.interact({ command: 'status', user: learner });
    const late = await next();
    fake.advanceClock(3_100);
    await expect(late.deferReply()).rejects.toMatchObject({ code: 10062 });

    fake.advanceClock(TOKEN_LIFETIME_MS);
    await expect(i.editReply('too late')).rejects.toMatchObject({ code: 50027 });
  });

  it('answers 429 with Retry-After, which discord.js waits out before retrying', async () => {
    const { fake, next } = await connect();
    const sent = fake.interact({ command: 'status', user: learner });
    const i = await next();
    await i.deferReply();
    fake.rateLimit('PATCH', /\/messages\/@original$/, { retryAfterS: 0.4 });
    const t0 = Date.now();
    await i.editReply('after the limit');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(350);
    expect(sent.content()).toBe('after the limit');
    expect(fake.requests.filter((r) => r.method === 'PATCH').map((r) => r.status)).toEqual([429, 200]);
  });

  it('serves signed CDN links only until they expire, and refreshes them', async () => {
    const { fake } = await connect();
    const { url } = fake.cdnUrl(fake.channelId, 'a.bin', new Uint8Array([9]), 60_000);
    expect((await fetch(url)).status).toBe(200);
    expect((await fetch(url.replace(/hm=[0-9a-f]+/, 'hm=00'))).status).toBe(404);
    fake.advanceClock(61_000);
    expect((await fetch(url)).status).toBe(404);
    const res = await fetch(`${fake.apiUrl}/v10/attachments/refresh-urls`, { method: 'POST', headers: { authorization: `Bot ${fake.token}`, 'content-type': 'application/json' }, body: JSON.stringify({ attachment_urls: [url] }) });
    const { refreshed_urls } = (await res.json()) as { refreshed_urls: { refreshed: string }[] };
    expect((await fetch(refreshed_urls[0]!.refreshed)).status).toBe(200);
  });
});
