/**
 * The audit trail: reads of personal data are logged compactly (one row per
 * action, with the records and persons as arrays) with no lock, each row
 * carries its content hash, the tables refuse changes, a sealer chains the
 * rows with HMAC'd seals, and `npm run audit:verify` finds and names an
 * altered, removed or forged event or seal.
 */
import { randomBytes } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import postgres from 'postgres';
import { drizzle } from 'drizzle-orm/postgres-js';
import {
  appendAudit,
  auditRows,
  contentHash,
  contentMac,
  legacyHashOf,
  recordPersons,
  GENESIS_HASH,
  MAX_PERSONS_PER_ROW,
  withAuditKey,
} from '../../services/shared/src/audit.ts';
import { sealAudit, sealMac, sealRoot } from '../../services/shared/src/audit-seal.ts';
import { ensureDatabase, dropDatabase, migrateDatabase, withDatabase } from '../../services/shared/src/db.ts';
import { organisation } from '../../services/shared/src/directory.ts';
import { municipality } from '../../services/municipality/src/server.ts';
import { gql, hub, type As } from '../helpers/hub.ts';
import { personnummer } from '../helpers/people.ts';
import { runScript } from '../helpers/processes.ts';
import { caseworker1980, coordinator19, referralInput, SUBMIT } from '../helpers/withdrawal.ts';

/** An event row as read by `select ${EVENT}`, as contentMac and contentHash take it. */
const EVENT = `seq::int as seq, id, xid::text as xid, to_json(at) #>> '{}' as at, user_id, user_name, organisation_id, roles, action, entity,
  array_to_json(entity_ids) as entity_ids, array_to_json(person_ids) as person_ids, array_to_json(person_of) as person_of, fields, basis,
  owner_organisation_id, content_hash, encode(content_mac, 'hex') as content_mac`;
const rowContent = (r: Record<string, any>) => ({
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
});
const macOf = (r: Record<string, any>, key: string) => contentMac(rowContent(r), key).toString('hex');

describe('the persons of an event row', () => {
  const caller = { userId: 'u1', name: 'Test Person', organisation: organisation('municipality:1980')!, roles: ['CASEWORKER' as const] };
  const rowOf = (persons: Array<string | null>) =>
    auditRows(
      caller,
      persons.map((personId, i) => ({ action: 'READ', entity: 'Plan', entityId: `r${i + 1}`, personId, basis: 'own case' })),
      new Date('2026-12-01T10:00:00Z'),
      'k',
    );

  it.each([
    ['one person for every record: named once, person_of implied', ['pA', 'pA', 'pA'], ['pA'], null],
    ['a person of its own for every record: in record order, implied', ['pA', 'pB', 'pC'], ['pA', 'pB', 'pC'], null],
    ['no person at all', [null, null], [], null],
    ['one record', ['pA'], ['pA'], null],
    ['persons repeated and mixed with none', ['pA', 'pB', null, 'pA'], ['pA', 'pB'], [1, 2, 0, 1]],
    ['a record without a person before one with', [null, 'pA'], ['pA'], [0, 1]],
    ['as many persons as records but not in their order', ['pA', 'pB', 'pA', 'pC'], ['pA', 'pB', 'pC'], [1, 2, 1, 3]],
  ] as const)('%s', (_what, persons, personIds, personOf) => {
    const rows = rowOf([...persons]);
    expect(rows).toHaveLength(1);
    expect([rows[0]!.entityIds, rows[0]!.personIds, rows[0]!.personOf]).toEqual([persons.map((_, i) => `r${i + 1}`), personIds, personOf]);
    // read back record by record as the audit log reads it
    expect(recordPersons(rows[0]!)).toEqual(persons);
    expect(rows[0]!.contentMac).toEqual(contentMac(rows[0]!, 'k'));
    expect(rows[0]!.contentMac).toHaveLength(32);
  });

  it('goes on in a row of its own past the persons one row can name (a place in person_of is a smallint)', () => {
    const persons = [...Array.from({ length: MAX_PERSONS_PER_ROW + 1 }, (_, i) => `p${i}`), 'p0', null];
    const rows = rowOf(persons);
    expect(rows.map((r) => [r.entityIds.length, r.personIds.length, r.personOf])).toEqual([
      [MAX_PERSONS_PER_ROW, MAX_PERSONS_PER_ROW, null],
      [3, 2, [1, 2, 0]],
    ]);
    expect(rows.flatMap((r) => recordPersons(r)!)).toEqual(persons);
  });

  it('takes a row written before person_of (a person per record) as it is, and refuses arrays that do not fit together', () => {
    expect(recordPersons({ entityIds: ['r1', 'r2'], personIds: ['pA', null], personOf: null })).toEqual(['pA', null]);
    expect(recordPersons({ entityIds: ['r1', 'r2', 'r3'], personIds: ['pA', 'pB'], personOf: null })).toBeNull();
    expect(recordPersons({ entityIds: ['r1', 'r2'], personIds: ['pA'], personOf: [1] })).toBeNull();
    expect(recordPersons({ entityIds: ['r1', 'r2'], personIds: ['pA'], personOf: [1, 2] })).toBeNull();
  });

  it("lists each record with its own person in the audit log, and finds a person's records in a row of several persons", async () => {
    const userId = `persons-test-${randomBytes(4).toString('hex')}`;
    const writer = { ...caller, userId, organisation: organisation('municipality:1981')! };
    const [pA, pB] = [`p_a_${randomBytes(4).toString('hex')}`, `p_b_${randomBytes(4).toString('hex')}`];
    const sql = postgres(hub().databaseUrls.municipality, { max: 1, onnotice: () => {} });
    try {
      const db = drizzle({ client: sql });
      await withAuditKey(hub().env.HUB_AUDIT_KEY!, () =>
        db.transaction((tx) =>
          appendAudit(
            tx,
            writer,
            [pA, pB, null, pA].map((personId, i) => ({
              action: 'READ',
              entity: 'Plan',
              entityId: `00000000-0000-4000-8000-00000000000${i + 1}`,
              personId,
              basis: 'own case',
            })),
          ),
        ),
      );
      const rows = await sql`select person_ids, person_of from audit_event where user_id = ${userId}`;
      expect(rows.map((r) => [r.person_ids, r.person_of])).toEqual([
        [
          [pA, pB],
          [1, 2, 0, 1],
        ],
      ]);
    } finally {
      await sql.end();
    }
    const reviewer: As = { org: 'municipality:1981', roles: ['LOG_REVIEWER'], sub: `reviewer-${randomBytes(4).toString('hex')}`, name: 'Granskare' };
    const section = async (personId: string | null) => {
      const res = await gql(
        `query($from: DateTime!, $to: DateTime!, $p: ID, $u: ID) { auditLog(from: $from, to: $to, personId: $p, userId: $u) {
          municipality(first: 10) { totalCount nodes { id entityId personId } } } }`,
        { from: new Date(Date.now() - 120_000).toISOString(), to: new Date(Date.now() + 60_000).toISOString(), p: personId, u: userId },
        { as: reviewer },
      );
      expect(res.errors).toBeUndefined();
      const s = (res.data as { auditLog: { municipality: { totalCount: number; nodes: Array<{ id: string; entityId: string; personId: string | null }> } } })
        .auditLog.municipality;
      expect(s.totalCount).toBe(s.nodes.length);
      return s.nodes.map((n) => [n.id.slice(-2), n.entityId.slice(-1), n.personId]);
    };
    // newest first, each with the row's id and its place
    expect(await section(null)).toEqual([
      ['.4', '4', pA],
      ['.3', '3', null],
      ['.2', '2', pB],
      ['.1', '1', pA],
    ]);
    expect(await section(pA)).toEqual([
      ['.4', '4', pA],
      ['.1', '1', pA],
    ]);
    expect(await section(pB)).toEqual([['.2', '2', pB]]);
  });
});

describe('audit events through the gateway', () => {
  it('logs searches by personnummer with who, which person, what and basis, each row with its content mac and its transaction', async () => {
    const userId = `auditor-test-${randomBytes(4).toString('hex')}`;
    const as = { org: 'municipality:1981', roles: ['CASEWORKER' as const], sub: userId, name: 'Karin Berg' };
    const found = [];
    for (const pnr of [personnummer(), personnummer()]) {
      const res = await gql('query($p: String!) { findPerson(personnummer: $p) { id } }', { p: pnr }, { as });
      expect(res.errors).toBeUndefined();
      found.push(res.data!.findPerson.id as string);
    }
    const sql = postgres(hub().databaseUrls.municipality, { max: 1 });
    try {
      const rows = await sql.unsafe(`select ${EVENT} from audit_event where user_id = $1 order by seq`, [userId]);
      expect(
        rows.map((r) => [r.user_name, r.organisation_id, r.roles, r.action, r.entity, r.entity_ids, r.person_ids, r.fields, r.basis, r.owner_organisation_id]),
      ).toEqual([
        [
          'Karin Berg',
          'municipality:1981',
          ['CASEWORKER'],
          'SEARCH',
          'Person',
          [found[0]],
          [found[0]],
          ['personnummer'],
          'search by personnummer',
          'municipality:1981',
        ],
        [
          'Karin Berg',
          'municipality:1981',
          ['CASEWORKER'],
          'SEARCH',
          'Person',
          [found[1]],
          [found[1]],
          ['personnummer'],
          'search by personnummer',
          'municipality:1981',
        ],
      ]);
      for (const r of rows) {
        // keyed with the subgraph's audit key: nobody without it can write an event that passes
        expect(r.content_mac).toBe(macOf(r, hub().env.HUB_AUDIT_KEY!));
        expect(r.content_mac).toMatch(/^[0-9a-f]{64}$/);
        expect(r.content_hash).toBeNull();
        expect(r.person_of).toBeNull();
        expect(BigInt(r.xid)).toBeGreaterThan(0n);
      }
      // two requests, two transactions
      expect(rows[0]!.xid).not.toBe(rows[1]!.xid);
    } finally {
      await sql.end();
    }
  });

  it("is sealed by the subgraph's own sealer soon after, with no request waiting for it", async () => {
    const userId = `sealed-test-${randomBytes(4).toString('hex')}`;
    const res = await gql(
      'query($p: String!) { findPerson(personnummer: $p) { id } }',
      { p: personnummer() },
      { as: { org: 'municipality:1981', roles: ['CASEWORKER'], sub: userId } },
    );
    expect(res.errors).toBeUndefined();
    const sql = postgres(hub().databaseUrls.municipality, { max: 1 });
    try {
      const [event] = await sql`select xid::text as xid from audit_event where user_id = ${userId}`;
      let seal: Record<string, unknown> | undefined;
      // bounded: the sealer runs every second, held back only while older transactions on the server run
      for (let attempt = 0; attempt < 300 && !seal; attempt++) {
        [seal] = await sql`select seal_no::int as seal_no, event_count from audit_seal where xid_from <= ${event!.xid}::xid8 and xid_to > ${event!.xid}::xid8`;
        if (!seal) await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(seal).toMatchObject({ seal_no: expect.any(Number), event_count: expect.any(Number) });
      expect(seal!.event_count as number).toBeGreaterThanOrEqual(1);
    } finally {
      await sql.end();
    }
  }, 60_000);

  it('logs a 16-row inbox page of one person as one row of 16 records naming the person once, in under 1.25 KB, and the log lists 16 events with ids of their own', async () => {
    const coordinator: As = { ...coordinator19, sub: `coordinator-test-${randomBytes(4).toString('hex')}` };
    const pnr = personnummer();
    // one person's 16 requests from one municipality: each after the first knowingly sent beside it (newCycleOf)
    let first: string | undefined;
    for (let i = 0; i < 16; i++) {
      const sent = await gql(SUBMIT, { input: referralInput({ personnummer: pnr }), newCycleOf: first }, { as: caseworker1980 });
      expect(sent.errors).toBeUndefined();
      first ??= sent.data!.submitWithdrawalReferral.id as string;
    }
    const person = (await gql('query($p: String!) { findPerson(personnummer: $p) { id } }', { p: pnr }, { as: coordinator })).data!.findPerson.id as string;
    const inbox = await gql(
      'query($p: ID!) { withdrawalReferrals(personId: $p, first: 16) { nodes { id status person { id } } } }',
      { p: person },
      { as: coordinator },
    );
    expect(inbox.errors).toBeUndefined();
    const ids = inbox.data!.withdrawalReferrals.nodes.map((n: { id: string }) => n.id);
    expect(ids).toHaveLength(16);

    const sql = postgres(hub().databaseUrls.psychiatry, { max: 1 });
    try {
      const rows = await sql`select action, entity, entity_ids, person_ids, person_of, pg_column_size(e.*)::int as bytes from audit_event e
        where user_id = ${coordinator.sub!} and entity = 'WithdrawalReferral' order by seq`;
      // every record concerns the one person: named once, person_of implied (null)
      expect(rows.map((r) => [r.action, r.entity, [...r.entity_ids].sort(), r.person_ids, r.person_of])).toEqual([
        ['READ', 'WithdrawalReferral', [...ids].sort(), [person], null],
      ]);
      console.log(`audit of a 16-row inbox page: ${rows[0]!.bytes} bytes in 1 row (before: 1 row of about 1,950 bytes, and before that 16 rows of about 570)`);
      expect(rows[0]!.bytes).toBeLessThanOrEqual(1280);
    } finally {
      await sql.end();
    }

    // The log shows one event per record, paged 5 at a time over the same row, none twice.
    const reviewer: As = { org: 'psychiatry:19', roles: ['LOG_REVIEWER'], sub: `reviewer-${randomBytes(4).toString('hex')}`, name: 'Granskare' };
    const from = new Date(Date.now() - 120_000).toISOString();
    const to = new Date(Date.now() + 60_000).toISOString();
    const seen: string[] = [];
    const read: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 10; page++) {
      const res = await gql(
        `query($from: DateTime!, $to: DateTime!, $p: ID, $u: ID, $after: String) { auditLog(from: $from, to: $to, personId: $p, userId: $u) {
          psychiatry(first: 5, after: $after) { totalCount pageInfo { hasNextPage endCursor } nodes { id action entity personId } } } }`,
        { from, to, p: person, u: coordinator.sub, after },
        { as: reviewer },
      );
      expect(res.errors).toBeUndefined();
      const section: {
        totalCount: number;
        pageInfo: { hasNextPage: boolean; endCursor: string };
        nodes: Array<{ id: string; action: string; entity: string; personId: string }>;
      } = (res.data as { auditLog: { psychiatry: never } }).auditLog.psychiatry;
      expect(section.totalCount).toBe(16);
      for (const n of section.nodes) {
        seen.push(n.id);
        if (n.entity === 'WithdrawalReferral') read.push(`${n.action} ${n.personId}`);
      }
      if (!section.pageInfo.hasNextPage) break;
      after = section.pageInfo.endCursor;
    }
    // the 16 reads of the referrals (the search that found the person is municipality's)
    expect(seen).toHaveLength(16);
    expect(new Set(seen).size).toBe(16);
    expect(read).toEqual(Array.from({ length: 16 }, () => `READ ${person}`));
  });

  it('lists the events written before seals (audit_event_legacy) in the audit log as they were, after the newer ones', async () => {
    const person = `p_legacy_${randomBytes(6).toString('hex')}`;
    const id = `00000000-0000-4000-8000-${randomBytes(6).toString('hex')}`;
    const at = new Date(Date.now() - 30_000);
    const sql = postgres(hub().databaseUrls.municipality, { max: 1 });
    try {
      // an event from before the migration: the table takes no new rows, so as a superuser with the triggers off
      await sql`set session_replication_role = replica`;
      await sql`insert into audit_event_legacy (id, at, user_id, user_name, organisation_id, roles, action, entity, entity_id, person_id, fields, basis, owner_organisation_id, prev_hash, hash)
        values (${id}, ${at.toISOString()}::timestamptz, 'old-user', 'Old User', 'municipality:1981', ${['CASEWORKER']}, 'READ', 'Person', ${person}, ${person}, null, 'own case', 'municipality:1981', ${GENESIS_HASH}, ${'0'.repeat(64)})`;
    } finally {
      await sql.end();
    }
    const reviewer: As = { org: 'municipality:1981', roles: ['LOG_REVIEWER'], sub: `reviewer-${randomBytes(4).toString('hex')}`, name: 'Granskare' };
    const res = await gql(
      `query($from: DateTime!, $to: DateTime!, $p: ID) { auditLog(from: $from, to: $to, personId: $p) {
        municipality(first: 10) { totalCount nodes { id action entity personId userId basis } } } }`,
      { from: new Date(Date.now() - 120_000).toISOString(), to: new Date(Date.now() + 60_000).toISOString(), p: person },
      { as: reviewer },
    );
    expect(res.errors).toBeUndefined();
    const section = (res.data as { auditLog: { municipality: { totalCount: number; nodes: Array<Record<string, unknown>> } } }).auditLog.municipality;
    // the review (a new event, first: newest first) and the legacy read
    expect(section.totalCount).toBe(2);
    expect(section.nodes.map((n) => [n.action, n.userId, n.personId])).toEqual([
      ['AUDIT_REVIEW', reviewer.sub, person],
      ['READ', 'old-user', person],
    ]);
    expect(section.nodes[1]!.id).toBe(id);
    expect(section.nodes[0]!.id).toMatch(/^[0-9a-f-]{36}\.1$/);
  });

  describe('the audit tables, with an event in them (a row-level trigger refuses only rows that exist)', () => {
    beforeAll(async () => {
      const res = await gql(
        'query($p: String!) { findPerson(personnummer: $p) { id } }',
        { p: personnummer() },
        { as: { org: 'municipality:1981', roles: ['CASEWORKER'] } },
      );
      expect(res.errors).toBeUndefined();
    });

    it.each([
      ['UPDATE', 'update audit_event set basis = $$x$$', 'audit_event'],
      ['DELETE', 'delete from audit_event', 'audit_event'],
      ['TRUNCATE', 'truncate audit_event', 'audit_event'],
      ['TRUNCATE', 'truncate audit_event_default', 'audit_event'],
      ['TRUNCATE', 'truncate audit_seal', 'audit_seal'],
      ['TRUNCATE', 'truncate audit_event_legacy', 'audit_event_legacy'],
    ])('refuses %s: %s', async (op, statement, table) => {
      const sql = postgres(hub().databaseUrls.municipality, { max: 1, onnotice: () => {} });
      try {
        await expect(sql.unsafe(statement)).rejects.toThrow(`${table} is append-only: ${op} is not allowed`);
      } finally {
        await sql.end();
      }
    });

    it('takes no new rows into the legacy table', async () => {
      const sql = postgres(hub().databaseUrls.municipality, { max: 1, onnotice: () => {} });
      try {
        await expect(
          sql`insert into audit_event_legacy (id, at, user_id, user_name, organisation_id, roles, action, entity, basis, prev_hash, hash)
            values (gen_random_uuid(), now(), 'u', 'U', 'municipality:1981', '{}', 'READ', 'Person', 'own case', ${GENESIS_HASH}, ${GENESIS_HASH})`,
        ).rejects.toThrow('audit_event_legacy is closed: INSERT is not allowed');
      } finally {
        await sql.end();
      }
    });

    it('keeps this month and the next two as partitions of their own, and a default for any other time', async () => {
      const sql = postgres(hub().databaseUrls.municipality, { max: 1, onnotice: () => {} });
      try {
        const parts =
          await sql`select c.relname from pg_inherits i join pg_class c on c.oid = i.inhrelid where i.inhparent = 'audit_event'::regclass order by 1`;
        const month = (offset: number) => {
          const d = new Date();
          const m = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + offset, 1));
          return `audit_event_${m.getUTCFullYear()}_${String(m.getUTCMonth() + 1).padStart(2, '0')}`;
        };
        expect(parts.map((p) => p.relname)).toEqual(expect.arrayContaining([month(0), month(1), month(2), 'audit_event_default']));
        const [row] = await sql`select tableoid::regclass::text as part from audit_event order by seq desc limit 1`;
        expect(row!.part).toBe(month(0));
      } finally {
        await sql.end();
      }
    });
  });
});

describe('npm run audit:verify', { timeout: 120_000 }, () => {
  const KEY = randomBytes(32).toString('hex');
  const caller = { userId: 'u1', name: 'Test Person', organisation: organisation('municipality:1980')!, roles: ['CASEWORKER' as const] };
  const databases: string[] = [];
  afterEach(async () => {
    for (const name of databases.splice(0)) await dropDatabase(hub().postgresUrl, name);
  });
  afterAll(async () => {
    for (const name of databases.splice(0)) await dropDatabase(hub().postgresUrl, name);
  });

  /**
   * A database of the test's own (tampering cannot disturb other tests): 4 events, written two
   * by two, each pair sealed (seal 1 and seal 2). Other databases' transactions on the server can
   * hold a seal back for a while (the oldest running transaction on the server bounds it), so each pair
   * waits (bounded) for them.
   */
  async function sealedTrail() {
    const name = `${hub().prefix}_tamper_${randomBytes(3).toString('hex')}`;
    databases.push(name);
    await ensureDatabase(hub().postgresUrl, name);
    const url = withDatabase(hub().postgresUrl, name);
    await migrateDatabase(url, municipality.migrationsFolder);
    const sql = postgres(url, { max: 1, onnotice: () => {} });
    const db = drizzle({ client: sql });
    for (let pair = 0; pair < 2; pair++) {
      for (let i = 1; i <= 2; i++) {
        await withAuditKey(KEY, () =>
          db.transaction((tx) => appendAudit(tx, caller, [{ action: 'READ', entity: 'Person', personId: `p_${pair * 2 + i}`, basis: 'own case' }])),
        );
      }
      // Wait (bounded) until every transaction up to the pair's has ended, then seal once.
      const [last] = await sql`select max(xid)::text as xid from audit_event`;
      for (let attempt = 0; attempt < 600; attempt++) {
        const [passed] = await sql`select pg_snapshot_xmin(pg_current_snapshot()) > ${last!.xid}::xid8 as ok`;
        if (passed!.ok) break;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(await sealAudit(sql, KEY)).toEqual({ sealed: 2, sealNo: pair + 1 });
    }
    const events = await sql`select seq::int as seq, id from audit_event order by seq`;
    const seals = await sql`select seal_no::int as seal_no, root, xid_from::text as xid_from from audit_seal order by seal_no`;
    expect(seals.map((s) => s.seal_no)).toEqual([1, 2]);
    const tamper = (statements: string) => sql.unsafe(`set session_replication_role = replica; ${statements}; set session_replication_role = origin;`);
    const verify = (...args: string[]) =>
      runScript('scripts/audit-verify.ts', ['--subgraph', 'municipality', ...args], { MUNICIPALITY_DATABASE_URL: url, HUB_AUDIT_KEY: KEY });
    return { sql, events, seals, tamper, verify, close: () => sql.end() };
  }

  const broken = (r: { status: number | null; stdout: string }) => {
    expect(r.status).toBe(1);
    return r.stdout.trim().split('\n')[0];
  };

  it('reports an intact trail with its head (exit 0)', async () => {
    const t = await sealedTrail();
    try {
      const r = t.verify();
      expect(r.stdout.trim()).toBe(
        [
          `municipality: 4 audit events in 4 rows, 2 seals, intact (0 rows not sealed yet; head 2:${t.seals[1]!.root})`,
          'municipality: 0 legacy audit events, chain intact',
          "municipality: no witness databases given (set the other subgraphs' <SUBGRAPH>_DATABASE_URL): removed or recomputed seals cannot be found",
        ].join('\n'),
      );
      expect(r.status).toBe(0);
      expect(t.verify('--expect-head', `2:${t.seals[1]!.root}`).status).toBe(0);
    } finally {
      await t.close();
    }
  });

  it('names an event altered without its hash, and the seal of one altered with its hash recomputed', async () => {
    const t = await sealedTrail();
    try {
      const e = t.events[1]!;
      await t.tamper(`update audit_event set basis = 'consent' where seq = ${e.seq}`);
      expect(broken(t.verify())).toBe(
        `municipality: BROKEN: audit event seq ${e.seq} (id ${e.id}): its content does not match its keyed content hash (the event was altered, or written without the audit key)`,
      );
      // An attacker without the key recomputes the hash as a plain one: an unkeyed event among keyed ones.
      const [row] = await t.sql.unsafe(`select ${EVENT} from audit_event where seq = $1`, [e.seq]);
      await t.tamper(`update audit_event set content_mac = null, content_hash = '${contentHash(rowContent(row!))}' where seq = ${e.seq}`);
      expect(broken(t.verify())).toBe(
        `municipality: BROKEN: audit event seq ${e.seq} (id ${e.id}): its content hash is not keyed, but it was written after keyed events (an event written without the audit key)`,
      );
      // ... or as a keyed one under another key
      await t.tamper(`update audit_event set content_hash = null, content_mac = decode('${macOf(row!, 'not-the-key')}', 'hex') where seq = ${e.seq}`);
      expect(broken(t.verify())).toBe(
        `municipality: BROKEN: audit event seq ${e.seq} (id ${e.id}): its content does not match its keyed content hash (the event was altered, or written without the audit key)`,
      );
      // One who holds the key recomputes it: the seal over it no longer matches.
      await t.tamper(`update audit_event set content_mac = decode('${macOf(row!, KEY)}', 'hex') where seq = ${e.seq}`);
      expect(broken(t.verify())).toBe(
        'municipality: BROKEN: seal 1: the audit events it covers do not match its root (an event was altered, removed or added)',
      );
    } finally {
      await t.close();
    }
  });

  it('names the seal of a removed event, and of a forged event inside a sealed range', async () => {
    const t = await sealedTrail();
    try {
      await t.tamper(`delete from audit_event where seq = ${t.events[2]!.seq}`);
      expect(broken(t.verify())).toBe('municipality: BROKEN: seal 2: it sealed 2 audit events, 1 are there (an event was removed)');
    } finally {
      await t.close();
    }
    const u = await sealedTrail();
    try {
      // A forged event, with a valid content mac (made with the key), given a transaction id inside seal 1's range.
      const [copy] = await u.sql.unsafe(`select ${EVENT} from audit_event where seq = $1`, [u.events[0]!.seq]);
      const forged = { ...rowContent(copy!), id: '00000000-0000-4000-8000-000000000001', personIds: ['p_forged'] };
      await u.sql`insert into audit_event (id, at, xid, user_id, user_name, organisation_id, roles, action, entity, entity_ids, person_ids, fields, basis, owner_organisation_id, content_mac)
        values (${forged.id}, ${forged.at.toISOString()}::timestamptz, ${u.seals[0]!.xid_from}::xid8, ${forged.userId}, ${forged.userName}, ${forged.organisationId}, ${forged.roles}, ${forged.action}, ${forged.entity},
          ${forged.entityIds}, ${forged.personIds}, ${forged.fields}, ${forged.basis}, ${forged.ownerOrganisationId}, ${contentMac(forged, KEY)})`;
      expect(broken(u.verify())).toBe('municipality: BROKEN: seal 1: it sealed 2 audit events, 3 are there (an event was added)');
    } finally {
      await u.close();
    }
  });

  it('names an event inserted without the key, dated now, even once the sealer has sealed it', async () => {
    const t = await sealedTrail();
    try {
      // as the runtime role could: a plausible event with the current time and a plain hash
      const [copy] = await t.sql.unsafe(`select ${EVENT} from audit_event order by seq limit 1`);
      const forged = { ...rowContent(copy!), id: '00000000-0000-4000-8000-000000000003', at: new Date(), personIds: ['p_forged'] };
      const [row] =
        await t.sql`insert into audit_event (id, at, user_id, user_name, organisation_id, roles, action, entity, entity_ids, person_ids, fields, basis, owner_organisation_id, content_hash)
        values (${forged.id}, ${forged.at.toISOString()}::timestamptz, ${forged.userId}, ${forged.userName}, ${forged.organisationId}, ${forged.roles}, ${forged.action}, ${forged.entity},
          ${forged.entityIds}, ${forged.personIds}, ${forged.fields}, ${forged.basis}, ${forged.ownerOrganisationId}, ${contentHash(forged)}) returning seq::int as seq`;
      const message = `municipality: BROKEN: audit event seq ${row!.seq} (id ${forged.id}): its content hash is not keyed, but it was written after keyed events (an event written without the audit key)`;
      expect(broken(t.verify())).toBe(message);
      // the sealer (which holds the key) seals it like any other: still named
      for (let attempt = 0; attempt < 600; attempt++) {
        const [passed] = await t.sql`select pg_snapshot_xmin(pg_current_snapshot()) > (select max(xid) from audit_event) as ok`;
        if (passed!.ok) break;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(await sealAudit(t.sql, KEY)).toEqual({ sealed: 1, sealNo: 3 });
      expect(broken(t.verify())).toBe(message);
    } finally {
      await t.close();
    }
  });

  it('names a forged event after the last seal once it is older than the grace, and a forged seal', async () => {
    const t = await sealedTrail();
    try {
      const [copy] = await t.sql.unsafe(`select ${EVENT} from audit_event order by seq limit 1`);
      const forged = { ...rowContent(copy!), id: '00000000-0000-4000-8000-000000000002', at: new Date(Date.now() - 3_600_000) };
      const [row] =
        await t.sql`insert into audit_event (id, at, user_id, user_name, organisation_id, roles, action, entity, entity_ids, person_ids, fields, basis, owner_organisation_id, content_mac)
        values (${forged.id}, ${forged.at.toISOString()}::timestamptz, ${forged.userId}, ${forged.userName}, ${forged.organisationId}, ${forged.roles}, ${forged.action}, ${forged.entity},
          ${forged.entityIds}, ${forged.personIds}, ${forged.fields}, ${forged.basis}, ${forged.ownerOrganisationId}, ${contentMac(forged, KEY)}) returning seq::int as seq`;
      expect(broken(t.verify())).toBe(
        `municipality: BROKEN: audit event seq ${row!.seq} (id ${forged.id}): no seal covers it, and it is older than 300 s (added after the last seal, or the seals after it were removed)`,
      );
      // A seal over it, made without the key.
      const [head] = await t.sql`select xid_to::text as xid_to from audit_seal where seal_no = 2`;
      const fields = {
        sealNo: 3,
        xidFrom: head!.xid_to as string,
        xidTo: '999999999',
        eventCount: 1,
        firstSeq: row!.seq as number,
        lastSeq: row!.seq as number,
      };
      const at = new Date();
      const root = 'f'.repeat(64);
      await t.sql`insert into audit_seal (seal_no, at, xid_from, xid_to, event_count, first_seq, last_seq, root, mac)
        values (3, ${at.toISOString()}::timestamptz, ${fields.xidFrom}::xid8, ${fields.xidTo}::xid8, 1, ${fields.firstSeq}, ${fields.lastSeq}, ${root}, ${sealMac('not-the-key', { ...fields, at, root })})`;
      expect(broken(t.verify())).toBe('municipality: BROKEN: seal 3: its mac was not made with the audit key (a forged or altered seal)');
    } finally {
      await t.close();
    }
  });

  it('names the last seals removed with their events, or all seals truncated, against the head known outside', async () => {
    const t = await sealedTrail();
    try {
      const head = `2:${t.seals[1]!.root}`;
      await t.tamper(`delete from audit_event where seq in (${t.events[2]!.seq}, ${t.events[3]!.seq}); delete from audit_seal where seal_no = 2`);
      // On its own the shortened trail looks whole; the head recorded before does not match.
      expect(t.verify().status).toBe(0);
      expect(broken(t.verify('--expect-head', head))).toBe('municipality: BROKEN: the last seal is seal 1, but seal 2 was known: seals were removed');
      await t.tamper('truncate audit_seal');
      expect(broken(t.verify('--expect-head', head))).toBe('municipality: BROKEN: the last seal is none, but seal 2 was known: seals were removed');
      // Without the head, the events no seal covers are reported once older than the grace.
      expect(broken(t.verify('--grace-seconds', '0'))).toBe(
        `municipality: BROKEN: audit event seq ${t.events[0]!.seq} (id ${t.events[0]!.id}): no seal covers it, and it is older than 0 s (added after the last seal, or the seals after it were removed)`,
      );
    } finally {
      await t.close();
    }
  });

  it('names a seal removed from the middle, and refuses to check seals without the key', async () => {
    const t = await sealedTrail();
    try {
      const noKey = runScript('scripts/audit-verify.ts', ['--subgraph', 'municipality'], {
        MUNICIPALITY_DATABASE_URL: withDatabase(hub().postgresUrl, databases[0]!),
      });
      expect(broken(noKey)).toMatch(
        /^municipality: BROKEN: audit event seq \d+ \(id [0-9a-f-]+\): its content hash is keyed, and no audit key \(HUB_AUDIT_KEY\) was given to check it$/,
      );
      await t.tamper('delete from audit_seal where seal_no = 1');
      expect(broken(t.verify())).toBe('municipality: BROKEN: seal 1 is missing (the next is seal 2): seals were removed');
    } finally {
      await t.close();
    }
  });

  it('still verifies the rows and seals written before each person was named once per row, beside new rows, and names an old row altered', async () => {
    const name = `${hub().prefix}_persononce_${randomBytes(3).toString('hex')}`;
    databases.push(name);
    await ensureDatabase(hub().postgresUrl, name);
    const url = withDatabase(hub().postgresUrl, name);
    // the migrations up to the one before (a copy of the folder, its journal without the last)
    const before = mkdtempSync(join(tmpdir(), 'audit-migrations-'));
    const sql = postgres(url, { max: 1, onnotice: () => {} });
    try {
      cpSync(municipality.migrationsFolder, before, { recursive: true });
      const journal = JSON.parse(readFileSync(join(before, 'meta/_journal.json'), 'utf8')) as { entries: Array<{ tag: string }> };
      // the journal up to the migration before this one (later migrations come with it afterwards)
      const ours = journal.entries.findIndex((e) => /_audit_person_once$/.test(e.tag));
      expect(ours).toBeGreaterThan(0);
      journal.entries.splice(ours);
      writeFileSync(join(before, 'meta/_journal.json'), JSON.stringify(journal));
      await migrateDatabase(url, before);
      // rows as the code before wrote them: a person per record, a keyed content hash as text
      const old = [['p_old_a', 'p_old_b', 'p_old_a'], ['p_old_c']].map((persons, i) => ({
        id: `00000000-0000-4000-8000-00000000020${i}`,
        at: new Date(Date.now() - 60_000),
        userId: 'u0',
        userName: 'Old Person',
        organisationId: 'municipality:1980',
        roles: ['CASEWORKER'],
        action: 'READ',
        entity: 'Plan',
        entityIds: persons.map((_, n) => `00000000-0000-4000-8000-0000000003${i}${n}`),
        personIds: persons,
        personOf: null,
        fields: null,
        basis: 'own case',
        ownerOrganisationId: 'municipality:1980',
      }));
      for (const r of old) {
        await sql`insert into audit_event (id, at, user_id, user_name, organisation_id, roles, action, entity, entity_ids, person_ids, fields, basis, owner_organisation_id, content_hash)
          values (${r.id}, ${r.at.toISOString()}::timestamptz, ${r.userId}, ${r.userName}, ${r.organisationId}, ${r.roles}, ${r.action}, ${r.entity}, ${r.entityIds}, ${r.personIds},
            ${r.fields}, ${r.basis}, ${r.ownerOrganisationId}, ${contentHash(r, KEY)})`;
      }
      // sealed as the sealer before sealed them (the same root and mac over the same content hashes)
      const settle = async () => {
        const [last] = await sql`select max(xid)::text as xid from audit_event`;
        for (let attempt = 0; attempt < 600; attempt++) {
          const [passed] = await sql`select pg_snapshot_xmin(pg_current_snapshot()) > ${last!.xid}::xid8 as ok`;
          if (passed!.ok) return;
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
      };
      await settle();
      const [snap] = await sql`select pg_snapshot_xmin(pg_current_snapshot())::text as xmin`;
      const hashes = await sql`select seq::int as seq, content_hash from audit_event order by seq`;
      const fields = {
        sealNo: 1,
        xidFrom: '0',
        xidTo: snap!.xmin as string,
        eventCount: 2,
        firstSeq: hashes[0]!.seq as number,
        lastSeq: hashes[1]!.seq as number,
      };
      const at = new Date();
      const root = sealRoot(
        KEY,
        GENESIS_HASH,
        fields,
        hashes.map((h) => h.content_hash as string),
      );
      await sql`insert into audit_seal (seal_no, at, xid_from, xid_to, event_count, first_seq, last_seq, root, mac)
        values (1, ${at.toISOString()}::timestamptz, '0'::xid8, ${fields.xidTo}::xid8, 2, ${fields.firstSeq}, ${fields.lastSeq}, ${root}, ${sealMac(KEY, { ...fields, at, root })})`;

      // then this migration, and a new row beside them, sealed by the sealer
      await migrateDatabase(url, municipality.migrationsFolder);
      const db = drizzle({ client: sql });
      await withAuditKey(KEY, () =>
        db.transaction((tx) =>
          appendAudit(tx, caller, [
            { action: 'READ', entity: 'Plan', entityId: '00000000-0000-4000-8000-000000000401', personId: 'p_new_a', basis: 'own case' },
            { action: 'READ', entity: 'Plan', entityId: '00000000-0000-4000-8000-000000000402', personId: 'p_new_a', basis: 'own case' },
          ]),
        ),
      );
      await settle();
      expect(await sealAudit(sql, KEY)).toEqual({ sealed: 1, sealNo: 2 });
      const rows = await sql`select person_ids, person_of, content_hash is null as no_hash, content_mac is null as no_mac from audit_event order by seq`;
      expect(rows.map((r) => [r.person_ids, r.person_of, r.no_hash, r.no_mac])).toEqual([
        [['p_old_a', 'p_old_b', 'p_old_a'], null, false, true],
        [['p_old_c'], null, false, true],
        [['p_new_a'], null, true, false],
      ]);
      const verify = () => runScript('scripts/audit-verify.ts', ['--subgraph', 'municipality'], { MUNICIPALITY_DATABASE_URL: url, HUB_AUDIT_KEY: KEY });
      const [head] = await sql`select root from audit_seal where seal_no = 2`;
      const r = verify();
      expect(r.stdout.trim().split('\n')[0]).toBe(`municipality: 6 audit events in 3 rows, 2 seals, intact (0 rows not sealed yet; head 2:${head!.root})`);
      expect(r.status).toBe(0);
      // an old row's persons changed: its content hash no longer matches
      await sql.unsafe(
        `set session_replication_role = replica; update audit_event set person_ids = '{p_old_a,p_old_a,p_old_a}' where seq = ${hashes[0]!.seq}; set session_replication_role = origin;`,
      );
      expect(broken(verify())).toBe(
        `municipality: BROKEN: audit event seq ${hashes[0]!.seq} (id ${old[0]!.id}): its content does not match its keyed content hash (the event was altered, or written without the audit key)`,
      );
    } finally {
      await sql.end();
      rmSync(before, { recursive: true, force: true });
    }
  });

  it('still checks the legacy chain of the events written before seals', async () => {
    const t = await sealedTrail();
    try {
      let prevHash = GENESIS_HASH;
      const ids: string[] = [];
      for (let i = 1; i <= 2; i++) {
        const row = {
          id: `00000000-0000-4000-8000-00000000010${i}`,
          at: new Date('2026-01-0' + i + 'T10:00:00Z'),
          userId: 'u0',
          userName: 'Old Person',
          organisationId: 'municipality:1980',
          roles: ['CASEWORKER'],
          action: 'READ',
          entity: 'Person',
          entityId: null,
          personId: `p_old_${i}`,
          fields: null,
          basis: 'own case',
          ownerOrganisationId: 'municipality:1980',
          prevHash,
        };
        const hash = legacyHashOf(row);
        // events from before the migration: the table takes no new rows, so with the triggers off
        await t.sql`set session_replication_role = replica`;
        await t.sql`insert into audit_event_legacy (id, at, user_id, user_name, organisation_id, roles, action, entity, entity_id, person_id, fields, basis, owner_organisation_id, prev_hash, hash)
          values (${row.id}, ${row.at.toISOString()}::timestamptz, ${row.userId}, ${row.userName}, ${row.organisationId}, ${row.roles}, ${row.action}, ${row.entity}, ${row.entityId}, ${row.personId}, ${row.fields}, ${row.basis}, ${row.ownerOrganisationId}, ${row.prevHash}, ${hash})`;
        await t.sql`set session_replication_role = origin`;
        prevHash = hash;
        ids.push(row.id);
      }
      expect(t.verify().stdout.trim().split('\n')[1]).toBe('municipality: 2 legacy audit events, chain intact');
      await t.tamper(`update audit_event_legacy set basis = 'consent' where id = '${ids[1]}'`);
      const r = t.verify();
      expect(r.status).toBe(1);
      const [seq] = await t.sql`select seq::int as seq from audit_event_legacy where id = ${ids[1]!}`;
      expect(r.stdout.trim().split('\n')[1]).toBe(
        `municipality: legacy chain BROKEN at audit event seq ${seq!.seq} (id ${ids[1]}): its content does not match its hash (the event was altered)`,
      );
    } finally {
      await t.close();
    }
  });
});
