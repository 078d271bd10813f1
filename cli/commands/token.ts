import { output, withServices } from '../services.js';
import type { RegisterCommand } from './types.js';

const register: RegisterCommand = (program) => {
  const token = program.command('token').description('API tokens for the HTTP API and the remote CLI');
  token
    .command('create')
    .description('issue a token for a person (created if new); the secret is shown once')
    .argument('<person>', 'handle')
    .option('--label <text>', 'what the token is for', 'cli')
    .option('--role <role>', 'also grant this role (organizer, moderator)')
    .option('--json', 'print JSON')
    .action(async (handle: string, opts: { label: string; role?: string; json?: boolean }) => {
      const res = await withServices(async (services) => {
        const { ensurePerson, issueToken, grantRole } = await import('../../arena/people.js');
        const { audit } = await import('../../arena/admin.js');
        const person = await ensurePerson(services.db, handle);
        if (opts.role) {
          if (!['organizer', 'moderator', 'admin'].includes(opts.role)) throw new Error('--role must be organizer, moderator or admin');
          await grantRole(services.db, person.id, opts.role as 'organizer');
          await audit(services.db, { actorId: null, reason: `token create --role ${opts.role}` }, 'person.role-grant', { type: 'person', id: person.id }, null, { role: opts.role });
        }
        const t = await issueToken(services.db, person.id, opts.label);
        await audit(services.db, { actorId: null, reason: opts.label }, 'token.create', { type: 'person', id: person.id }, null, { tokenId: t.id });
        return { person: person.handle, tokenId: t.id, token: t.secret };
      });
      output(opts.json, res, () => `token for ${res.person} (shown once): ${res.token}`);
    });
};
export default register;
