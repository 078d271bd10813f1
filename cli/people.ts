/**
 * Finding the people an organizer command names, with the way out when there is none: a missing
 * person is not a dead end but a command away.
 */
import type { Services } from '../core/services.js';
import { CliError } from './errors.js';

/** The person a command acts on (quota, team …): they exist once they have submitted or signed in. */
export async function findParticipant(services: Services, handle: string) {
  const { normaliseHandle } = await import('../arena/people.js');
  const person = await services.db.person.findUnique({ where: { handle: normaliseHandle(handle) } });
  if (!person) {
    throw new CliError(
      `no person "${handle}": people are created when they first submit (Discord /submit, the web, or "tinyarena submit <file> --challenge <id> --as ${handle}") or sign in; "tinyarena token create ${handle}" creates one too`,
      2,
    );
  }
  return person;
}

/** The organizer named by --by: must exist and hold the organizer role. */
export async function findOrganizer(services: Services, handle: string) {
  const { isOrganizer, normaliseHandle } = await import('../arena/people.js');
  const person = await services.db.person.findUnique({ where: { handle: normaliseHandle(handle) } });
  const make = `"tinyarena token create ${handle} --role organizer" makes ${handle} an organizer (and prints an API token for the dashboard)`;
  if (!person) throw new CliError(`no person "${handle}" for --by: ${make}; or leave out --by to act as the server console`, 2);
  if (!(await isOrganizer(services.db, person.id))) throw new CliError(`${handle} is not an organizer: ${make}`, 1);
  return person;
}
