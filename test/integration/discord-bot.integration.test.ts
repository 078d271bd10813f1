/**
 * The Discord bot end to end: the real discord.js client against the fake Discord, real Redis, a real
 * database and real workers. A slash command with an attachment ends as a scored leaderboard entry,
 * with the reply edited as the submission moves; failures always edit the reply with a reason.
 */
import { describe, expect, it, onTestFinished } from 'vitest';
import { DiscordBot } from '../../bot/discord/bot.js';
import { readLeaderboard } from '../../arena/leaderboard.js';
import { WorkerPool } from '../../worker/workers.js';
import { discordBot, learner, learner2 } from '../helpers/discord.js';
import { kwsModel, waitSettled } from '../helpers/pipeline.js';
import { HAVE_SHARED_MODELS, sharedPath } from '../helpers/shared.js';

const submitOpts = (bytes: Uint8Array, extra: { announce?: boolean; expiresInMs?: number; name?: string } = {}) => [
  { name: 'challenge', type: 'string' as const, value: 'kws-test' },
  { name: 'model', type: 'attachment' as const, file: { name: extra.name ?? 'kws.tflite', bytes, expiresInMs: extra.expiresInMs } },
  ...(extra.announce ? [{ name: 'announce', type: 'boolean' as const, value: true }] : []),
];

describe.skipIf(!HAVE_SHARED_MODELS)('Discord bot: /submit end to end', () => {
  it('takes a slash command with an attachment to a scored leaderboard entry, editing the reply live', async () => {
    const course = sharedPath('course');
    const { fake, services } = await discordBot({ workers: true, env: course ? { KNOWLEDGE_DIRS: course } : {} });
    // Two progress edits meet a rate limit; discord.js waits them out and the reply still ends complete.
    fake.rateLimit('PATCH', /\/messages\/@original$/, { count: 2, retryAfterS: 0.3 });
    const sent = fake.interact({ command: 'submit', user: learner, options: submitOpts(kwsModel(), { announce: true }) });
    const final = await sent.waitForContent(/rank \*\*#1\*\*/, 45_000);
    expect(sent.ackLatencyMs()).toBeLessThan(1000);
    expect(sent.ephemeral()).toBe(true);
    const history = sent.history().join('\n---\n');
    expect(history).toMatch(/received `kws\.tflite` \(\d+(\.\d+)? KiB, TFLite model\)/);
    expect(history).toMatch(/accepted \(99 submissions left today\)/);
    expect(final).toMatch(/✅ validated/);
    expect(final).toMatch(/✅ scored: top1 0\.\d{4}/);
    expect(final).toMatch(/⏭️ device: skipped|✅ device/);
    expect(final).toMatch(/Report: <http:\/\/arena\.test\/submissions\//);

    const person = await services.db.identity.findUniqueOrThrow({ where: { provider_externalId: { provider: 'discord', externalId: learner.id } }, include: { person: true } });
    expect(person.person.handle).toBe('ada');
    const board = await readLeaderboard(services, 'kws-test', 'public');
    expect(board.entries).toEqual([expect.objectContaining({ rank: 1, person: 'ada' })]);
    const sub = await services.db.submission.findUniqueOrThrow({ where: { id: board.entries[0]!.submissionId } });
    expect(sub).toMatchObject({ source: 'discord', state: 'done', fileName: 'kws.tflite' });

    // Completion: a DM to the learner and, since announce was set, a public post in the channel.
    await expect.poll(() => fake.dmsTo(learner.id).length, { timeout: 5000 }).toBe(1);
    expect(fake.dmsTo(learner.id)[0]!.content).toMatch(/scored \*\*\d+\.\d\d\*\*, rank \*\*#1\*\*/);
    await expect.poll(() => fake.channelMessages.filter((m) => m.channelId === fake.channelId).map((m) => m.content), { timeout: 5000 }).toEqual([expect.stringMatching(new RegExp(`<@${learner.id}> scored .* #1`))]);

    // The learner commands on the same, now scored, competition.
    const status = fake.interact({ command: 'status', user: learner });
    expect(await status.waitForContent(/rank \*\*#1\*\*/)).toContain(sub.id);
    const top = fake.interact({ command: 'leaderboard', user: learner, options: [{ name: 'challenge', type: 'string', value: 'kws-test' }] });
    expect(await top.waitForContent(/leaderboard/)).toMatch(/1\.\s+\d+\.\d\d\s+Ada L\. \(ada\)/);
    const hidden = fake.interact({ command: 'leaderboard', user: learner, options: [{ name: 'challenge', type: 'string', value: 'kws-test' }, { name: 'split', type: 'string', value: 'private' }] });
    await hidden.waitForContent(/private leaderboard of \*\*kws-test\*\* is revealed when the challenge closes/);
    const list = fake.interact({ command: 'challenges', user: learner2 });
    expect(await list.waitForContent(/KWS pipeline test/)).toMatch(/`kws-test`, KWS\): 🟢 open until 2099-01-01 00:00 UTC/);
    const rules = fake.interact({ command: 'rules', user: learner2, options: [{ name: 'challenge', type: 'string', value: 'kws-test' }] });
    expect(await rules.waitForContent(/Model budget/)).toMatch(/Quota\*\*: 100 per day/);
    const other = fake.interact({ command: 'status', user: learner2, options: [{ name: 'submission', type: 'string', value: sub.id }] });
    await other.waitForContent(new RegExp(`no submission \`${sub.id}\` of yours`));
    const ask = fake.interact({ command: 'ask', user: learner2, options: [{ name: 'question', type: 'string', value: 'How do I quantize my model to int8?' }] });
    await ask.waitForContent(course ? /^> How do I quantize[\s\S]*full-integer-quantization/ : /no course material configured/);
    expect(ask.ephemeral()).toBe(false);
  });
});

describe.skipIf(!HAVE_SHARED_MODELS)('Discord bot: announcing during a freeze', () => {
  it('a public announcement while the board is frozen says the result waits for the reveal, without the score; the learner still gets it by DM', async () => {
    const { fake, services } = await discordBot({ workers: true, challenge: { freezes: '2025-01-01T00:00:00Z' } });
    const sent = fake.interact({ command: 'submit', user: learner, options: submitOpts(kwsModel(), { announce: true }) });
    await sent.waitForContent(/Report: </, 45_000);
    const sub = await services.db.submission.findFirstOrThrow({ where: { source: 'discord' } });
    await waitSettled(services, [sub.id]);
    expect((await services.db.submission.findUniqueOrThrow({ where: { id: sub.id } })).state).toBe('done');
    // The submitter's DM carries the score.
    await expect.poll(() => fake.dmsTo(learner.id).length, { timeout: 5000 }).toBe(1);
    expect(fake.dmsTo(learner.id)[0]!.content).toMatch(/scored \*\*\d+\.\d\d\*\*/);
    // The channel hears that ada finished, not what she scored.
    await expect.poll(() => fake.channelMessages.filter((m) => m.channelId === fake.channelId).length, { timeout: 5000 }).toBe(1);
    const post = fake.channelMessages.find((m) => m.channelId === fake.channelId)!.content;
    expect(post).toMatch(new RegExp(`<@${learner.id}> .*finished a submission.*board is frozen`));
    expect(post).not.toMatch(/scored|\d+\.\d\d|#\d/);
  });
});

describe.skipIf(!HAVE_SHARED_MODELS)('Discord bot: a reply that expires before the result', () => {
  it('stops editing before the interaction token expires and still tells the learner by DM', async () => {
    // The reply is editable for 30 s here and the bot stops 30 s before the end: at once.
    const { fake } = await discordBot({ workers: true, replyEditableMs: 30_000 });
    const sent = fake.interact({ command: 'submit', user: learner, options: submitOpts(kwsModel()) });
    await sent.waitForContent(/this reply stops updating here\. You will get a message when it is done/);
    // From now on the token is dead on the fake; the bot must not try to use it.
    fake.advanceClock(16 * 60_000);
    await expect.poll(() => fake.dmsTo(learner.id).length, { timeout: 30_000 }).toBe(1);
    expect(fake.dmsTo(learner.id)[0]!.content).toMatch(/scored \*\*\d+\.\d\d\*\*, rank \*\*#1\*\*/);
    expect(fake.requests.filter((r) => r.status === 401)).toEqual([]);
  });
});

describe.skipIf(!HAVE_SHARED_MODELS)('Discord bot: every failure edits the reply with a reason', () => {
  it('refuses oversize, firmware (on a models-only challenge), broken, expired and unknown uploads, and a closed challenge', async () => {
    const { fake, services } = await discordBot();
    const user = (n: number) => ({ id: `41000000000000000${n}`, username: `user${n}` });
    const big = fake.interact({ command: 'submit', user: user(1), options: submitOpts(kwsModel(1)), attachmentSizeLimit: 1000 });
    const elf = fake.interact({ command: 'submit', user: user(2), options: submitOpts(new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 1, 1, 1, 0, ...new Array<number>(64).fill(0)]), { name: 'fw.elf' }) });
    const broken = fake.interact({ command: 'submit', user: user(3), options: submitOpts(kwsModel().slice(0, 3000)) });
    const expired = fake.interact({ command: 'submit', user: user(4), options: submitOpts(kwsModel(2), { expiresInMs: -1000 }) });
    const unknown = fake.interact({ command: 'submit', user: user(5), options: [{ name: 'challenge', type: 'string', value: 'nope' }, submitOpts(kwsModel(3))[1]!] });
    await big.waitForContent(/is 52\.7 KiB; uploads here are limited to 1000 B/);
    await elf.waitForContent(/`fw\.elf` is compiled firmware, and KWS pipeline test takes int8 \.tflite models only/);
    await broken.waitForContent(/rejected by the preflight check \(no quota used\):\n.*(truncated|cannot be read)/);
    // The signed URL had expired: the bot refreshed it once through the API and went on.
    await expired.waitForContent(/accepted \(99 submissions left today\)/);
    await unknown.waitForContent(/❌ no challenge "nope" \(known: kws-test\)/);
    expect(fake.requests.filter((r) => r.path.startsWith('/cdn/')).map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 404]);
    expect(fake.requests.some((r) => r.path === '/attachments/refresh-urls' || r.path.endsWith('/attachments/refresh-urls'))).toBe(true);

    // No refresh possible: the learner is told to upload again. A CDN 429 is waited out.
    fake.refreshDisabled = true;
    const stale = fake.interact({ command: 'submit', user: user(6), options: submitOpts(kwsModel(4), { expiresInMs: -1000 }) });
    await stale.waitForContent(/❌ the attachment link expired before it could be downloaded; upload the file again/);
    fake.rateLimit('GET', /^\/cdn\//, { retryAfterS: 0.2 });
    const limited = fake.interact({ command: 'submit', user: user(7), options: submitOpts(kwsModel(5)) });
    await limited.waitForContent(/accepted/);

    await services.db.challenge.update({ where: { id: 'kws-test' }, data: { state: 'closed' } });
    const closed = fake.interact({ command: 'submit', user: user(8), options: submitOpts(kwsModel(6)) });
    await closed.waitForContent(/❌ KWS pipeline test is not accepting submissions: it closed/);
    for (const i of [big, elf, broken, expired, unknown, stale, limited, closed]) expect(i.ackLatencyMs()).toBeLessThan(3000);
    expect(await services.db.submission.count({ where: { quotaCharged: true } })).toBe(2);
  });

  it('applies per-user cooldowns', async () => {
    const { fake } = await discordBot({ cooldownScale: 1 });
    const first = fake.interact({ command: 'challenges', user: learner });
    await first.waitForContent(/KWS pipeline test/);
    const again = fake.interact({ command: 'challenges', user: learner });
    await again.waitForContent(/Slow down: you can use \/challenges again in [1-3] s/);
    const someoneElse = fake.interact({ command: 'challenges', user: learner2 });
    await someoneElse.waitForContent(/KWS pipeline test/);
  });
});

describe.skipIf(!HAVE_SHARED_MODELS)('Discord bot: /final', () => {
  it('picks and drops a final submission, lists the picks in force, and refuses a submission that is not yours', async () => {
    const { fake, services } = await discordBot({ workers: true, challenge: { maxFinal: 1 } });
    const sent = fake.interact({ command: 'submit', user: learner, options: submitOpts(kwsModel()) });
    await sent.waitForContent(/rank \*\*#1\*\*/, 45_000);
    const sub = await services.db.submission.findFirstOrThrow({ where: { state: 'done' } });

    const pick = fake.interact({ command: 'final', user: learner, options: [{ name: 'submission', type: 'string', value: sub.id }] });
    const picked = await pick.waitForContent(/is now a final pick/);
    expect(picked).toMatch(new RegExp(`📌 \`${sub.id}\` is now a final pick for \\*\\*KWS pipeline test\\*\\*\\.\\nFinal picks \\(1 of 1; you have these judged on the private split\\):\\n• \`${sub.id}\` kws\\.tflite \\(public score \\d+\\.\\d\\d\\)`));
    expect((await services.db.submission.findUniqueOrThrow({ where: { id: sub.id } })).isFinal).toBe(true);

    const stranger = fake.interact({ command: 'final', user: learner2, options: [{ name: 'submission', type: 'string', value: sub.id }] });
    await stranger.waitForContent(new RegExp(`no submission ${sub.id} of yours`));

    const drop = fake.interact({ command: 'final', user: learner, options: [{ name: 'submission', type: 'string', value: sub.id }, { name: 'remove', type: 'boolean', value: true }] });
    await drop.waitForContent(/🗑️ `.*` is no longer a final pick[\s\S]*No final picks: the best 1 of your public-split scores will be judged/);
    expect((await services.db.submission.findUniqueOrThrow({ where: { id: sub.id } })).isFinal).toBe(false);
  });
});

describe.skipIf(!HAVE_SHARED_MODELS)('Discord bot: restarts do not lose the completion notice', () => {
  const submitted = async (setup: Awaited<ReturnType<typeof discordBot>>) => {
    const sent = setup.fake.interact({ command: 'submit', user: learner, options: submitOpts(kwsModel()) });
    await sent.waitForContent(/accepted/);
    return setup.services.db.submission.findFirstOrThrow({ where: { source: 'discord' } });
  };
  const restart = async (setup: Awaited<ReturnType<typeof discordBot>>) => {
    const bot = new DiscordBot({ services: setup.services, cooldownScale: 0 });
    onTestFinished(() => bot.stop());
    await bot.start();
    return bot;
  };

  it('a submission graded after a restart is announced by DM once, and a later restart does not repeat it', async () => {
    const setup = await discordBot();
    const sub = await submitted(setup);
    await setup.bot.stop();
    const second = await restart(setup);
    const pool = new WorkerPool(setup.services);
    onTestFinished(() => pool.stop());
    await pool.start();
    await expect.poll(() => setup.fake.dmsTo(learner.id).length, { timeout: 45_000 }).toBe(1);
    expect(setup.fake.dmsTo(learner.id)[0]!.content).toMatch(new RegExp(`Your submission \`kws\\.tflite\` to \\*\\*kws-test\\*\\* scored \\*\\*\\d+\\.\\d\\d\\*\\*, rank \\*\\*#1\\*\\*\\. Report: <http://arena\\.test/submissions/${sub.id}>`));
    await second.stop();
    await restart(setup);
    await new Promise((r) => setTimeout(r, 1500));
    expect(setup.fake.dmsTo(learner.id)).toHaveLength(1);
  });

  it('a submission that finished while the bot was down is announced when it comes back', async () => {
    const setup = await discordBot();
    const sub = await submitted(setup);
    await setup.bot.stop();
    const pool = new WorkerPool(setup.services);
    await pool.start();
    try {
      await waitSettled(setup.services, [sub.id]);
    } finally {
      await pool.stop();
    }
    expect(setup.fake.dmsTo(learner.id)).toHaveLength(0);
    await restart(setup);
    await expect.poll(() => setup.fake.dmsTo(learner.id).length, { timeout: 10_000 }).toBe(1);
    expect(setup.fake.dmsTo(learner.id)[0]!.content).toMatch(/scored \*\*\d+\.\d\d\*\*, rank \*\*#1\*\*/);
  });
});

describe('Discord bot: /team', () => {
  it('creates a team, shares its code, lets a teammate join, shows it, and explains refusals', async () => {
    const { fake } = await discordBot({ challenge: { teamSize: 2 } });
    const created = fake.interact({ command: 'team', user: learner, subcommand: 'create', options: [{ name: 'challenge', type: 'string', value: 'kws-test' }, { name: 'name', type: 'string', value: 'Tiny Ears' }] });
    const text = await created.waitForContent(/Team created/);
    const code = /Join code: `([A-Z0-9]+)`/.exec(text)![1]!;
    expect(text).toMatch(/\*\*Tiny Ears\*\* in `kws-test` \(1 of 2\):\n• Ada L\. \(ada\) — captain/);
    expect(created.ephemeral()).toBe(true);
    const join = fake.interact({ command: 'team', user: learner2, subcommand: 'join', options: [{ name: 'code', type: 'string', value: code.toLowerCase() }] });
    expect(await join.waitForContent(/You joined the team/)).toMatch(/\(2 of 2\)[\s\S]*bob \(bob\)/);
    const show = fake.interact({ command: 'team', user: learner2, subcommand: 'show', options: [{ name: 'challenge', type: 'string', value: 'kws-test' }] });
    // Full: no join code to hand out any more.
    expect(await show.waitForContent(/Tiny Ears/)).not.toMatch(/Join code/);
    const third = fake.interact({ command: 'team', user: { id: '400000000000000003', username: 'cy' }, subcommand: 'join', options: [{ name: 'code', type: 'string', value: code }] });
    await third.waitForContent(/❌ Tiny Ears is full \(2 members\)/);
  });
});
