/**
 * The audit log as a log reviewer reads it (HSLF-FS 2016:40 ch. 4 § 9:
 * regular sample checks and checks on suspicion, each itself recorded).
 * Every subgraph answers its own section: the events on the reviewer's own
 * organisation's records in that subgraph, newest first, filtered by period
 * and optionally by person or user. The filter travels as the key of the
 * AuditLog entity, so every section answers the same question.
 */
import { eq, gte, lte, type SQL } from 'drizzle-orm';
import { requirePermission } from './access.ts';
import { appendAudit, auditEvent, type AuditRow } from './audit.ts';
import { organisation } from './directory.ts';
import { badInput } from './errors.ts';
import { decodeCursor, paginateTable, pageSize } from './pagination.ts';
import { parseDateTime } from './time.ts';
import type { HubContext } from './subgraph.ts';
import type { Caller } from './caller.ts';

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
  throw badInput('key', 'This is not an audit log the hub gave out.');
}

/** Checks the caller and the period, and returns the AuditLog as its key and filter. */
export function openAuditLog(caller: Caller, args: { from: Date; to: Date; personId?: string | null; userId?: string | null }) {
  requirePermission(caller, 'audit.read');
  if (args.to < args.from) throw badInput('to', 'The period must end after it starts.');
  const filter: AuditLogFilter = { from: args.from.toISOString(), to: args.to.toISOString(), personId: args.personId ?? null, userId: args.userId ?? null };
  return { key: auditLogKey(filter), from: args.from, to: args.to };
}

export function auditEventView(r: AuditRow) {
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

/** One subgraph's section; the review itself is recorded before anything is shown. */
export async function auditSection(ctx: HubContext, key: string, section: string, args: { first?: number | null; after?: string | null }) {
  requirePermission(ctx.caller, 'audit.read');
  const f = auditLogFilter(key);
  const from = parseDateTime(f.from);
  const to = parseDateTime(f.to);
  if (!from || !to) throw badInput('key', 'This is not an audit log the hub gave out.');
  const size = { what: 'audit events', defaultSize: 50, maxSize: 500 } as const;
  // A bad page size or cursor is refused before the review is recorded.
  pageSize(args.first, size.what, size.defaultSize, size.maxSize);
  if (args.after) decodeCursor(args.after, ['int']);
  const filters: SQL[] = [eq(auditEvent.ownerOrganisationId, ctx.caller.organisation.id), gte(auditEvent.at, from), lte(auditEvent.at, to)];
  if (f.personId) filters.push(eq(auditEvent.personId, f.personId));
  if (f.userId) filters.push(eq(auditEvent.userId, f.userId));

  await ctx.db.transaction((tx) =>
    appendAudit(tx, ctx.caller, [
      {
        action: 'AUDIT_REVIEW',
        entity: 'AuditLog',
        personId: f.personId,
        fields: [`section=${section}`, `from=${f.from}`, `to=${f.to}`, ...(f.userId ? [`userId=${f.userId}`] : [])],
        basis: 'log review of own organisation',
      },
    ]),
  );
  const page = await paginateTable(args, ctx.db, auditEvent, {
    ...size,
    direction: 'desc',
    keys: [{ column: auditEvent.seq, kind: 'int', of: (r: AuditRow) => r.seq }],
    where: filters,
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
