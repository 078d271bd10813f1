/**
 * The Discord bot's organizer commands (and the learner refusal), command registration through the
 * real bin, start-up with the web part, and start-up failures: the real discord.js client against the
 * fake Discord, real Redis and a real database.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it, onTestFinished } from 'vitest';
import { DiscordBot } from '../../bot/discord/bot.js';
import { startParts } from '../../cli/run-parts.js';
import { submit } from '../../arena/intake.js';
import { discordBot, learner, learner2, organizer, ORGANIZER_ROLE } from '../helpers/discord.js';
import { FakeDiscord } from '../fakes/fake-discord.js';
import { runCli } from '../helpers/cli.js';
import { TEST_REDIS_URL } from '../helpers/env.js';
import { kwsModel, person, pipelineServices, writeChallenge } from '../helpers/pipeline.js';
import { HAVE_SHARED_MODELS } from '../helpers/shared.js';
import { tempDir } from '../helpers/tmp.js';

describe.skipIf(!HAVE_SHARED_MODELS)('Discord bot: organizer commands', () => {
  it('refuses organizer commands to learners and runs them for organizers, audited under their person', async () => {
    const { fake, services } = await discordBot();
    const refused = fake.interact({ command: 'challenge', subcommand: 'close', user: learner, options: [{ name: 'challenge', type: 'string', value: 'kws-test' }, { name: 'reason', type: 'string', value: 'x' }] });
    await refused.waitForContent(/for organizers only/);
    for (const [command, subcommand] of [['rejudge'], ['disqualify'], ['quota', 'grant'], ['rack', 'status']] as const) {
      const r = fake.interact({ command, subcommand, user: learner2, roles: ['500000000000000777'] });
      await r.waitForContent(/for organizers only/);
    }
    expect((await services.db.challenge.findUniqueOrThrow({ where: { id: 'kws-test' } })).state).toBe('draft');
    expect(await services.db.auditLog.count()).toBe(0);

    const as = { user: organizer, roles: [ORGANIZER_ROLE] };
    const ch = [{ name: 'challenge', type: 'string' as const, value: 'kws-test' }];
    const close = fake.interact({ command: 'challenge', subcommand: 'close', ...as, options: [...ch, { name: 'reason', type: 'string', value: 'maintenance' }] });
    await close.waitForContent(/✅ \*\*kws-test\*\*: close done\. Now closed/);
    const freeze = fake.interact({ command: 'challenge', subcommand: 'freeze', ...as, options: [...ch, { name: 'reason', type: 'string', value: 'last week' }] });
    await freeze.waitForContent(/board frozen/);
    const open = fake.interact({ command: 'challenge', subcommand: 'open', ...as, options: [...ch, { name: 'reason', type: 'string', value: 'back' }] });
    await open.waitForContent(/open done\. Now open/);
    const announce = fake.interact({ command: 'challenge', subcommand: 'announce', ...as, options: [...ch, { name: 'message', type: 'string', value: 'Deadline extended by a day.' }] });
    await announce.waitForContent(/Announced/);
    expect(fake.channelMessages.map((m) => m.content)).toContain('📣 **KWS pipeline test**\nDeadline extended by a day.');

    const grant = fake.interact({ command: 'quota', subcommand: 'grant', ...as, options: [...ch, { name: 'user', type: 'user', value: learner.id, username: learner.username }, { name: 'extra', type: 'integer', value: 2 }, { name: 'reason', type: 'string', value: 'lost to a bug' }] });
    await grant.waitForContent(/got \+2 submissions in \*\*kws-test\*\*/);
    const ada = await services.db.identity.findUniqueOrThrow({ where: { provider_externalId: { provider: 'discord', externalId: learner.id } } });
    expect(await services.db.quotaGrant.findFirst({ where: { personId: ada.personId } })).toMatchObject({ extra: 2, reason: 'lost to a bug' });

    const cy = await person(services, 'cy');
    const res = await submit(services, { challengeId: 'kws-test', personId: cy.id, fileName: 'm.tflite', source: 'cli', body: kwsModel() });
    const dq = fake.interact({ command: 'disqualify', ...as, options: [{ name: 'submission', type: 'string', value: res.id }, { name: 'reason', type: 'string', value: 'copied' }] });
    await dq.waitForContent(/is disqualified/);
    expect((await services.db.submission.findUniqueOrThrow({ where: { id: res.id } })).disqualifyReason).toBe('copied');
    const rj = fake.interact({ command: 'rejudge', ...as, options: [...ch, { name: 'reason', type: 'string', value: 'new kernels' }] });
    await rj.waitForContent(/1 submission queued for rejudging under evaluator `e\d+-[0-9a-f]+`/);
    const rack = fake.interact({ command: 'rack', subcommand: 'status', ...as });
    await rack.waitForContent(/No boards are registered|health/);
    const bad = fake.interact({ command: 'disqualify', ...as, options: [{ name: 'submission', type: 'string', value: 'nope' }, { name: 'reason', type: 'string', value: 'x' }] });
    await bad.waitForContent(/❌ no submission nope/);

    const orgId = (await services.db.identity.findUniqueOrThrow({ where: { provider_externalId: { provider: 'discord', externalId: organizer.id } } })).personId;
    const actions = await services.db.auditLog.findMany({ orderBy: { createdAt: 'asc' }, select: { action: true, actorId: true } });
    expect(actions.map((a) => a.action)).toEqual(['challenge.close', 'challenge.freeze', 'challenge.open', 'quota.grant', 'submission.disqualify', 'submission.rejudge']);
    expect(new Set(actions.map((a) => a.actorId))).toEqual(new Set([orgId]));
  });
});

describe('Discord bot: deployment and start-up', () => {
  it('registers the commands with `tinyarena discord-deploy` and starts with the web part', async () => {
    const fake = new FakeDiscord({ roles: [{ id: ORGANIZER_ROLE, name: 'Organizers' }] });
    await fake.start();
    onTestFinished(() => fake.stop());
    const root = tempDir('tinyarena-discord-');
    const env = {
      DATA_DIR: root,
      REDIS_URL: TEST_REDIS_URL,
      QUEUE_PREFIX: `t${randomBytes(5).toString('hex')}`,
      CHALLENGES_DIR: writeChallenge(root),
      DISCORD_TOKEN: fake.token,
      DISCORD_APPLICATION_ID: fake.applicationId,
      DISCORD_GUILD_ID: fake.guildId,
      DISCORD_ORGANIZER_ROLE_IDS: ORGANIZER_ROLE,
      DISCORD_API_URL: fake.apiUrl,
      PORT: '0',
      LOG_LEVEL: 'silent',
    };
    // Start first (it migrates and loads the challenges), then register from a second process.
    const running = await startParts(['web'], env);
    onTestFinished(async () => {
      const keys = await running.services.redis.keys(`${env.QUEUE_PREFIX}:*`);
      if (keys.length) await running.services.redis.del(...keys);
      await running.stop();
    });
    const bot = running.components.find((c) => c.name === 'discord')!;
    expect(await bot.health()).toMatchObject({ ok: true, state: 'running' });
    const run = runCli(['discord-deploy', '--json'], env);
    const { code } = await run.exited;
    expect(code, run.output.stderr).toBe(0);
    const out = JSON.parse(run.output.stdout) as { scope: string; commands: string[] };
    expect(out).toMatchObject({ scope: 'guild' });
    expect(out.commands).toEqual(['submit', 'status', 'final', 'team', 'leaderboard', 'challenges', 'rules', 'ask', 'challenge', 'rejudge', 'disqualify', 'quota', 'rack']);
    const registered = fake.commands.get(`guild:${fake.guildId}`)!;
    const submitCmd = registered.find((c) => c.name === 'submit') as { options: { name: string; type: number; choices?: { value: string }[] }[] };
    expect(submitCmd.options.map((o) => [o.name, o.type])).toEqual([['challenge', 3], ['model', 11], ['note', 3], ['announce', 5]]);
    expect(submitCmd.options[0]!.choices).toEqual([expect.objectContaining({ value: 'kws-test' })]);
    expect(registered.find((c) => c.name === 'rejudge')).toMatchObject({ default_member_permissions: '32' });

    const sent = fake.interact({ command: 'challenges', user: learner });
    await sent.waitForContent(/KWS pipeline test/);
  });

  it('refuses a rejected token at start, and keeps retrying in the background while Discord is unreachable', async () => {
    const fake = new FakeDiscord();
    await fake.start();
    onTestFinished(() => fake.stop());
    const env = { DISCORD_TOKEN: fake.token, DISCORD_APPLICATION_ID: fake.applicationId, DISCORD_API_URL: fake.apiUrl };
    const wrong = await pipelineServices({ env: { ...env, DISCORD_TOKEN: 'not-the-token' } });
    await expect(new DiscordBot({ services: wrong }).start()).rejects.toThrow(/Discord rejected DISCORD_TOKEN/);

    const port = Number(new URL(fake.apiUrl).port);
    await fake.stop();
    const services = await pipelineServices({ env });
    const bot = new DiscordBot({ services, retryMs: 300, readyTimeoutMs: 5000 });
    onTestFinished(() => bot.stop());
    await bot.start();
    expect(bot.health()).toMatchObject({ ok: false, state: 'reconnecting' });
    await fake.start(port);
    await expect.poll(() => bot.health().state, { timeout: 15_000 }).toBe('running');
    const sent = fake.interact({ command: 'challenges', user: learner });
    await sent.waitForContent(/KWS pipeline test/);
  });
});
