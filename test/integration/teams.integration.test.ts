/**
 * Teams on a real database and Redis: create and join by code, size limits, one participant on the
 * board and one shared quota, earlier submissions brought into the team, leaving rules, and the team
 * page on the web.
 */
import { describe, expect, it } from 'vitest';
import { submit } from '../../arena/intake.js';
import { readLeaderboard } from '../../arena/leaderboard.js';
import { issueToken } from '../../arena/people.js';
import { createTeam, joinTeam, leaveTeam, teamOf } from '../../arena/teams.js';
import { WorkerPool } from '../../worker/workers.js';
import { kwsModel, person, pipelineServices, waitSettled } from '../helpers/pipeline.js';
import { HAVE_SHARED_MODELS } from '../helpers/shared.js';
import { Agent, webUp } from '../helpers/web.js';
import { cliOn } from '../helpers/cli.js';
import { IntakeError, TeamError } from '../../arena/errors.js';

describe('teams', () => {
  it('are created and joined by code within the size limit, one team per person per challenge', async () => {
    const s = await pipelineServices({ challenge: { teamSize: 2 } });
    const [ada, bob, cy, dee] = [await person(s, 'ada'), await person(s, 'bob'), await person(s, 'cy'), await person(s, 'dee')];
    const team = await createTeam(s, 'kws-test', ada.id, '  Tiny   Ears ');
    expect(team).toMatchObject({ name: 'Tiny Ears', maxSize: 2, members: [{ handle: 'ada', isCaptain: true }] });
    expect(team.joinCode).toMatch(/^[A-HJ-NP-Z2-9]{10}$/);
    await expect(createTeam(s, 'kws-test', ada.id, 'Second')).rejects.toThrow(/already in a team/);
    await expect(createTeam(s, 'kws-test', cy.id, 'Tiny Ears')).rejects.toThrow(/already exists/);
    await expect(createTeam(s, 'kws-test', cy.id, '<script>')).rejects.toThrow(TeamError);
    await expect(joinTeam(s, bob.id, 'NOPE')).rejects.toThrow(/no team has this join code/);

    // Codes are forgiving about case and spacing.
    const code = team.joinCode!;
    const joined = await joinTeam(s, bob.id, ` ${code.slice(0, 5).toLowerCase()} ${code.slice(5)} `);
    expect(joined.members.map((m) => [m.handle, m.isCaptain])).toEqual([
      ['ada', true],
      ['bob', false],
    ]);
    await expect(joinTeam(s, bob.id, code)).rejects.toThrow(/already in Tiny Ears/);
    await expect(joinTeam(s, cy.id, code)).rejects.toThrow(/Tiny Ears is full \(2 members\)/);
    expect((await teamOf(s, 'kws-test', bob.id))!.id).toBe(team.id);
    expect(await teamOf(s, 'kws-test', dee.id)).toBeNull();

    // Leaving before submitting; the captaincy passes on; the last one out ends the team.
    await leaveTeam(s, 'kws-test', ada.id);
    expect((await teamOf(s, 'kws-test', bob.id))!.members).toEqual([expect.objectContaining({ handle: 'bob', isCaptain: true })]);
    expect(await leaveTeam(s, 'kws-test', bob.id)).toEqual({ team: 'Tiny Ears', disbanded: true });
    expect(await s.db.team.count()).toBe(0);
    await expect(leaveTeam(s, 'kws-test', bob.id)).rejects.toThrow(/not in a team/);

    const solo = await pipelineServices({ challenge: { id: 'solo-test' } });
    const zed = await person(solo, 'zed');
    await expect(createTeam(solo, 'solo-test', zed.id, 'Alone')).rejects.toThrow(/individual challenge/);
  });

  it.skipIf(!HAVE_SHARED_MODELS)('are one participant: earlier submissions join the team, one board row, one quota, no leaving after submitting', async () => {
    const s = await pipelineServices({ challenge: { teamSize: 3, perDay: 3 } });
    const [ada, bob] = [await person(s, 'ada'), await person(s, 'bob')];
    const a = await submit(s, { challengeId: 'kws-test', personId: ada.id, fileName: 'a.tflite', source: 'cli', body: kwsModel() });
    const b = await submit(s, { challengeId: 'kws-test', personId: bob.id, fileName: 'b.tflite', source: 'cli', body: kwsModel(8) });
    const pool = new WorkerPool(s);
    await pool.start();
    try {
      await waitSettled(s, [a.id, b.id]);
    } finally {
      await pool.stop();
    }
    expect((await readLeaderboard(s, 'kws-test', 'public')).entries).toHaveLength(2);

    const team = await createTeam(s, 'kws-test', ada.id, 'Tiny Ears');
    await joinTeam(s, bob.id, team.joinCode!);
    const board = await readLeaderboard(s, 'kws-test', 'public');
    expect(board.entries).toEqual([expect.objectContaining({ rank: 1, team: 'Tiny Ears' })]);
    expect(await s.db.submission.count({ where: { teamId: team.id } })).toBe(2);

    // The team shares one daily quota of 3: two are used, one is left for either member.
    await submit(s, { challengeId: 'kws-test', personId: bob.id, fileName: 'c.tflite', source: 'cli', body: kwsModel(16) });
    await expect(submit(s, { challengeId: 'kws-test', personId: ada.id, fileName: 'd.tflite', source: 'cli', body: kwsModel(24) })).rejects.toThrow(IntakeError);
    await expect(leaveTeam(s, 'kws-test', bob.id)).rejects.toThrow(/results belong to the team/);

    // The team page (to a member): members, place on the board, submissions; never the join code.
    const base = await webUp(s);
    const html = await (await fetch(`${base}/teams/${team.id}`, { headers: { authorization: `Bearer ${(await issueToken(s.db, bob.id, 't')).secret}` } })).text();
    expect(html).toContain('<h1>Tiny Ears</h1>');
    expect(html).toMatch(/ada\)[^<]* — captain/);
    expect(html).toMatch(/Rank <strong>1<\/strong>/);
    expect(html).toContain('c.tflite');
    expect(html).not.toContain(team.joinCode!);
    expect((await fetch(`${base}/teams/nope`)).status).toBe(404);
    const lb = await (await fetch(`${base}/challenges/kws-test/leaderboard`)).text();
    expect(lb).toContain(`<a href="/teams/${team.id}">Tiny Ears</a>`);
  }, 90_000);
});

describe('teams on the web', () => {
  it('a signed-in learner creates a team, a teammate joins with the code, refusals say why', async () => {
    const s = await pipelineServices({ challenge: { teamSize: 2 } });
    const base = await webUp(s);
    const [ada, bob] = [await person(s, 'ada'), await person(s, 'bob')];
    const adaWeb = new Agent(base);
    const bobWeb = new Agent(base);
    await adaWeb.signIn((await issueToken(s.db, ada.id, 't')).secret);
    await bobWeb.signIn((await issueToken(s.db, bob.id, 't')).secret);
    expect((await new Agent(base).req('/challenges/kws-test/team')).headers.get('location')).toMatch(/^\/login\?next=/);

    // Without the CSRF token nothing happens.
    expect((await adaWeb.post('/challenges/kws-test/team/create', { name: 'Tiny Ears' })).status).toBe(403);
    const created = await adaWeb.post('/challenges/kws-test/team/create', { _csrf: await adaWeb.csrf('/challenges/kws-test/team'), name: 'Tiny Ears' });
    expect(created.status).toBe(303);
    const mine = await (await adaWeb.req('/challenges/kws-test/team?done=created')).text();
    expect(mine).toContain('Team created.');
    const code = /Join code for teammates: <code>([A-Z0-9]+)<\/code>/.exec(mine)![1]!;

    const joined = await bobWeb.post('/challenges/kws-test/team/join', { _csrf: await bobWeb.csrf('/challenges/kws-test/team'), code });
    expect(joined.headers.get('location')).toBe('/challenges/kws-test/team?done=joined');
    const bobs = await (await bobWeb.req('/challenges/kws-test/team')).text();
    expect(bobs).toMatch(/You are in <a href="\/teams\/[^"]+">Tiny Ears<\/a> \(2 of 2\)/);
    // Full team: no code offered any more.
    expect(bobs).not.toContain(code);
    const again = await bobWeb.post('/challenges/kws-test/team/create', { _csrf: await bobWeb.csrf('/challenges/kws-test/team'), name: 'Other' });
    expect(again.status).toBe(400);
    expect(await again.text()).toMatch(/already in a team/);
    expect(await s.db.teamMember.count()).toBe(2);
  });
});

describe('tinyarena team (organizers)', () => {
  it('lists teams and removes a member, audited, with the documented exit codes', { timeout: 60_000 }, async () => {
    const s = await pipelineServices({ challenge: { teamSize: 3 } });
    const [ada, bob] = [await person(s, 'ada'), await person(s, 'bob')];
    const t = await createTeam(s, 'kws-test', ada.id, 'Tiny Ears');
    await joinTeam(s, bob.id, t.joinCode!);
    const run = cliOn(s);
    const list = await run(['team', 'list', 'kws-test', '--json']);
    expect(list.code, list.err).toBe(0);
    expect(JSON.parse(list.out)).toEqual([expect.objectContaining({ name: 'Tiny Ears', members: [{ handle: 'ada', isCaptain: true }, { handle: 'bob', isCaptain: false }], submissions: 0 })]);
    expect((await run(['team', 'remove', 'kws-test', 'bob'])).code).toBe(2);
    const removed = await run(['team', 'remove', 'kws-test', 'bob', '--reason', 'asked to switch teams', '--json']);
    expect(removed.code, removed.err).toBe(0);
    expect(JSON.parse(removed.out)).toEqual({ team: 'Tiny Ears', disbanded: false });
    expect(await s.db.auditLog.findFirst({ where: { action: 'team.remove-member' } })).toMatchObject({ targetId: t.id, reason: 'asked to switch teams' });
    const again = await run(['team', 'remove', 'kws-test', 'bob', '--reason', 'x']);
    expect(again.code).toBe(1);
    expect(again.err).toMatch(/bob is not in a team of kws-test/);
  });
});
