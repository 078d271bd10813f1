/**
 * Read-model of the audit log for people: who (handle, or "console"), what, on what — a person by
 * handle, a team by name, a submission by file and owner, a challenge by id — and the before/after
 * data with the internal ids of people and teams replaced by their handles and names.
 */
import type { Db } from '../core/db/client.js';

export interface AuditRow {
  id: number;
  at: string;
  /** Handle of the organizer, or "console" (the server's shell). */
  actor: string;
  action: string;
  target: { type: string; id: string; label: string; href: string | null };
  reason: string | null;
  /** The entry's data, people and teams named instead of their ids. */
  data: unknown;
}

/** Internal ids (cuid) a data blob may carry. */
const CUID = /^c[a-z0-9]{20,32}$/;

function collectIds(v: unknown, into: Set<string>): void {
  if (typeof v === 'string') {
    if (CUID.test(v)) into.add(v);
  } else if (Array.isArray(v)) for (const x of v) collectIds(x, into);
  else if (v && typeof v === 'object') for (const x of Object.values(v)) collectIds(x, into);
}

function renameIds(v: unknown, names: Map<string, string>): unknown {
  if (typeof v === 'string') return names.get(v) ?? v;
  if (Array.isArray(v)) return v.map((x) => renameIds(x, names));
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, renameIds(x, names)]));
  return v;
}

export async function readAuditLog(db: Db, opts: { take?: number; skip?: number } = {}): Promise<AuditRow[]> {
  const rows = await db.auditLog.findMany({ orderBy: { id: 'desc' }, take: opts.take ?? 100, skip: opts.skip ?? 0, include: { actor: { select: { handle: true } } } });
  const ids = new Set<string>();
  for (const r of rows) {
    ids.add(r.targetId);
    collectIds(r.data, ids);
  }
  const list = [...ids];
  const [people, teams, subs] = list.length
    ? await Promise.all([
        db.person.findMany({ where: { id: { in: list } }, select: { id: true, handle: true } }),
        db.team.findMany({ where: { id: { in: list } }, select: { id: true, name: true } }),
        db.submission.findMany({ where: { id: { in: list } }, select: { id: true, fileName: true, person: { select: { handle: true } } } }),
      ])
    : [[], [], []];
  const handle = new Map(people.map((p) => [p.id, p.handle]));
  const team = new Map(teams.map((t) => [t.id, t.name]));
  const sub = new Map(subs.map((s) => [s.id, `${s.fileName} by ${s.person.handle}`]));
  const names = new Map<string, string>([...handle, ...team]);
  const target = (type: string, id: string): AuditRow['target'] => {
    switch (type) {
      case 'person':
        return { type, id, label: handle.get(id) ?? '(removed person)', href: null };
      case 'team':
        return { type, id, label: team.get(id) ?? '(removed team)', href: team.has(id) ? `/teams/${encodeURIComponent(id)}` : null };
      case 'submission':
        return { type, id, label: sub.get(id) ?? id, href: `/submissions/${encodeURIComponent(id)}` };
      case 'challenge':
        return { type, id, label: id, href: `/challenges/${encodeURIComponent(id)}` };
      default:
        return { type, id, label: id, href: null };
    }
  };
  return rows.map((r) => ({
    id: r.id,
    at: r.createdAt.toISOString(),
    actor: r.actor?.handle ?? 'console',
    action: r.action,
    target: target(r.targetType, r.targetId),
    reason: r.reason,
    data: renameIds(r.data ?? null, names),
  }));
}
