/**
 * The audit trail (HSLF-FS 2016:40 ch. 4 § 9): every read or change of
 * personal data is an event naming who, which person, what, when and on
 * which basis. Each subgraph keeps its own append-only table (a trigger
 * refuses UPDATE, DELETE and TRUNCATE) whose rows are hash-chained: each
 * row's hash covers its content and the previous row's hash, so an altered
 * or removed row breaks the chain at that point and `audit:verify` names it.
 */
import { createHash, randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { bigserial, index, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { instant } from './columns.ts';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import type { Sql } from 'postgres';
import type { Caller } from './caller.ts';

export const auditEvent = pgTable(
  'audit_event',
  {
    seq: bigserial('seq', { mode: 'number' }).primaryKey(),
    id: uuid('id').notNull().unique(),
    at: instant('at').notNull(),
    userId: text('user_id').notNull(),
    userName: text('user_name').notNull(),
    organisationId: text('organisation_id').notNull(),
    roles: text('roles').array().notNull(),
    action: text('action').notNull(),
    entity: text('entity').notNull(),
    entityId: text('entity_id'),
    personId: text('person_id'),
    fields: text('fields').array(),
    basis: text('basis').notNull(),
    /** the organisation whose record was read or changed (its log reviewer sees the event) */
    ownerOrganisationId: text('owner_organisation_id'),
    prevHash: text('prev_hash').notNull(),
    hash: text('hash').notNull(),
  },
  (t) => [
    index('audit_event_at_idx').on(t.at),
    index('audit_event_person_idx').on(t.personId),
    index('audit_event_user_idx').on(t.userId),
    index('audit_event_owner_idx').on(t.ownerOrganisationId, t.at),
  ],
);

export type AuditRow = typeof auditEvent.$inferSelect;

/** What a domain function says about one access. */
export interface AuditEntry {
  /** READ, SEARCH, CREATE, UPDATE, SIGN, END, AUDIT_REVIEW, ... (free text: each capability names its own) */
  action: string;
  entity: string;
  entityId?: string | null;
  personId?: string | null;
  fields?: string[] | null;
  /** why the caller may see or change this: own case, referral, plan participant under consent X, ... */
  basis: string;
  /** the organisation whose record this is; the caller's own when not given */
  owner?: string | null;
}

export const GENESIS_HASH = '0'.repeat(64);
/** One chain per database: writers take this transaction-scoped lock in turn. */
const AUDIT_LOCK_KEY = 7_130_001;

type Content = Omit<AuditRow, 'seq' | 'hash'>;

export function hashOf(row: Content): string {
  const canonical = JSON.stringify([
    row.id,
    row.at.toISOString(),
    row.userId,
    row.userName,
    row.organisationId,
    row.roles,
    row.action,
    row.entity,
    row.entityId,
    row.personId,
    row.fields,
    row.basis,
    // Events written before owners were recorded have none; their hashes do not cover it.
    ...(row.ownerOrganisationId ? [row.ownerOrganisationId] : []),
    row.prevHash,
  ]);
  return createHash('sha256').update(canonical).digest('hex');
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any subgraph's database or transaction: the audit table is the same in each, whatever its schema
type AnyPgDb = PgDatabase<PgQueryResultHKT, any, any>;

/**
 * Appends events inside the caller's transaction (the same transaction as
 * the change they record), chained to the last row.
 */
export async function appendAudit(tx: AnyPgDb, caller: Caller, entries: AuditEntry[], at: Date = new Date()): Promise<void> {
  if (entries.length === 0) return;
  await tx.execute(sql`select pg_advisory_xact_lock(${AUDIT_LOCK_KEY})`);
  const last = await tx
    .select({ hash: auditEvent.hash })
    .from(auditEvent)
    .orderBy(sql`${auditEvent.seq} desc`)
    .limit(1);
  let prevHash = last[0]?.hash ?? GENESIS_HASH;
  const rows = entries.map((e) => {
    const content: Content = {
      id: randomUUID(),
      at,
      userId: caller.userId,
      userName: caller.name,
      organisationId: caller.organisation.id,
      roles: [...caller.roles],
      action: e.action,
      entity: e.entity,
      entityId: e.entityId ?? null,
      personId: e.personId ?? null,
      fields: e.fields ?? null,
      basis: e.basis,
      ownerOrganisationId: e.owner ?? caller.organisation.id,
      prevHash,
    };
    const hash = hashOf(content);
    prevHash = hash;
    return { ...content, hash };
  });
  await tx.insert(auditEvent).values(rows);
}

export type VerifyResult = { ok: true; rows: number } | { ok: false; rows: number; brokenAt: { seq: number; id: string; reason: string } };

/** Walks the chain in order and reports the first row whose link or content does not match. */
export async function verifyAuditChain(pool: Sql): Promise<VerifyResult> {
  let prev = GENESIS_HASH;
  let count = 0;
  const cursor = pool<Array<Record<string, unknown>>>`
    select seq, id, at, user_id, user_name, organisation_id, roles, action, entity, entity_id, person_id, fields, basis, owner_organisation_id, prev_hash, hash
    from audit_event order by seq`.cursor(500);
  for await (const batch of cursor) {
    for (const r of batch) {
      count++;
      const content: Content = {
        id: String(r.id),
        at: r.at as Date,
        userId: String(r.user_id),
        userName: String(r.user_name),
        organisationId: String(r.organisation_id),
        roles: r.roles as string[],
        action: String(r.action),
        entity: String(r.entity),
        entityId: (r.entity_id as string | null) ?? null,
        personId: (r.person_id as string | null) ?? null,
        fields: (r.fields as string[] | null) ?? null,
        basis: String(r.basis),
        ownerOrganisationId: (r.owner_organisation_id as string | null) ?? null,
        prevHash: String(r.prev_hash),
      };
      const seq = Number(r.seq);
      if (content.prevHash !== prev) {
        return {
          ok: false,
          rows: count,
          brokenAt: { seq, id: content.id, reason: 'its link to the previous event does not match (an event before it was removed or altered)' },
        };
      }
      if (hashOf(content) !== r.hash) {
        return { ok: false, rows: count, brokenAt: { seq, id: content.id, reason: 'its content does not match its hash (the event was altered)' } };
      }
      prev = String(r.hash);
    }
  }
  return { ok: true, rows: count };
}

/**
 * Reads of personal data collected during one request, written in one
 * transaction before the response leaves the subgraph. If they cannot be
 * written, the response is replaced by an error: no read goes unlogged.
 */
export class AuditBuffer {
  readonly entries: AuditEntry[] = [];
  private readonly seen = new Set<string>();
  /** Logs a read; the same record read on the same basis twice in one request is one event. */
  read(entry: Omit<AuditEntry, 'action'> & { action?: AuditEntry['action'] }): void {
    const full: AuditEntry = { action: 'READ', ...entry };
    const key = JSON.stringify([full.action, full.entity, full.entityId, full.personId, full.fields, full.basis]);
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.entries.push(full);
  }
}
