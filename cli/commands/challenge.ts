import type { Services } from '../../core/services.js';
import { CliError } from '../errors.js';
import { findOrganizer } from '../people.js';
import { output, withServices } from '../services.js';
import type { RegisterCommand } from './types.js';

/** The organizer named by --by (must hold the organizer role), or the server console. */
export async function actorFrom(services: Services, opts: { by?: string; reason?: string }) {
  if (!opts.reason?.trim()) throw new CliError('give --reason (it goes to the audit log)', 2);
  if (!opts.by) return { actorId: null, reason: opts.reason };
  const person = await findOrganizer(services, opts.by);
  return { actorId: person.id, reason: opts.reason };
}

const ACTIONS = ['open', 'close', 'freeze', 'unfreeze', 'finalize', 'schedule'] as const;

const register: RegisterCommand = (program) => {
  const challenge = program.command('challenge').description('list, load and manage challenges (organizers, on the server machine)');
  challenge
    .command('list')
    .description('every challenge with its phase')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      const rows = await withServices(async (services) => {
        const { getChallenge, phaseOf } = await import('../../arena/catalog.js');
        const ids = (await services.db.challenge.findMany({ select: { id: true }, orderBy: { id: 'asc' } })).map((c) => c.id);
        return Promise.all(
          ids.map(async (id) => {
            const c = await getChallenge(services.db, id, services.config.CHALLENGES_DIR);
            const p = phaseOf(c);
            return { id, title: c.def.title, task: c.def.task, phase: p.phase, frozen: p.frozen, opens: c.def.timeline.opens, closes: c.def.timeline.closes };
          }),
        );
      });
      output(opts.json, rows, () => rows.map((r) => `${r.id.padEnd(20)} ${r.task.padEnd(4)} ${r.phase}${r.frozen ? ' (frozen)' : ''}  ${r.opens} → ${r.closes}  ${r.title}`).join('\n'));
    });
  challenge
    .command('sync')
    .description('load every challenges/<id>/challenge.yaml into the database')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      // withServices syncs first; run it again to report what happened.
      const res = await withServices(async (services) => {
        const { syncChallenges } = await import('../../arena/catalog.js');
        return syncChallenges(services.db, services.config.CHALLENGES_DIR);
      });
      output(opts.json, res, () => [`${res.created.length + res.updated.length + res.unchanged.length} challenges loaded`, ...res.errors.map((e) => `  error: ${e.message}`)].join('\n'));
      if (res.errors.length) throw new CliError('', 1);
    });
  for (const action of ACTIONS) {
    challenge
      .command(action)
      .description(
        {
          open: 'accept submissions now, whatever the timeline says',
          close: 'stop accepting submissions now (reveals the private board)',
          freeze: 'freeze the public board now',
          unfreeze: 'unfreeze the public board',
          finalize: 'mark the results final',
          schedule: 'follow the timeline again (undo open/close)',
        }[action],
      )
      .argument('<id>')
      .requiredOption('--reason <text>', 'why (audit log)')
      .option('--by <handle>', 'the organizer doing it (default: the server console)')
      .option('--json', 'print JSON')
      .action(async (id: string, opts: { reason: string; by?: string; json?: boolean }) => {
        const after = await withServices(async (services) => {
          const { changeChallenge } = await import('../../arena/admin.js');
          return changeChallenge(services, await actorFrom(services, opts), id, action);
        });
        output(opts.json, after, () => `${id}: ${after.phase}${after.frozen ? ' (frozen)' : ''}`);
      });
  }
};
export default register;
