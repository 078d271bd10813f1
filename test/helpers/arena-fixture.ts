/**
 * A small arena with one person per role, for tests that walk every route: a KWS challenge with teams
 * (frozen public board) and a project track, ada and bob in one team, cy alone, a moderator, a judge
 * and an organizer, each signed in with a browser session. ada's latest submission is hidden by the
 * freeze; her earlier one is on the board.
 */
import { grantRole, issueToken } from '../../arena/people.js';
import { createTeam, joinTeam } from '../../arena/teams.js';
import type { Services } from '../../core/services.js';
import { freePort } from './cli.js';
import { gradedSubmission, rebuildBoards } from './graded.js';
import { person, pipelineServices } from './pipeline.js';
import { Agent, webUp } from './web.js';

export const ROLES = ['anonymous', 'learner', 'otherLearner', 'teamMate', 'moderator', 'judge', 'organizer'] as const;
export type Role = (typeof ROLES)[number];

export interface ArenaFixture {
  s: Services;
  base: string;
  agents: Record<Role, Agent>;
  tokens: Record<Exclude<Role, 'anonymous'>, string>;
  ids: { challenge: string; team: string; hidden: string; onBoard: string };
}

export async function arenaFixture(env: Record<string, string> = {}): Promise<ArenaFixture> {
  const s = await pipelineServices({
    challenge: { teamSize: 2, freezes: '2025-01-01T00:00:00Z', projects: { judgesPerEntry: 1 } },
    env: { PORT: String(await freePort()), DISCOURSE_URL: 'http://127.0.0.1:9', DISCOURSE_API_KEY: 'k', DISCOURSE_API_USERNAME: 'u', DISCOURSE_WEBHOOK_SECRET: 'hook-secret', ...env },
  });
  const base = await webUp(s);
  const handles: Record<Exclude<Role, 'anonymous'>, string> = { learner: 'ada', otherLearner: 'cy', teamMate: 'bob', moderator: 'mo', judge: 'jo', organizer: 'olga' };
  const people = Object.fromEntries(await Promise.all(Object.entries(handles).map(async ([role, h]) => [role, await person(s, h)] as const))) as unknown as Record<Exclude<Role, 'anonymous'>, { id: string; handle: string }>;
  await grantRole(s.db, people.moderator.id, 'moderator');
  await grantRole(s.db, people.judge.id, 'judge');
  await grantRole(s.db, people.organizer.id, 'organizer');
  const team = await createTeam(s, 'kws-test', people.learner.id, 'Tiny Ears');
  await joinTeam(s, people.teamMate.id, team.joinCode!);
  const onBoard = await gradedSubmission(s, { personId: people.learner.id, teamId: team.id, fileName: 'early.tflite', createdAt: new Date('2024-06-01T00:00:00Z'), publicScore: 80, privateScore: 70 });
  const hidden = await gradedSubmission(s, { personId: people.learner.id, teamId: team.id, fileName: 'late.tflite', createdAt: new Date(), publicScore: 95, privateScore: 90 });
  await rebuildBoards(s);
  const tokens = {} as Record<Exclude<Role, 'anonymous'>, string>;
  const agents = { anonymous: new Agent(base) } as Record<Role, Agent>;
  for (const role of Object.keys(handles) as Exclude<Role, 'anonymous'>[]) {
    tokens[role] = (await issueToken(s.db, people[role].id, 'fixture')).secret;
    agents[role] = new Agent(base);
    const signedIn = await agents[role].signIn(tokens[role]);
    if (signedIn.status !== 303) throw new Error(`${role} could not sign in (${signedIn.status})`);
  }
  return { s, base, agents, tokens, ids: { challenge: 'kws-test', team: team.id, hidden, onBoard } };
}
