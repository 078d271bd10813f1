/**
 * Teams of a challenge (`team.maxSize` > 1): a learner creates one and shares its join code; others
 * join with the code while the challenge is open and the team has room. A team is one participant:
 * one quota, one leaderboard row. Joining brings the learner's earlier submissions of the challenge
 * into the team (so nobody is on the board twice); leaving is possible only before one has submitted
 * as part of the team (results belong to the team once made).
 */
import { randomBytes } from 'node:crypto';
import type { Services } from '../core/services.js';
import { audit, type Actor } from './admin.js';
import { getChallenge, phaseOf } from './catalog.js';
import { recomputeLeaderboard } from './leaderboard.js';
import { TeamError } from './errors.js';

export interface TeamView {
  id: string;
  challengeId: string;
  name: string;
  maxSize: number;
  members: { personId: string; handle: string; displayName: string; isCaptain: boolean }[];
  /** Only for members (the caller decides). */
  joinCode: string | null;
}

type TeamServices = Pick<Services, 'db' | 'config' | 'redis' | 'logger'>;

const NAME = /^[\p{L}\p{N}][\p{L}\p{N} ._'’-]{0,39}$/u;
// No 0/O or 1/I/L: codes get read out loud and typed from screenshots.
const CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';

function newCode(): string {
  const bytes = randomBytes(10);
  return Array.from(bytes, (b) => CODE_ALPHABET[b % CODE_ALPHABET.length]).join('');
}

async function openTeamChallenge(services: TeamServices, challengeId: string) {
  const c = await getChallenge(services.db, challengeId, services.config.CHALLENGES_DIR);
  if (c.def.team.maxSize < 2) throw new TeamError(`${c.def.title} is an individual challenge (teams of 1)`);
  if (!phaseOf(c).accepting) throw new TeamError(`teams of ${c.def.title} can only change while it is open`);
  return c;
}

/** The person's team in a challenge, or null. */
export async function teamOf(services: Pick<Services, 'db' | 'config'>, challengeId: string, personId: string): Promise<TeamView | null> {
  const m = await services.db.teamMember.findUnique({ where: { challengeId_personId: { challengeId, personId } }, select: { teamId: true } });
  return m ? teamView(services, m.teamId, true) : null;
}

/** A team as anyone may see it (`withCode` only for its members). */
export async function teamView(services: Pick<Services, 'db' | 'config'>, teamId: string, withCode = false): Promise<TeamView | null> {
  const t = await services.db.team.findUnique({
    where: { id: teamId },
    include: { members: { orderBy: { joinedAt: 'asc' }, include: { person: { select: { handle: true, displayName: true } } } } },
  });
  if (!t) return null;
  const c = await getChallenge(services.db, t.challengeId, services.config.CHALLENGES_DIR);
  return {
    id: t.id,
    challengeId: t.challengeId,
    name: t.name,
    maxSize: c.def.team.maxSize,
    members: t.members.map((m) => ({ personId: m.personId, handle: m.person.handle, displayName: m.person.displayName, isCaptain: m.isCaptain })),
    joinCode: withCode ? t.joinCode : null,
  };
}

/** A team's public page: the team and its place on the public board. */
export async function teamPage(services: Pick<Services, 'db' | 'config'>, teamId: string) {
  const team = await teamView(services, teamId);
  if (!team) return null;
  // The team's row on the public board (which already leaves out what a freeze hides); its
  // submissions are listed through arena/report-access.ts, for members and organizers only.
  const place = await services.db.leaderboardEntry.findFirst({ where: { challengeId: team.challengeId, split: 'public', teamId: team.id }, select: { rank: true, score: true, submissionId: true } });
  return { team, place };
}

/** Create a team with the person as its captain. */
export async function createTeam(services: TeamServices, challengeId: string, personId: string, name: string): Promise<TeamView> {
  const c = await openTeamChallenge(services, challengeId);
  const clean = name.trim().replace(/\s+/g, ' ');
  if (!NAME.test(clean)) throw new TeamError('a team name is 1–40 letters, digits, spaces and . _ - \', starting with a letter or digit');
  const { db } = services;
  if (await db.teamMember.findUnique({ where: { challengeId_personId: { challengeId, personId } } })) throw new TeamError(`you are already in a team of ${c.def.title}; leave it first`);
  let teamId: string;
  try {
    teamId = await db.$transaction(async (tx) => {
      const team = await tx.team.create({ data: { challengeId, name: clean, joinCode: newCode(), members: { create: [{ personId, challengeId, isCaptain: true }] } } });
      await tx.submission.updateMany({ where: { challengeId, personId }, data: { teamId: team.id } });
      return team.id;
    });
  } catch (err) {
    // Unique (challengeId, name), or the person joined a team at the same moment.
    if ((err as { code?: string }).code === 'P2002') throw new TeamError(`a team called "${clean}" already exists in ${c.def.title}, or you just joined one`);
    throw err;
  }
  await recomputeLeaderboard(services, challengeId);
  services.logger.info({ challenge: challengeId, team: teamId, person: personId }, 'team created');
  return (await teamView(services, teamId, true))!;
}

/** Join the team with this code (case and spaces ignored). */
export async function joinTeam(services: TeamServices, personId: string, code: string): Promise<TeamView> {
  const { db } = services;
  const wanted = code.toUpperCase().replace(/[^A-Z0-9]/g, '');
  const team = wanted ? await db.team.findUnique({ where: { joinCode: wanted }, include: { _count: { select: { members: true } } } }) : null;
  if (!team) throw new TeamError('no team has this join code; ask a member for it (/team show)');
  const c = await openTeamChallenge(services, team.challengeId);
  const mine = await db.teamMember.findUnique({ where: { challengeId_personId: { challengeId: team.challengeId, personId } } });
  if (mine) throw new TeamError(mine.teamId === team.id ? `you are already in ${team.name}` : `you are already in another team of ${c.def.title}; leave it first`);
  if (team._count.members >= c.def.team.maxSize) throw new TeamError(`${team.name} is full (${c.def.team.maxSize} members)`);
  try {
    await db.$transaction(async (tx) => {
      await tx.teamMember.create({ data: { teamId: team.id, personId, challengeId: team.challengeId } });
      // Two joins racing for the last place: the later one is undone.
      if ((await tx.teamMember.count({ where: { teamId: team.id } })) > c.def.team.maxSize) throw new TeamError(`${team.name} is full (${c.def.team.maxSize} members)`);
      await tx.submission.updateMany({ where: { challengeId: team.challengeId, personId }, data: { teamId: team.id } });
    });
  } catch (err) {
    if ((err as { code?: string }).code === 'P2002') throw new TeamError(`you just joined a team of ${c.def.title}`);
    throw err;
  }
  await recomputeLeaderboard(services, team.challengeId);
  services.logger.info({ challenge: team.challengeId, team: team.id, person: personId }, 'joined a team');
  return (await teamView(services, team.id, true))!;
}

/** Take a member out; the captaincy passes to the longest-standing member; the last one out ends the team. @returns whether it ended */
async function dropMember(services: Pick<Services, 'db'>, teamId: string, personId: string, wasCaptain: boolean): Promise<boolean> {
  return services.db.$transaction(async (tx) => {
    await tx.teamMember.delete({ where: { teamId_personId: { teamId, personId } } });
    const rest = await tx.teamMember.findMany({ where: { teamId }, orderBy: { joinedAt: 'asc' } });
    if (rest.length === 0) {
      await tx.team.delete({ where: { id: teamId } });
      return true;
    }
    if (wasCaptain) await tx.teamMember.update({ where: { teamId_personId: { teamId, personId: rest[0]!.personId } }, data: { isCaptain: true } });
    return false;
  });
}

/** Leave one's team (before having submitted as part of it); the last member leaving ends the team. */
export async function leaveTeam(services: TeamServices, challengeId: string, personId: string): Promise<{ team: string; disbanded: boolean }> {
  const c = await openTeamChallenge(services, challengeId);
  const { db } = services;
  const m = await db.teamMember.findUnique({ where: { challengeId_personId: { challengeId, personId } }, include: { team: { select: { name: true } } } });
  if (!m) throw new TeamError(`you are not in a team of ${c.def.title}`);
  const submitted = await db.submission.count({ where: { challengeId, personId, teamId: m.teamId } });
  if (submitted > 0) throw new TeamError(`you have ${submitted} submission(s) with ${m.team.name}; results belong to the team, so you cannot leave it now`);
  const disbanded = await dropMember(services, m.teamId, personId, m.isCaptain);
  await recomputeLeaderboard(services, challengeId);
  return { team: m.team.name, disbanded };
}

export interface TeamSummary {
  id: string;
  name: string;
  members: { handle: string; isCaptain: boolean }[];
  submissions: number;
  createdAt: string;
}

/** Every team of a challenge (organizers). */
export async function listTeams(services: Pick<Services, 'db'>, challengeId: string): Promise<TeamSummary[]> {
  const teams = await services.db.team.findMany({
    where: { challengeId },
    orderBy: { createdAt: 'asc' },
    include: { members: { orderBy: { joinedAt: 'asc' }, include: { person: { select: { handle: true } } } }, _count: { select: { submissions: true } } },
  });
  return teams.map((t) => ({ id: t.id, name: t.name, members: t.members.map((m) => ({ handle: m.person.handle, isCaptain: m.isCaptain })), submissions: t._count.submissions, createdAt: t.createdAt.toISOString() }));
}

/**
 * An organizer takes a person out of their team (a dispute, an account merged by mistake), audited.
 * Submissions stay with the team; the last member leaving ends the team, and its submissions go back
 * to the people who made them.
 */
export async function removeMember(services: TeamServices, actor: Actor, challengeId: string, handle: string): Promise<{ team: string; disbanded: boolean }> {
  const { db } = services;
  const person = await db.person.findUnique({ where: { handle: handle.toLowerCase() } });
  if (!person) throw new TeamError(`no person ${handle}`);
  const m = await db.teamMember.findUnique({ where: { challengeId_personId: { challengeId, personId: person.id } }, include: { team: { select: { name: true } } } });
  if (!m) throw new TeamError(`${handle} is not in a team of ${challengeId}`);
  const before = await teamView(services, m.teamId);
  const disbanded = await dropMember(services, m.teamId, person.id, m.isCaptain);
  await audit(db, actor, 'team.remove-member', { type: 'team', id: m.teamId }, { members: before?.members.map((x) => x.handle) }, { removed: person.handle, disbanded });
  await recomputeLeaderboard(services, challengeId);
  return { team: m.team.name, disbanded };
}
