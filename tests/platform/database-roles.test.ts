/**
 * Two database roles per subgraph: an owner that migrations run as, and the
 * runtime role the subgraph runs as, which may read and write the domain
 * tables and only read and append to the audit tables. Connected as the
 * runtime role, altering the audit table, disabling its triggers, truncating,
 * updating or deleting it is refused by PostgreSQL's privileges (SQLSTATE
 * 42501), whatever the triggers do; the subgraph itself works. A password
 * given apart from its URL may hold any character.
 *
 * Roles are global to the server: their names are this file's own, and they
 * are dropped afterwards.
 */
import { createHash, createHmac, pbkdf2Sync } from 'node:crypto';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDatabaseConfig, loadSubgraphConfig, type DatabaseConfig } from '../../services/shared/src/env.ts';
import { dropDatabase, withDatabase } from '../../services/shared/src/db.ts';
import { migrateSubgraph } from '../../services/shared/src/main.ts';
import { startSubgraph, type RunningSubgraph } from '../../services/shared/src/subgraph.ts';
import { verifyAuditSeals } from '../../services/shared/src/audit-seal.ts';
import { psychiatry } from '../../services/psychiatry/src/server.ts';
import { hub, subgraphRequest } from '../helpers/hub.ts';
import { caseworker1980, coordinator19, referralInput, REFERRAL_FIELDS, SUBMIT } from '../helpers/withdrawal.ts';

const PASSWORD = 'p@ss/w#rd';
/** the owner's: a server that asks for passwords (the embedded one does) asks the owner too */
const OWNER_PASSWORD = 'owner:p@ss';

/** Whether `password` is the one whose SCRAM-SHA-256 verifier PostgreSQL stores for a role (RFC 5802: StoredKey = H(HMAC(SaltedPassword, "Client Key"))). */
function scramMatches(verifier: string, password: string): boolean {
  const m = /^SCRAM-SHA-256\$(\d+):([^$]+)\$([^:]+):/.exec(verifier);
  if (!m) return false;
  const salted = pbkdf2Sync(password, Buffer.from(m[2]!, 'base64'), Number(m[1]), 32, 'sha256');
  const stored = createHash('sha256').update(createHmac('sha256', salted).update('Client Key').digest()).digest('base64');
  return stored === m[3];
}

async function as<T>(url: string, fn: (sql: postgres.Sql) => Promise<T>): Promise<T> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    return await fn(sql);
  } finally {
    await sql.end();
  }
}

describe('the runtime and owner database roles', () => {
  let owner: string;
  let runtime: string;
  let database: string;
  let db: DatabaseConfig;
  let subgraph: RunningSubgraph | undefined;

  beforeAll(async () => {
    const h = hub();
    owner = `${h.prefix}_owner`;
    runtime = `${h.prefix}_runtime`;
    database = `${h.prefix}_roles`;
    await as(h.postgresUrl, async (sql) => {
      await sql.unsafe(`create role ${owner} login password '${OWNER_PASSWORD}'`);
      await sql.unsafe(`create role ${runtime} login password '${PASSWORD}'`);
      await sql`create database ${sql(database)} owner ${sql(owner)}`;
      await sql`revoke all on database ${sql(database)} from public`;
    });
    const server = new URL(h.postgresUrl);
    const runtimeUrl = new URL(withDatabase(h.postgresUrl, database));
    runtimeUrl.username = runtime;
    runtimeUrl.password = '';
    const ownerUrl = new URL(runtimeUrl);
    ownerUrl.username = owner;
    expect(server.hostname).toBe(runtimeUrl.hostname);
    db = loadDatabaseConfig('psychiatry', {
      PSYCHIATRY_DATABASE_URL: runtimeUrl.toString(),
      PSYCHIATRY_DATABASE_PASSWORD: PASSWORD,
      PSYCHIATRY_MIGRATION_DATABASE_URL: ownerUrl.toString(),
      PSYCHIATRY_MIGRATION_DATABASE_PASSWORD: OWNER_PASSWORD,
    });
    await migrateSubgraph(psychiatry, db);
  });

  afterAll(async () => {
    await subgraph?.close();
    const h = hub();
    await dropDatabase(h.postgresUrl, database);
    await as(h.postgresUrl, async (sql) => {
      await sql`drop role if exists ${sql(runtime)}`;
      await sql`drop role if exists ${sql(owner)}`;
    });
  });

  it('migrate as the owner, and grant the runtime role named by the runtime URL', () => {
    expect(db.runtimeRole).toBe(runtime);
    expect(new URL(db.migrationDatabaseUrl).username).toBe(owner);
  });

  it('give the runtime role its password exactly, whatever characters it holds', async () => {
    const options = postgres(db.databaseUrl).options as unknown as { user: string; pass: string };
    expect([options.user, options.pass]).toEqual([runtime, PASSWORD]);
    const [role] = await as(
      hub().postgresUrl,
      (sql) => sql<Array<{ verifier: string }>>`select rolpassword as verifier from pg_authid where rolname = ${runtime}`,
    );
    expect(scramMatches(role!.verifier, options.pass)).toBe(true);
    expect(scramMatches(role!.verifier, 'p%40ss%2Fw%23rd')).toBe(false);
    expect(await as(db.databaseUrl, (sql) => sql<Array<{ user: string }>>`select current_user as user`)).toEqual([{ user: runtime }]);
  });

  it('leave the tables to the owner: the runtime role owns none', async () => {
    const owners = await as(
      db.migrationDatabaseUrl,
      (sql) => sql<Array<{ owner: string }>>`select distinct tableowner as owner from pg_tables where schemaname = 'public'`,
    );
    expect(owners).toEqual([{ owner }]);
  });

  it.each([
    ['alter table audit_event disable trigger all', 'must be owner of table audit_event'],
    ['alter table audit_event add column note text', 'must be owner of table audit_event'],
    ['drop trigger audit_event_no_change on audit_event', 'must be owner of relation audit_event'],
    ['truncate audit_event', 'permission denied for table audit_event'],
    ["update audit_event set basis = 'changed'", 'permission denied for table audit_event'],
    ['delete from audit_event', 'permission denied for table audit_event'],
    ["update audit_witness set root = 'changed'", 'permission denied for table audit_witness'],
    ['delete from audit_witness', 'permission denied for table audit_witness'],
    ['truncate audit_witness', 'permission denied for table audit_witness'],
  ])('refuse the runtime role `%s` (42501)', async (statement, message) => {
    const error = await as(db.databaseUrl, (sql) =>
      sql.unsafe(statement).then(
        () => null,
        (err: unknown) => err as { code: string; message: string },
      ),
    );
    expect(error).toMatchObject({ code: '42501', message });
  });

  it('let the runtime role read and append to the audit table, and read and write the domain tables', async () => {
    const privileges = await as(
      db.migrationDatabaseUrl,
      (sql) => sql<Array<{ table: string; privileges: string }>>`
        select table_name as table, string_agg(privilege_type, ',' order by privilege_type) as privileges
        from information_schema.role_table_grants where grantee = ${runtime} and table_name in ('audit_event', 'audit_witness', 'ward', 'request_nonce')
        group by table_name order by table_name`,
    );
    expect(privileges).toEqual([
      { table: 'audit_event', privileges: 'INSERT,SELECT' },
      { table: 'audit_witness', privileges: 'INSERT,SELECT' },
      { table: 'request_nonce', privileges: 'DELETE,INSERT,SELECT,UPDATE' },
      { table: 'ward', privileges: 'DELETE,INSERT,SELECT,UPDATE' },
    ]);
  });

  it('run the subgraph as the runtime role: a referral is stored, read, and audited on an intact chain', async () => {
    const h = hub();
    const config = loadSubgraphConfig('psychiatry', { ...h.env, PSYCHIATRY_DATABASE_URL: db.databaseUrl, PSYCHIATRY_PORT: '0' });
    subgraph = await startSubgraph(psychiatry.definition, config);
    const submitted = await subgraphRequest('psychiatry', SUBMIT, { as: caseworker1980, url: subgraph.url, variables: { input: referralInput() } });
    expect(submitted.status).toBe(200);
    expect(submitted.body.errors).toBeUndefined();
    const id = submitted.body.data.submitWithdrawalReferral.id as string;
    const read = await subgraphRequest('psychiatry', `query($id: ID!) { withdrawalReferral(id: $id) { ${REFERRAL_FIELDS} } }`, {
      as: coordinator19,
      url: subgraph.url,
      variables: { id },
    });
    expect(read.status).toBe(200);
    expect(read.body.data.withdrawalReferral.id).toBe(id);
    const audited = await as(
      db.databaseUrl,
      (sql) => sql<Array<{ action: string }>>`select action from audit_event where ${id} = any(entity_ids) order by seq`,
    );
    expect(audited.map((r) => r.action)).toEqual(['CREATE', 'READ']);
    // the runtime role's own sealer seals them (INSERT into audit_seal is all it needs), once every
    // transaction up to the last event has ended (others' on the shared server may hold it back: bounded)
    await as(db.databaseUrl, async (sql) => {
      const [last] = await sql<Array<{ xid: string }>>`select max(xid)::text as xid from audit_event`;
      for (let attempt = 0; attempt < 600; attempt++) {
        const [passed] = await sql<Array<{ ok: boolean }>>`select pg_snapshot_xmin(pg_current_snapshot()) > ${last!.xid}::xid8 as ok`;
        if (passed!.ok) break;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    });
    await subgraph.sealAudit();
    const verified = await as(db.databaseUrl, (sql) => verifyAuditSeals(sql, { key: h.env.HUB_AUDIT_KEY }));
    expect(verified).toMatchObject({ ok: true, unsealed: 0 });
    expect(verified.seals).toBeGreaterThan(0);
  });
});
