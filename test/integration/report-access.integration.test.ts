/**
 * Who sees a submission's report (issue 17 #1, issue 16 #3): the submitter, their team and organizers
 * see it whole; everyone else sees only what the public board shows — nothing a freeze hides, no
 * private-split figure before the close, never the split seed — on every surface: the report page,
 * its live events, the status API, the team page and Discord /status.
 */
import { describe, expect, it } from 'vitest';
import statusCommand from '../../bot/commands/status.js';
import type { CommandContext } from '../../bot/commands/types.js';
import { grantRole, issueToken } from '../../arena/people.js';
import { createTeam, joinTeam } from '../../arena/teams.js';
import { freePort } from '../helpers/cli.js';
import { FAKE_SPLIT_SEED, gradedSubmission, rebuildBoards } from '../helpers/graded.js';
import { person, pipelineServices } from '../helpers/pipeline.js';
import { webUp } from '../helpers/web.js';

const auth = (token: string) => ({ authorization: `Bearer ${token}` });

async function setup() {
  // The public board froze on 2025-01-01: later results are not on it.
  const s = await pipelineServices({ challenge: { teamSize: 2, freezes: '2025-01-01T00:00:00Z' }, env: { PORT: String(await freePort()) } });
  const base = await webUp(s);
  const [ada, bob, cy, olga] = [await person(s, 'ada'), await person(s, 'bob'), await person(s, 'cy'), await person(s, 'olga')];
  await grantRole(s.db, olga.id, 'organizer');
  const team = await createTeam(s, 'kws-test', ada.id, 'Tiny Ears');
  await joinTeam(s, bob.id, team.joinCode!);
  const early = await gradedSubmission(s, { personId: ada.id, teamId: team.id, fileName: 'early-ears.tflite', createdAt: new Date('2024-06-01T00:00:00Z'), publicScore: 80.25, privateScore: 71.5 });
  const late = await gradedSubmission(s, { personId: ada.id, teamId: team.id, fileName: 'late-ears.tflite', createdAt: new Date(), publicScore: 95.75, privateScore: 90.5 });
  const cys = await gradedSubmission(s, { personId: cy.id, fileName: 'cy-model.tflite', createdAt: new Date('2024-07-01T00:00:00Z'), publicScore: 60.5, privateScore: 61.5 });
  await rebuildBoards(s);
  const token = async (id: string) => (await issueToken(s.db, id, 'test')).secret;
  return { s, base, team, early, late, cys, who: { ada, bob, cy, olga }, tokens: { ada: await token(ada.id), bob: await token(bob.id), cy: await token(cy.id), olga: await token(olga.id) } };
}

describe('report access', () => {
  it('shows the whole report to the submitter, the team and organizers, and the public only what the board shows', async () => {
    const { base, early, late, cys, tokens } = await setup();
    const get = (path: string, token?: string) => fetch(base + path, { headers: token ? auth(token) : {} });

    // Anonymous and another learner: the frozen-out submission does not exist for them.
    for (const token of [undefined, tokens.cy]) {
      const hidden = await get(`/submissions/${late}`, token);
      expect(hidden.status).toBe(404);
      const text = await hidden.text();
      expect(text).not.toContain('late-ears');
      expect(text).not.toContain('95.75');
      expect((await get(`/submissions/${late}/events`, token)).status).toBe(404);
      expect((await get(`/submissions/${early}/events`, token)).status).toBe(404);
    }
    expect((await get(`/api/submissions/${late}`, tokens.cy)).status).toBe(404);
    expect((await get(`/api/submissions/${early}`, tokens.cy)).status).toBe(404);

    // The submission on the public board: its board row, nothing more.
    const onBoard = await get(`/submissions/${early}`);
    expect(onBoard.status).toBe(200);
    const board = await onBoard.text();
    expect(board).toMatch(/Rank <strong>1<\/strong> on the <a href="[^"]*split=public">public leaderboard<\/a>, score 80\.250/);
    expect(board).toContain('Tiny Ears');
    for (const secret of ['early-ears', 'Per class', '71.5', 'private', 'Stages', FAKE_SPLIT_SEED]) expect(board).not.toContain(secret);

    // The team: the whole report, its own private figures still hidden before the close, no seed.
    for (const token of [tokens.ada, tokens.bob]) {
      const page = await (await get(`/submissions/${late}`, token)).text();
      expect(page).toContain('late-ears.tflite');
      expect(page).toContain('95.750');
      expect(page).toContain('<caption>Per class</caption>');
      expect(page).not.toContain(FAKE_SPLIT_SEED);
      const api = await get(`/api/submissions/${late}`, token);
      expect(api.status).toBe(200);
      const status = (await api.json()) as { privateScore: number | null; stages: { name: string; detail: Record<string, unknown> }[] };
      expect(status.privateScore).toBeNull();
      const score = status.stages.find((st) => st.name === 'score')!.detail;
      expect(score).not.toHaveProperty('private');
      expect(score.split).not.toHaveProperty('seed');
      const events = await get(`/submissions/${late}/events`, token);
      expect(events.headers.get('content-type')).toMatch(/text\/event-stream/);
      await events.body!.cancel();
    }
    // Organizers: everything but the seed.
    const org = (await (await get(`/api/submissions/${late}`, tokens.olga)).json()) as { privateScore: number; stages: { name: string; detail: Record<string, unknown> }[] };
    expect(org.privateScore).toBe(90.5);
    expect(JSON.stringify(org)).not.toContain(FAKE_SPLIT_SEED);
    // cy sees their own report in full.
    expect(await (await get(`/submissions/${cys}`, tokens.cy)).text()).toContain('cy-model.tflite');
  });

  it('keeps a team page to the board row for outsiders during a freeze, and lists everything for members', async () => {
    const { base, team, late, tokens } = await setup();
    for (const token of [undefined, tokens.cy]) {
      const html = await (await fetch(`${base}/teams/${team.id}`, { headers: token ? auth(token) : {} })).text();
      expect(html).toMatch(/Rank <strong>1<\/strong>[^]*score 80\.250/);
      for (const hidden of ['late-ears', '95.750', late, 'early-ears']) expect(html).not.toContain(hidden);
    }
    const mates = await (await fetch(`${base}/teams/${team.id}`, { headers: auth(tokens.bob) })).text();
    expect(mates).toContain('late-ears.tflite');
    expect(mates).toContain('95.750');
    // Nor does the frozen board's live channel tell that something finished.
    expect((await fetch(`${base}/challenges/kws-test/leaderboard/events`)).status).toBe(204);
  });

  it('shows a score the freeze hides nowhere else to outsiders: home, boards, challenge page, APIs, my submissions', async () => {
    const { base, late, early, tokens } = await setup();
    const hidden = ['late-ears', '95.75', '95.8', late];
    const surfaces = ['/', '/leaderboards', '/challenges/kws-test', '/challenges/kws-test/leaderboard', '/challenges/kws-test/leaderboard?split=public&sort=score', '/challenges/kws-test/leaderboard?split=private', '/api/challenges', '/api/challenges/kws-test/leaderboard', '/api/challenges/kws-test/leaderboard?split=private'];
    for (const token of [undefined, tokens.cy]) {
      for (const path of [...surfaces, ...(token ? ['/me/submissions'] : [])]) {
        const res = await fetch(base + path, { headers: token ? auth(token) : {} });
        const text = await res.text();
        for (const h of hidden) expect({ path, as: token ? 'cy' : 'anonymous', leaks: text.includes(h) ? h : null }).toEqual({ path, as: token ? 'cy' : 'anonymous', leaks: null });
      }
    }
    // The board itself still shows the team's pre-freeze entry, and the submitter her own list in full.
    expect(await (await fetch(`${base}/api/challenges/kws-test/leaderboard`)).text()).toContain(early);
    const mine = await (await fetch(`${base}/me/submissions`, { headers: auth(tokens.ada) })).text();
    expect(mine).toContain('late-ears.tflite');
    expect(mine).toContain('95.75');
  });

  it('answers Discord /status for the team and organizers only', async () => {
    const { s, late, who } = await setup();
    const ask = async (p: { id: string; handle: string }, organizer = false) => {
      let content = '';
      const ctx = {
        services: s,
        organizer,
        options: { string: (n: string) => (n === 'submission' ? late : undefined) },
        reply: { edit: (c: string) => void (content = c) },
        person: () => Promise.resolve(p),
      } as unknown as CommandContext;
      try {
        await statusCommand.execute(ctx);
        return content;
      } catch (err) {
        return `refused: ${(err as Error).message}`;
      }
    };
    expect(await ask(who.cy)).toMatch(/^refused: no submission `[^`]+` of yours/);
    expect(await ask(who.bob)).toContain('late-ears');
    expect(await ask(who.olga, true)).toContain('late-ears');
  });
});
