import { output, withServices } from '../services.js';
import { actorFrom } from './challenge.js';
import type { RegisterCommand } from './types.js';

const register: RegisterCommand = (program) => {
  const team = program.command('team').description('teams of a challenge (organizers, on the server machine)');
  team
    .command('list')
    .description('every team of a challenge with its members')
    .argument('<challenge>')
    .option('--json', 'print JSON: [{ id, name, members:[{handle,isCaptain}], submissions, createdAt }]')
    .action(async (challenge: string, opts: { json?: boolean }) => {
      const teams = await withServices(async (services) => {
        const { listTeams } = await import('../../arena/teams.js');
        return listTeams(services, challenge);
      });
      output(opts.json, teams, () => (teams.length ? teams.map((t) => `${t.name}  (${t.id})  ${t.members.map((m) => `${m.handle}${m.isCaptain ? '*' : ''}`).join(', ')}  ${t.submissions} submission(s)`).join('\n') : 'no teams'));
    });
  team
    .command('remove')
    .description('take a person out of their team (audited; their submissions stay with the team)')
    .argument('<challenge>')
    .argument('<person>', 'handle')
    .requiredOption('--reason <text>', 'why (audit log)')
    .option('--by <handle>', 'the organizer doing it')
    .option('--json', 'print JSON')
    .action(async (challenge: string, handle: string, opts: { reason: string; by?: string; json?: boolean }) => {
      const r = await withServices(async (services) => {
        const { removeMember } = await import('../../arena/teams.js');
        return removeMember(services, await actorFrom(services, opts), challenge, handle);
      });
      output(opts.json, r, () => `${handle} removed from ${r.team}${r.disbanded ? ' (it had no other member: the team is gone)' : ''}`);
    });
};
export default register;
