/**
 * The audit log as a log reviewer reads it (HSLF-FS 2016:40 ch. 4 § 9:
 * regular sample checks and checks on suspicion, each itself recorded).
 * Every subgraph answers its own section: the events on the reviewer's own
 * organisation's records in that subgraph, newest first, filtered by period
 * and optionally by person or user. The filter travels as the key of the
 * AuditLog entity, so every section answers the same question.
 */
import { sql, type SQL } from 'drizzle-orm';
import { requirePermission } from './access.ts';
import { appendAudit, eventFieldsOf, recordPersonSql, type EventFields } from './audit.ts';
import { organisation } from './directory.ts';
import { badInput } from './errors.ts';
import { decodeCursor, paginate, pageSize } from './pagination.ts';
import { parseDateTime } from './time.ts';
import type { HubContext } from './subgraph.ts';
import type { Caller } from './caller.ts';
import { t } from './i18n.ts';

export interface AuditLogFilter {
  from: string;
  to: string;
  personId: string | null;
  userId: string | null;
}

export function auditLogKey(f: AuditLogFilter): string {
  return Buffer.from(JSON.stringify([f.from, f.to, f.personId, f.userId])).toString('base64url');
}

export function auditLogFilter(key: string): AuditLogFilter {
  try {
    const [from, to, personId, userId] = JSON.parse(Buffer.from(key, 'base64url').toString('utf8')) as unknown[];
    if (
      typeof from === 'string' &&
      typeof to === 'string' &&
      (personId === null || typeof personId === 'string') &&
      (userId === null || typeof userId === 'string')
    ) {
      return { from, to, personId, userId };
    }
  } catch {
    /* falls through */
  }
  throw badInput('key', t`This is not an audit log the hub gave out.`);
}

/** Checks the caller and the period, and returns the AuditLog as its key and filter. */
export function openAuditLog(caller: Caller, args: { from: Date; to: Date; personId?: string | null; userId?: string | null }) {
  requirePermission(caller, 'audit.read');
  if (args.to < args.from) throw badInput('to', t`The period must end after it starts.`);
  const filter: AuditLogFilter = { from: args.from.toISOString(), to: args.to.toISOString(), personId: args.personId ?? null, userId: args.userId ?? null };
  return { key: auditLogKey(filter), from: args.from, to: args.to };
}

/** One AuditEvent as the log lists it: one record and person of an event row (legacy rows hold one). */
export interface AuditEventRow extends EventFields {
  seq: number;
  /** the record's place in its row (1 for a legacy row) */
  n: number;
}

export function auditEventView(r: AuditEventRow) {
  return {
    id: r.id,
    at: r.at,
    userId: r.userId,
    userName: r.userName,
    organisation: organisation(r.organisationId) ?? { id: r.organisationId, name: r.organisationId, agency: 'MUNICIPALITY' },
    roles: r.roles,
    action: r.action,
    entity: r.entity,
    entityId: r.entityId,
    personId: r.personId,
    fields: r.fields,
    basis: r.basis,
    ownerOrganisation: r.ownerOrganisationId ? organisation(r.ownerOrganisationId) : null,
  };
}

/** The person of the record x.n of the row e (audit.ts). */
const RECORD_PERSON = sql.raw(recordPersonSql('x.n'));

/**
 * The events of a filter, one per record and person: each event row expanded with its records'
 * ordinality (its id is the row's id and that place, so it is the same on every read), each
 * record with its person, and the legacy rows as they are. seq orders both (the legacy rows come
 * first: the new table's sequence starts after them), then the place in the row.
 */
function expandedEvents(owner: string, from: Date, to: Date, personId: string | null, userId: string | null): SQL {
  // the rows that name the person (the GIN index on person_ids), then their records that concern them
  const person = personId ? sql`and e.person_ids @> array[${personId}]::text[] and ${RECORD_PERSON} = ${personId}` : sql``;
  const user = userId ? sql`and e.user_id = ${userId}` : sql``;
  const legacyPerson = personId ? sql`and l.person_id = ${personId}` : sql``;
  const legacyUser = userId ? sql`and l.user_id = ${userId}` : sql``;
  return sql`select e.seq, x.n::int as n, e.id::text || '.' || x.n as id, e.at, e.user_id, e.user_name, e.organisation_id, e.roles, e.action, e.entity,
      x.entity_id, ${RECORD_PERSON} as person_id, e.fields, e.basis, e.owner_organisation_id
    from audit_event e cross join lateral unnest(e.entity_ids) with ordinality as x(entity_id, n)
    where e.owner_organisation_id = ${owner} and e.at >= ${from.toISOString()}::timestamptz and e.at <= ${to.toISOString()}::timestamptz ${person} ${user}
    union all
    select l.seq, 1, l.id::text, l.at, l.user_id, l.user_name, l.organisation_id, l.roles, l.action, l.entity,
      l.entity_id, l.person_id, l.fields, l.basis, l.owner_organisation_id
    from audit_event_legacy l
    where l.owner_organisation_id = ${owner} and l.at >= ${from.toISOString()}::timestamptz and l.at <= ${to.toISOString()}::timestamptz ${legacyPerson} ${legacyUser}`;
}

const rowOf = (r: Record<string, unknown>): AuditEventRow => ({ seq: Number(r.seq), n: Number(r.n), ...eventFieldsOf(r) });

/** One subgraph's section; the review itself is recorded before anything is shown. */
export async function auditSection(ctx: HubContext, key: string, section: string, args: { first?: number | null; after?: string | null }) {
  requirePermission(ctx.caller, 'audit.read');
  const f = auditLogFilter(key);
  const from = parseDateTime(f.from);
  const to = parseDateTime(f.to);
  if (!from || !to) throw badInput('key', t`This is not an audit log the hub gave out.`);
  const size = { what: t`audit events`, defaultSize: 50, maxSize: 500 } as const;
  // A bad page size or cursor is refused before the review is recorded.
  pageSize(args.first, size.what, size.defaultSize, size.maxSize);
  if (args.after) decodeCursor(args.after, ['int', 'int']);

  await appendAudit(ctx.db, ctx.caller, [
    {
      action: 'AUDIT_REVIEW',
      entity: 'AuditLog',
      personId: f.personId,
      fields: [`section=${section}`, `from=${f.from}`, `to=${f.to}`, ...(f.userId ? [`userId=${f.userId}`] : [])],
      basis: 'log review of own organisation',
    },
  ]);
  const events = expandedEvents(ctx.caller.organisation.id, from, to, f.personId, f.userId);
  const page = await paginate(args, {
    ...size,
    direction: 'desc',
    keys: [
      { column: sql.raw('seq'), kind: 'int', of: (r: AuditEventRow) => r.seq },
      { column: sql.raw('n'), kind: 'int', of: (r: AuditEventRow) => r.n },
    ],
    where: [],
    count: async () => {
      const [row] = await ctx.db.execute<{ n: number }>(sql`select count(*)::int as n from (${events}) ev`);
      return Number(row?.n ?? 0);
    },
    rows: async (where, limit) => {
      const rows = await ctx.db.execute<Record<string, unknown>>(
        sql`select * from (${events}) ev ${where ? sql`where ${where}` : sql``} order by seq desc, n desc limit ${limit}`,
      );
      return [...rows].map(rowOf);
    },
  });
  return { ...page, nodes: page.nodes.map(auditEventView) };
}

/** The resolvers a subgraph adds for its own section of the audit log. */
export function auditLogResolvers(section: 'municipality' | 'psychiatry' | 'probation' | 'clinics') {
  return {
    AuditLog: {
      [section]: (log: { key: string }, args: { first?: number | null; after?: string | null }, ctx: HubContext) => auditSection(ctx, log.key, section, args),
    },
  };
}
