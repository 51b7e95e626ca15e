/**
 * The audit trail: reads of personal data are logged, rows are chained by
 * hash, the table refuses changes, and `npm run audit:verify` finds and
 * names an altered or removed row.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import postgres from 'postgres';
import { drizzle } from 'drizzle-orm/postgres-js';
import { appendAudit, GENESIS_HASH, hashOf } from '../../services/shared/src/audit.ts';
import { ensureDatabase, dropDatabase, migrateDatabase, withDatabase } from '../../services/shared/src/db.ts';
import { organisation } from '../../services/shared/src/directory.ts';
import { municipality } from '../../services/municipality/src/server.ts';
import { gql, hub } from '../helpers/hub.ts';
import { personnummer } from '../helpers/people.ts';
import { runScript } from '../helpers/processes.ts';

describe('audit events through the gateway', () => {
  it('logs a search by personnummer with who, which person, what and basis, chained to the row before', async () => {
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
      const rows = await sql`select * from audit_event where user_id = ${userId} order by seq`;
      expect(rows.map((r) => [r.user_name, r.organisation_id, r.roles, r.action, r.entity, r.person_id, r.fields, r.basis, r.owner_organisation_id])).toEqual([
        ['Karin Berg', 'municipality:1981', ['CASEWORKER'], 'SEARCH', 'Person', found[0], ['personnummer'], 'search by personnummer', 'municipality:1981'],
        ['Karin Berg', 'municipality:1981', ['CASEWORKER'], 'SEARCH', 'Person', found[1], ['personnummer'], 'search by personnummer', 'municipality:1981'],
      ]);
      for (const r of rows) {
        const [prev] = await sql`select hash from audit_event where seq < ${r.seq} order by seq desc limit 1`;
        expect(r.prev_hash).toBe(prev?.hash ?? GENESIS_HASH);
        expect(r.hash).toBe(
          hashOf({
            id: r.id,
            at: r.at,
            userId: r.user_id,
            userName: r.user_name,
            organisationId: r.organisation_id,
            roles: r.roles,
            action: r.action,
            entity: r.entity,
            entityId: r.entity_id,
            personId: r.person_id,
            fields: r.fields,
            basis: r.basis,
            ownerOrganisationId: r.owner_organisation_id,
            prevHash: r.prev_hash,
          }),
        );
      }
    } finally {
      await sql.end();
    }
  });

  describe('the audit table, with an event in it (a row-level trigger refuses only rows that exist)', () => {
    beforeAll(async () => {
      const res = await gql(
        'query($p: String!) { findPerson(personnummer: $p) { id } }',
        { p: personnummer() },
        { as: { org: 'municipality:1981', roles: ['CASEWORKER'] } },
      );
      expect(res.errors).toBeUndefined();
    });

    it.each([
      ['UPDATE', 'update audit_event set basis = $$x$$'],
      ['DELETE', 'delete from audit_event'],
      ['TRUNCATE', 'truncate audit_event'],
    ])('refuses %s on the audit table', async (op, statement) => {
      const sql = postgres(hub().databaseUrls.municipality, { max: 1, onnotice: () => {} });
      try {
        await expect(sql.unsafe(statement)).rejects.toThrow(`audit_event is append-only: ${op} is not allowed`);
      } finally {
        await sql.end();
      }
    });
  });
});

describe('npm run audit:verify', () => {
  // A database of this test's own: tampering here cannot disturb other tests' chains.
  const name = `${hub().prefix}_tamper`;
  const url = withDatabase(hub().postgresUrl, name);
  let sql: postgres.Sql;
  let ids: string[] = [];

  beforeAll(async () => {
    await ensureDatabase(hub().postgresUrl, name);
    await migrateDatabase(url, municipality.migrationsFolder);
    sql = postgres(url, { max: 1, onnotice: () => {} });
    const caller = { userId: 'u1', name: 'Test Person', organisation: organisation('municipality:1980')!, roles: ['CASEWORKER' as const] };
    const db = drizzle({ client: sql });
    for (let i = 1; i <= 4; i++) {
      await db.transaction((tx) => appendAudit(tx, caller, [{ action: 'READ', entity: 'Person', personId: `p_${i}`, basis: 'own case' }]));
    }
    ids = (await sql`select id from audit_event order by seq`).map((r) => String(r.id));
  });
  afterAll(async () => {
    await sql.end();
    await dropDatabase(hub().postgresUrl, name);
  });

  const verify = () => runScript('scripts/audit-verify.ts', ['--subgraph', 'municipality'], { MUNICIPALITY_DATABASE_URL: url });

  it('reports an intact chain (exit 0), then names the first altered and the first removed row (exit 1)', async () => {
    let r = verify();
    expect(r.stdout.trim()).toBe('municipality: 4 audit events, chain intact');
    expect(r.status).toBe(0);

    // A superuser gets around the trigger and rewrites the basis of event 2.
    await sql.unsafe(`set session_replication_role = replica; update audit_event set basis = 'consent' where seq = 2; set session_replication_role = origin;`);
    r = verify();
    expect(r.status).toBe(1);
    expect(r.stdout.trim()).toBe(`municipality: BROKEN at audit event seq 2 (id ${ids[1]}): its content does not match its hash (the event was altered)`);

    // Putting the content back and removing event 3 instead breaks the link of event 4.
    await sql.unsafe(
      `set session_replication_role = replica; update audit_event set basis = 'own case' where seq = 2; delete from audit_event where seq = 3; set session_replication_role = origin;`,
    );
    r = verify();
    expect(r.status).toBe(1);
    expect(r.stdout.trim()).toBe(
      `municipality: BROKEN at audit event seq 4 (id ${ids[3]}): its link to the previous event does not match (an event before it was removed or altered)`,
    );
  });
});
