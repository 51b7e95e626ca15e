/**
 * Sealing and verifying the audit trail without serialising requests.
 *
 * Requests insert events with no lock and no read (audit.ts). Each event row
 * records the id of the transaction that wrote it (xid). A seal covers the
 * events of the transactions with ids in [xid_from, xid_to), where xid_to is
 * the oldest transaction still running when the seal was made
 * (pg_snapshot_xmin): every transaction below it has ended, so the set of
 * events in the range is final, and the next seal starts where this one
 * ended. The seal's root is an HMAC (HUB_AUDIT_KEY, never in the database)
 * over the previous seal's root, the range and the events' content hashes
 * in seq order (content_mac as `hmac:<hex>`); its mac signs the seal's own fields.
 *
 * Every subgraph process runs a sealer; several replicas are safe: each run
 * is elected by pg_try_advisory_xact_lock on a key only sealers take, so at
 * most one seals at a time and the others skip that run. Requests never take
 * that lock. The sealer also creates the month partitions ahead.
 */
import { createHmac } from 'node:crypto';
import type { Sql } from 'postgres';
import type { Logger } from './logger.ts';
import { contentHash, contentMac, GENESIS_HASH, KEYED_HASH_PREFIX, recordPersons, type AuditContent } from './audit.ts';

// Every ORDER BY names its column through the table's alias: `select seal_no::text ... order by
// seal_no` orders by the text output column of that name ('9' after '10').

/** Taken only by sealers (never by requests): one sealer at a time per database. */
export const SEAL_LOCK_KEY = 7_130_002;
/** Months of partitions kept ready ahead of the current one. */
export const MONTHS_AHEAD = 2;

export interface SealFields {
  sealNo: number;
  xidFrom: string;
  xidTo: string;
  eventCount: number;
  firstSeq: number | null;
  lastSeq: number | null;
}

const hmac = (key: string) => createHmac('sha256', key);

/**
 * `hashes`: each event's content hash as text, in seq order: its content_hash (rows written before
 * content_mac), or its content_mac as `hmac:<hex>`, the form of a keyed content_hash, so that the
 * seals made before content_mac verify unchanged.
 */
export function sealRoot(key: string, prevRoot: string, s: SealFields, hashes: readonly string[]): string {
  const h = hmac(key).update(`audit-seal/1\n${prevRoot}\n${s.sealNo}\n${s.xidFrom}\n${s.xidTo}\n${s.eventCount}\n`);
  for (const x of hashes) h.update(`${x}\n`);
  return h.digest('hex');
}

export function sealMac(key: string, s: SealFields & { at: Date; root: string }): string {
  return hmac(key)
    .update(JSON.stringify(['audit-seal-mac/1', s.sealNo, s.at.toISOString(), s.xidFrom, s.xidTo, s.eventCount, s.firstSeq, s.lastSeq, s.root]))
    .digest('hex');
}

/** The first day (UTC) of the month `offset` months from `at`'s, as YYYY-MM-DD. */
function monthStart(at: Date, offset: number): string {
  const d = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth() + offset, 1));
  return d.toISOString().slice(0, 10);
}

/**
 * Creates the month partitions of audit_event from the current month to MONTHS_AHEAD ahead
 * (idempotent), each refusing TRUNCATE like the table. A month whose events already went to the
 * DEFAULT partition cannot get its own; it is logged and left there.
 */
export async function ensurePartitions(pool: Sql, log?: Logger, now: Date = new Date(), monthsAhead: number = MONTHS_AHEAD): Promise<string[]> {
  const created: string[] = [];
  for (let i = 0; i <= monthsAhead; i++) {
    const from = monthStart(now, i);
    const name = `audit_event_${from.slice(0, 4)}_${from.slice(5, 7)}`;
    const [exists] = await pool`select to_regclass(${name}) is not null as present`;
    if (exists?.present) continue;
    try {
      await pool.begin(async (sql) => {
        await sql.unsafe(
          `create table if not exists ${name} partition of audit_event for values from ('${from} 00:00:00+00') to ('${monthStart(now, i + 1)} 00:00:00+00')`,
        );
        await sql.unsafe(
          `create trigger audit_event_no_truncate before truncate on ${name} for each statement execute function hub_append_only('audit_event')`,
        );
      });
      created.push(name);
    } catch (err) {
      // A runtime role may not create tables (42501): the migrations, run as the owner, made them ahead.
      if ((err as { code?: string }).code === '42501') log?.debug({ partition: name }, 'audit partition left to the migrations (no CREATE privilege)');
      else log?.warn({ err, partition: name }, 'audit partition not created; its events stay in the default partition');
    }
  }
  return created;
}

export type SealResult = { sealed: 'skipped' } | { sealed: number; sealNo: number | null };

/** One sealing run: seals the events of every transaction that has ended since the last seal (none: no seal). */
export async function sealAudit(pool: Sql, key: string, now: Date = new Date()): Promise<SealResult> {
  return pool.begin(async (sql) => {
    const [elected] = await sql`select pg_try_advisory_xact_lock(${SEAL_LOCK_KEY}) as ok`;
    if (!elected?.ok) return { sealed: 'skipped' } as const;
    const [last] = await sql<Array<{ seal_no: string; xid_to: string; root: string }>>`
      select s.seal_no::text, s.xid_to::text, s.root from audit_seal s order by s.seal_no desc limit 1`;
    const [snap] = await sql<Array<{ xmin: string }>>`select pg_snapshot_xmin(pg_current_snapshot())::text as xmin`;
    const xidFrom = last?.xid_to ?? '0';
    const xidTo = snap!.xmin;
    const events = await sql<Array<{ seq: string; content_hash: string }>>`
      select e.seq::text, coalesce(e.content_hash, 'hmac:' || encode(e.content_mac, 'hex')) as content_hash from audit_event e where e.xid >= ${xidFrom}::xid8 and e.xid < ${xidTo}::xid8 order by e.seq`;
    if (events.length === 0) return { sealed: 0, sealNo: null };
    const fields: SealFields = {
      sealNo: (last ? Number(last.seal_no) : 0) + 1,
      xidFrom,
      xidTo,
      eventCount: events.length,
      firstSeq: Number(events[0]!.seq),
      lastSeq: Number(events.at(-1)!.seq),
    };
    const root = sealRoot(
      key,
      last?.root ?? GENESIS_HASH,
      fields,
      events.map((e) => e.content_hash),
    );
    const mac = sealMac(key, { ...fields, at: now, root });
    await sql`insert into audit_seal (seal_no, at, xid_from, xid_to, event_count, first_seq, last_seq, root, mac)
      values (${fields.sealNo}, ${now.toISOString()}::timestamptz, ${xidFrom}::xid8, ${xidTo}::xid8, ${fields.eventCount}, ${fields.firstSeq}, ${fields.lastSeq}, ${root}, ${mac})`;
    return { sealed: events.length, sealNo: fields.sealNo };
  });
}

export interface AuditSealer {
  /** one run now (the tests, and the last run at shutdown) */
  sealNow: () => Promise<SealResult>;
  stop: () => Promise<void>;
}

/** Seals every `intervalMs` and keeps partitions ready (at start and every hour); a failed run is logged and retried at the next. */
export function startAuditSealer(pool: Sql, key: string, intervalMs: number, log: Logger): AuditSealer {
  let running: Promise<unknown> = Promise.resolve();
  let stopped = false;
  let partitionsAt = 0;
  const run = (): Promise<SealResult> => {
    const next = running.then(async () => {
      if (Date.now() - partitionsAt > 3_600_000) {
        partitionsAt = Date.now();
        await ensurePartitions(pool, log);
      }
      return sealAudit(pool, key);
    });
    running = next.catch((err: unknown) => log.error({ err }, 'audit sealing failed; retried at the next run'));
    return next;
  };
  const timer = setInterval(() => {
    if (!stopped) void run().catch(() => {});
  }, intervalMs);
  timer.unref();
  void run().catch(() => {});
  return {
    sealNow: run,
    stop: async () => {
      stopped = true;
      clearInterval(timer);
      await running;
      await run().catch(() => {});
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Verification

export interface VerifyOptions {
  /** HUB_AUDIT_KEY: needed once there are seals */
  key?: string;
  /** an unsealed event older than this is reported (it was added after the last seal, or the seals after it were removed) */
  graceMs?: number;
  /** the head (seal_no and root) known outside this database: a database whose head is behind or different is reported */
  expectHead?: { sealNo: number; root: string } | null;
  /**
   * start at this seal, trusting its stored root and range as the anchor (its mac is checked): the
   * seals before it, and which events they covered, are not (their events' months were dropped under retention)
   */
  fromSeal?: number;
  now?: Date;
}

export type VerifyResult =
  | { ok: true; rows: number; events: number; seals: number; unsealed: number; head: { sealNo: number; root: string } | null }
  | { ok: false; rows: number; events: number; seals: number; problem: string };

interface EventRow {
  seq: string;
  xid: string;
  /** rows written before content_mac */
  content_hash: string | null;
  /** hex */
  content_mac: string | null;
  id: string;
  at: string;
  user_id: string;
  user_name: string;
  organisation_id: string;
  roles: string[];
  action: string;
  entity: string;
  entity_ids: Array<string | null>;
  person_ids: Array<string | null>;
  person_of: number[] | null;
  fields: string[] | null;
  basis: string;
  owner_organisation_id: string;
}

function contentOf(r: EventRow): AuditContent {
  return {
    id: r.id,
    at: new Date(r.at),
    userId: r.user_id,
    userName: r.user_name,
    organisationId: r.organisation_id,
    roles: r.roles,
    action: r.action,
    entity: r.entity,
    entityIds: r.entity_ids,
    personIds: r.person_ids,
    personOf: r.person_of,
    fields: r.fields,
    basis: r.basis,
    ownerOrganisationId: r.owner_organisation_id,
  };
}

/**
 * Recomputes every event's content hash and every seal's root and mac, in order, and reports the
 * first problem, naming the event or seal: an altered event, a removed or added one in a sealed
 * range, a forged or altered seal, a missing seal, old events no seal covers, a head behind the
 * one known outside.
 */
export async function verifyAuditSeals(pool: Sql, options: VerifyOptions): Promise<VerifyResult> {
  const graceMs = options.graceMs ?? 5 * 60_000;
  const now = options.now ?? new Date();
  const from = options.fromSeal ?? 0;
  /** rows, and the events they hold (one per record and person: what the audit log lists) */
  let rows = 0;
  let events = 0;
  const fail = (seals: number, problem: string): VerifyResult => ({ ok: false, rows, events, seals, problem });
  const eventName = (r: EventRow) => `audit event seq ${r.seq} (id ${r.id})`;

  // Every event's own content hash first: an altered event is named as such.
  // as JSON: the driver's array parser reads a NULL element as the string 'NULL', and a client
  // that drizzle wrapped reads times as strings
  const all = pool<
    EventRow[]
  >`select seq::text, xid::text, content_hash, encode(content_mac, 'hex') as content_mac, id, to_json(at) #>> '{}' as at, user_id, user_name, organisation_id,
      roles, action, entity, array_to_json(entity_ids) as entity_ids, array_to_json(person_ids) as person_ids, array_to_json(person_of) as person_of, fields, basis,
      owner_organisation_id from audit_event e order by e.seq`.cursor(1000);
  // Events are keyed (an HMAC under the audit key, made by the process that wrote them); plain
  // SHA-256 hashes are those of events written before, accepted only from transactions before the
  // first keyed event's: one inserted later by anyone without the key is named, whatever its date.
  let firstKeyedXid: bigint | null = null;
  let lastUnkeyed: { xid: bigint; name: string } | null = null;
  for await (const batch of all) {
    for (const r of batch) {
      rows++;
      events += r.entity_ids.length;
      // a row has its content mac (keyed), or, written before, its content hash (keyed or plain); never both
      if ((r.content_mac === null) === (r.content_hash === null))
        return fail(
          0,
          `${eventName(r)}: it has ${r.content_mac === null ? 'no' : 'both a'} content mac and ${r.content_mac === null ? 'no ' : ''}content hash (the event was altered)`,
        );
      const keyed = r.content_mac !== null || r.content_hash!.startsWith(KEYED_HASH_PREFIX);
      if (keyed && !options.key) return fail(0, `${eventName(r)}: its content hash is keyed, and no audit key (HUB_AUDIT_KEY) was given to check it`);
      const matches =
        r.content_mac !== null
          ? contentMac(contentOf(r), options.key!).toString('hex') === r.content_mac
          : contentHash(contentOf(r), keyed ? options.key : undefined) === r.content_hash;
      if (!matches && keyed)
        return fail(0, `${eventName(r)}: its content does not match its keyed content hash (the event was altered, or written without the audit key)`);
      if (!matches) return fail(0, `${eventName(r)}: its content does not match its content hash (the event was altered)`);
      if (recordPersons(contentOf(r)) === null) return fail(0, `${eventName(r)}: its records and persons do not fit together (the event was altered)`);
      const xid = BigInt(r.xid);
      if (keyed && (firstKeyedXid === null || xid < firstKeyedXid)) firstKeyedXid = xid;
      if (!keyed && (lastUnkeyed === null || xid > lastUnkeyed.xid)) lastUnkeyed = { xid, name: eventName(r) };
    }
  }
  if (firstKeyedXid !== null && lastUnkeyed !== null && lastUnkeyed.xid > firstKeyedXid)
    return fail(0, `${lastUnkeyed.name}: its content hash is not keyed, but it was written after keyed events (an event written without the audit key)`);

  // The seals in order, each with the events of its range (one streamed query: a range join on the xid index).
  const rowsOfSeals = pool<
    Array<{
      seal_no: string;
      at: string;
      xid_from: string;
      xid_to: string;
      event_count: number;
      first_seq: string | null;
      last_seq: string | null;
      root: string;
      mac: string;
      content_hash: string | null;
    }>
  >`select s.seal_no::text, to_json(s.at) #>> '{}' as at, s.xid_from::text, s.xid_to::text, s.event_count, s.first_seq::text, s.last_seq::text, s.root, s.mac,
      e.content_hash
    from audit_seal s left join lateral (
      select e.seq, coalesce(e.content_hash, 'hmac:' || encode(e.content_mac, 'hex')) as content_hash from audit_event e where e.xid >= s.xid_from and e.xid < s.xid_to
    ) e on true
    where s.seal_no > ${from}
    order by s.seal_no, e.seq`.cursor(1000);
  let prevRoot = GENESIS_HASH;
  let prevTo = '0';
  let n = 0;
  const key = options.key ?? '';
  if (from > 0) {
    const [anchor] = await pool<
      Array<{ at: string; xid_from: string; xid_to: string; event_count: number; first_seq: string | null; last_seq: string | null; root: string; mac: string }>
    >`
      select to_json(at) #>> '{}' as at, xid_from::text, xid_to::text, event_count, first_seq::text, last_seq::text, root, mac from audit_seal where seal_no = ${from}`;
    if (!anchor) return fail(0, `seal ${from}, the anchor to start from, is not here`);
    if (!key) return fail(0, 'the audit key (HUB_AUDIT_KEY) is needed to check the seals');
    const fields: SealFields = {
      sealNo: from,
      xidFrom: anchor.xid_from,
      xidTo: anchor.xid_to,
      eventCount: anchor.event_count,
      firstSeq: anchor.first_seq === null ? null : Number(anchor.first_seq),
      lastSeq: anchor.last_seq === null ? null : Number(anchor.last_seq),
    };
    if (sealMac(key, { ...fields, at: new Date(anchor.at), root: anchor.root }) !== anchor.mac)
      return fail(0, `seal ${from}: its mac was not made with the audit key (a forged or altered seal)`);
    prevRoot = anchor.root;
    prevTo = anchor.xid_to;
    n = from;
  }
  type Pending = { fields: SealFields; at: string; root: string; mac: string; hashes: string[] };
  const check = (p: Pending): string | null => {
    const { fields } = p;
    if (fields.sealNo !== n + 1) return `seal ${n + 1} is missing (the next is seal ${fields.sealNo}): seals were removed`;
    if (!key) return 'the audit key (HUB_AUDIT_KEY) is needed to check the seals';
    if (sealMac(key, { ...fields, at: new Date(p.at), root: p.root }) !== p.mac)
      return `seal ${fields.sealNo}: its mac was not made with the audit key (a forged or altered seal)`;
    if (fields.xidFrom !== prevTo) return `seal ${fields.sealNo}: it does not start where seal ${n} ended (seals were removed or forged)`;
    if (p.hashes.length !== fields.eventCount) {
      const what = p.hashes.length < fields.eventCount ? 'an event was removed' : 'an event was added';
      return `seal ${fields.sealNo}: it sealed ${fields.eventCount} audit events, ${p.hashes.length} are there (${what})`;
    }
    if (sealRoot(key, prevRoot, fields, p.hashes) !== p.root)
      return `seal ${fields.sealNo}: the audit events it covers do not match its root (an event was altered, removed or added)`;
    prevRoot = p.root;
    prevTo = fields.xidTo;
    n++;
    return null;
  };
  let pending = null as Pending | null;
  for await (const batch of rowsOfSeals) {
    for (const r of batch) {
      const sealNo = Number(r.seal_no);
      if (pending?.fields.sealNo !== sealNo) {
        if (pending) {
          const problem = check(pending);
          if (problem) return fail(n, problem);
        }
        pending = {
          fields: {
            sealNo,
            xidFrom: r.xid_from,
            xidTo: r.xid_to,
            eventCount: r.event_count,
            firstSeq: r.first_seq === null ? null : Number(r.first_seq),
            lastSeq: r.last_seq === null ? null : Number(r.last_seq),
          },
          at: r.at,
          root: r.root,
          mac: r.mac,
          hashes: [],
        };
      }
      if (r.content_hash !== null) pending.hashes.push(r.content_hash);
    }
  }
  if (pending !== null) {
    const problem = check(pending);
    if (problem) return fail(n, problem);
  }
  const head = n > 0 ? { sealNo: n, root: prevRoot } : null;
  if (options.expectHead) {
    const e = options.expectHead;
    if (!head || head.sealNo < e.sealNo)
      return fail(n, `the last seal is ${head ? `seal ${head.sealNo}` : 'none'}, but seal ${e.sealNo} was known: seals were removed`);
    const [known] = await pool<Array<{ root: string }>>`select root from audit_seal where seal_no = ${e.sealNo}`;
    if (known?.root !== e.root) return fail(n, `seal ${e.sealNo}: its root is not the one known (the seals were replaced)`);
  }
  // Events after the last seal: the sealer has not reached them yet, unless they are old.
  const [stale] = await pool<Array<{ seq: string; id: string; at: string; n: number }>>`
    select e.seq::text, e.id, to_json(e.at) #>> '{}' as at, count(*) over ()::int as n from audit_event e where e.xid >= ${prevTo}::xid8 order by e.at limit 1`;
  if (stale && now.getTime() - new Date(stale.at).getTime() > graceMs) {
    return fail(
      n,
      `audit event seq ${stale.seq} (id ${stale.id}): no seal covers it, and it is older than ${Math.round(graceMs / 1000)} s (added after the last seal, or the seals after it were removed)`,
    );
  }
  return { ok: true, rows, events, seals: n, unsealed: stale?.n ?? 0, head };
}
