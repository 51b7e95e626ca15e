/**
 * The audit trail (HSLF-FS 2016:40 ch. 4 § 9): every read or change of
 * personal data is an event naming who, which person, what, when and on
 * which basis. Each subgraph keeps its own append-only tables (a trigger
 * refuses UPDATE, DELETE and TRUNCATE).
 *
 * Writing takes no lock and reads nothing: a request inserts its events
 * (one row per action, entity, basis, fields and owner, with its records as
 * an array, and the persons they concern each once: person_ids, with
 * person_of mapping records to persons when that is not implied), each row
 * carrying the HMAC of its own content (32 bytes, content_mac) and the id
 * of the transaction that wrote it.
 * A sealer in each subgraph process (audit-seal.ts) later chains them: every
 * second it writes a seal over the events of the transactions that have
 * ended since the previous seal, HMAC'd with HUB_AUDIT_KEY (which is not in
 * the database), so an altered, removed or forged event or seal shows when
 * `audit:verify` recomputes them.
 *
 * The table is partitioned by month on `at`; events written before this
 * design are kept, with their own hash chain, in audit_event_legacy.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { createHash, createHmac, randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { bigint, bigserial, customType, index, integer, pgTable, primaryKey, smallint, text, uuid } from 'drizzle-orm/pg-core';
import { instant } from './columns.ts';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import type { Sql } from 'postgres';
import type { Caller } from './caller.ts';
import { runPrepared } from './prepared-sql.ts';

/** A PostgreSQL transaction id (xid8), read and written as its decimal string. */
const xid8 = customType<{ data: string; driverData: string }>({ dataType: () => 'xid8' });
const bytea = customType<{ data: Buffer; driverData: Buffer }>({ dataType: () => 'bytea' });

export const auditEvent = pgTable(
  'audit_event',
  {
    seq: bigserial('seq', { mode: 'number' }).notNull(),
    id: uuid('id').notNull(),
    at: instant('at').notNull(),
    /** the transaction that wrote the event: the sealer seals the events of ended transactions */
    xid: xid8('xid')
      .notNull()
      .default(sql`pg_current_xact_id()`),
    userId: text('user_id').notNull(),
    userName: text('user_name').notNull(),
    organisationId: text('organisation_id').notNull(),
    roles: text('roles').array().notNull(),
    action: text('action').notNull(),
    entity: text('entity').notNull(),
    /** the records of this event (an element may be null) */
    entityIds: text('entity_ids').array().notNull().$type<Array<string | null>>(),
    /**
     * the persons the records concern, each once, in the order of their first record (rows written
     * before person_of: the person of each record, same order and length; an element may be null)
     */
    personIds: text('person_ids').array().notNull().$type<Array<string | null>>(),
    /**
     * the person of each record, as its place in person_ids (1-based; 0: none); null when implied:
     * record n concerns person n when there are as many persons as records, else person 1 (or none)
     */
    personOf: smallint('person_of').array().$type<number[]>(),
    fields: text('fields').array(),
    basis: text('basis').notNull(),
    /** the organisation whose records were read or changed (its log reviewer sees the event) */
    ownerOrganisationId: text('owner_organisation_id').notNull(),
    /** HMAC-SHA256 under HUB_AUDIT_KEY of the row's canonical content (contentMac below); null on rows written before, which have content_hash */
    contentMac: bytea('content_mac'),
    /** rows written before content_mac: `hmac:<hex>` (contentHash below), or a plain SHA-256 for events written before events were keyed */
    contentHash: text('content_hash'),
  },
  (t) => [
    primaryKey({ columns: [t.seq, t.at] }),
    index('audit_event_owner_at_idx').on(t.ownerOrganisationId, t.at),
    // fastupdate off: each insert goes into the index itself, never into a pending list that a later request would flush
    index('audit_event_person_ids_idx').using('gin', t.personIds).with({ fastupdate: false }),
    index('audit_event_user_at_idx').on(t.userId, t.at),
    index('audit_event_xid_idx').on(t.xid),
  ],
);

/** A seal: the events of the transactions with ids in [xid_from, xid_to), in seq order, chained to the seal before. */
export const auditSeal = pgTable('audit_seal', {
  sealNo: bigint('seal_no', { mode: 'number' }).primaryKey(),
  at: instant('at').notNull(),
  xidFrom: xid8('xid_from').notNull(),
  xidTo: xid8('xid_to').notNull(),
  eventCount: integer('event_count').notNull(),
  firstSeq: bigint('first_seq', { mode: 'number' }),
  lastSeq: bigint('last_seq', { mode: 'number' }),
  /** HMAC-SHA256(HUB_AUDIT_KEY, previous root, the range, the events' content hashes in seq order) */
  root: text('root').notNull(),
  /** HMAC-SHA256(HUB_AUDIT_KEY, the seal's own fields and root): a seal made without the key shows */
  mac: text('mac').notNull(),
});

/** The events written before seals (one row per record, a hash chain of its own), kept as they were. */
export const auditEventLegacy = pgTable(
  'audit_event_legacy',
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
    ownerOrganisationId: text('owner_organisation_id'),
    prevHash: text('prev_hash').notNull(),
    hash: text('hash').notNull(),
  },
  (t) => [
    index('audit_event_legacy_at_idx').on(t.at),
    index('audit_event_legacy_person_idx').on(t.personId),
    index('audit_event_legacy_user_idx').on(t.userId),
    index('audit_event_legacy_owner_idx').on(t.ownerOrganisationId, t.at),
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

/** What an event row's content mac (or hash) covers: everything but seq, xid and the mac or hash itself. */
export type AuditContent = Omit<AuditRow, 'seq' | 'xid' | 'contentHash' | 'contentMac'>;

/**
 * The audit key of the work in progress: the subgraph runs every request in it (subgraph.ts), and
 * whatever writes events outside a request (demo data) runs them in withAuditKey too. An event's
 * content hash is keyed with it, so an event inserted into audit_event by anyone without the key
 * (the runtime role's credentials, a database administrator) is found by audit:verify, even one
 * dated now that the sealer then seals.
 */
const auditKeys = new AsyncLocalStorage<string>();
export const withAuditKey = <T>(key: string, fn: () => T): T => auditKeys.run(key, fn);

/** The prefix of a keyed content hash; a hash without it is a plain SHA-256 of an event written before events were keyed. */
export const KEYED_HASH_PREFIX = 'hmac:';

/**
 * The content mac of an event (content_mac): HMAC-SHA256 under the audit key of its canonical
 * content, person_of included.
 */
export function contentMac(row: AuditContent, key: string): Buffer {
  const canonical = JSON.stringify([
    'audit-event/3',
    row.id,
    row.at.toISOString(),
    row.userId,
    row.userName,
    row.organisationId,
    row.roles,
    row.action,
    row.entity,
    row.entityIds,
    row.personIds,
    row.personOf,
    row.fields,
    row.basis,
    row.ownerOrganisationId,
  ]);
  return createHmac('sha256', key).update(canonical).digest();
}

/**
 * The person of record `n` (1-based) of the event row `e`, as SQL: person_of's place in person_ids,
 * or the place implied (n when there are as many persons as records, as on rows written before
 * person_of; else the first, or none).
 */
export const recordPersonSql = (n: string) =>
  `e.person_ids[case when e.person_of is not null then e.person_of[${n}] when cardinality(e.person_ids) = cardinality(e.entity_ids) then ${n} else 1 end]`;

/** The person of each record of a row, as recordPersonSql reads it; null when the row's arrays do not fit together (an altered row). */
export function recordPersons(row: Pick<AuditContent, 'entityIds' | 'personIds' | 'personOf'>): Array<string | null> | null {
  const { entityIds, personIds, personOf } = row;
  if (personOf === null) {
    if (personIds.length === entityIds.length) return [...personIds];
    if (personIds.length > 1) return null;
    return entityIds.map(() => personIds[0] ?? null);
  }
  if (personOf.length !== entityIds.length || personOf.some((p) => !Number.isInteger(p) || p < 0 || p > personIds.length)) return null;
  return personOf.map((p) => (p === 0 ? null : (personIds[p - 1] ?? null)));
}

/** The content hash of a row written before content_mac: keyed (`hmac:<hex>`) with the audit key, or (without a key) the plain SHA-256 of events written before. */
export function contentHash(row: AuditContent, key?: string): string {
  const canonical = JSON.stringify([
    'audit-event/2',
    row.id,
    row.at.toISOString(),
    row.userId,
    row.userName,
    row.organisationId,
    row.roles,
    row.action,
    row.entity,
    row.entityIds,
    row.personIds,
    row.fields,
    row.basis,
    row.ownerOrganisationId,
  ]);
  return key === undefined
    ? createHash('sha256').update(canonical).digest('hex')
    : `${KEYED_HASH_PREFIX}${createHmac('sha256', key).update(canonical).digest('hex')}`;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any subgraph's database or transaction: the audit table is the same in each, whatever its schema
type AnyPgDb = PgDatabase<PgQueryResultHKT, any, any>;

/** The most persons one row names (a place in person_of is a smallint). */
export const MAX_PERSONS_PER_ROW = 32_767;

/**
 * The rows of a set of entries: one per action, entity, basis, fields and owner, records in entry
 * order, each person once (in the order of their first record), and person_of only when the
 * mapping of records to persons is not the implied one (recordPersonSql).
 */
export function auditRows(caller: Caller, entries: readonly AuditEntry[], at: Date, key: string): Array<AuditContent & { contentMac: Buffer }> {
  /** the row each group is filling, with the place of each of its persons */
  const groups = new Map<string, { row: AuditContent; places: Map<string, number> }>();
  const rows: AuditContent[] = [];
  for (const e of entries) {
    const owner = e.owner ?? caller.organisation.id;
    const fields = e.fields ?? null;
    const key = JSON.stringify([e.action, e.entity, e.basis, fields, owner]);
    const person = e.personId ?? null;
    let group = groups.get(key);
    // a place in person_of is a smallint: a group of more persons goes on in a row of its own
    if (!group || (person !== null && !group.places.has(person) && group.row.personIds.length === MAX_PERSONS_PER_ROW)) {
      group = {
        row: {
          id: randomUUID(),
          at,
          userId: caller.userId,
          userName: caller.name,
          organisationId: caller.organisation.id,
          roles: [...caller.roles],
          action: e.action,
          entity: e.entity,
          entityIds: [],
          personIds: [],
          personOf: [],
          fields,
          basis: e.basis,
          ownerOrganisationId: owner,
        },
        places: new Map(),
      };
      groups.set(key, group);
      rows.push(group.row);
    }
    const { row, places } = group;
    row.entityIds.push(e.entityId ?? null);
    let place = person === null ? 0 : (places.get(person) ?? 0);
    if (person !== null && place === 0) {
      place = row.personIds.push(person);
      places.set(person, place);
    }
    row.personOf!.push(place);
  }
  return rows.map((row) => {
    const personOf = row.personOf!;
    const persons = row.personIds.length;
    const implied = personOf.every((p, i) => p === (persons === personOf.length ? i + 1 : persons === 0 ? 0 : 1));
    const content: AuditContent = { ...row, personOf: implied ? null : personOf };
    return { ...content, contentMac: contentMac(content, key) };
  });
}

/**
 * The insert of appendAudit: the rows as one jsonb array, whatever their number, so that the text
 * is one prepared statement (prepared-sql.ts). seq and xid take their defaults, as in drizzle's insert.
 */
const INSERT_EVENTS = sql.raw(`insert into audit_event
  (id, at, user_id, user_name, organisation_id, roles, action, entity, entity_ids, person_ids, person_of, fields, basis, owner_organisation_id, content_mac)
  select id, at, user_id, user_name, organisation_id, roles, action, entity, entity_ids, person_ids, person_of, fields, basis, owner_organisation_id, decode(content_mac, 'hex')
  from jsonb_to_recordset(`);
const INSERT_EVENTS_END = sql.raw(`::jsonb) as r(id uuid, at timestamptz, user_id text, user_name text, organisation_id text, roles text[], action text,
  entity text, entity_ids text[], person_ids text[], person_of smallint[], fields text[], basis text, owner_organisation_id text, content_mac text)`);

/**
 * Appends events in one INSERT (inside the caller's transaction when given one: the same
 * transaction as the change they record). No lock, nothing read first.
 */
export async function appendAudit(tx: AnyPgDb, caller: Caller, entries: AuditEntry[], at: Date = new Date()): Promise<void> {
  if (entries.length === 0) return;
  const key = auditKeys.getStore();
  // a programming error, never the caller's: every path that writes events runs in withAuditKey
  if (key === undefined) throw new Error('audit events are written only with the audit key (withAuditKey)');
  const rows = auditRows(caller, entries, at, key).map((r) => ({
    id: r.id,
    at: r.at.toISOString(),
    user_id: r.userId,
    user_name: r.userName,
    organisation_id: r.organisationId,
    roles: r.roles,
    action: r.action,
    entity: r.entity,
    entity_ids: r.entityIds,
    person_ids: r.personIds,
    person_of: r.personOf,
    fields: r.fields,
    basis: r.basis,
    owner_organisation_id: r.ownerOrganisationId,
    content_mac: r.contentMac.toString('hex'),
  }));
  await runPrepared(tx, sql`${INSERT_EVENTS}${JSON.stringify(rows)}${INSERT_EVENTS_END}`);
}

/** The hash of a legacy event (audit_event_legacy): its content and the previous event's hash. */
type LegacyContent = Omit<typeof auditEventLegacy.$inferSelect, 'seq' | 'hash'>;

export function legacyHashOf(row: LegacyContent): string {
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

/** One event per record as a row of SQL gives it (snake case): a legacy row, or a row unnested by record (audit-log.ts). */
export type EventFields = Omit<LegacyContent, 'prevHash'>;

export function eventFieldsOf(r: Record<string, unknown>): EventFields {
  return {
    id: String(r.id),
    at: new Date(r.at as string | Date),
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
  };
}

export type LegacyVerifyResult = { ok: true; rows: number } | { ok: false; rows: number; brokenAt: { seq: number; id: string; reason: string } };

/** Walks the legacy chain in order and reports the first row whose link or content does not match. */
export async function verifyLegacyChain(pool: Sql): Promise<LegacyVerifyResult> {
  let prev = GENESIS_HASH;
  let count = 0;
  const cursor = pool<Array<Record<string, unknown>>>`
    select seq, id, at, user_id, user_name, organisation_id, roles, action, entity, entity_id, person_id, fields, basis, owner_organisation_id, prev_hash, hash
    from audit_event_legacy order by seq`.cursor(500);
  for await (const batch of cursor) {
    for (const r of batch) {
      count++;
      const content: LegacyContent = { ...eventFieldsOf(r), prevHash: String(r.prev_hash) };
      const seq = Number(r.seq);
      if (content.prevHash !== prev) {
        return {
          ok: false,
          rows: count,
          brokenAt: { seq, id: content.id, reason: 'its link to the previous event does not match (an event before it was removed or altered)' },
        };
      }
      if (legacyHashOf(content) !== r.hash) {
        return { ok: false, rows: count, brokenAt: { seq, id: content.id, reason: 'its content does not match its hash (the event was altered)' } };
      }
      prev = String(r.hash);
    }
  }
  return { ok: true, rows: count };
}

/**
 * Reads of personal data collected during one request, written in one
 * statement before the response leaves the subgraph. If they cannot be
 * written, the response is replaced by an error: no read goes unlogged.
 */
export class AuditBuffer {
  readonly entries: AuditEntry[] = [];
  private readonly seen = new Set<string>();
  /** Logs a read; the same record read on the same basis twice in one request is one event. */
  read(entry: Omit<AuditEntry, 'action'> & { action?: AuditEntry['action'] }): void {
    const full: AuditEntry = { action: 'READ', ...entry };
    const key = JSON.stringify([full.action, full.entity, full.entityId, full.personId, full.fields, full.basis, full.owner ?? null]);
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.entries.push(full);
  }
}
