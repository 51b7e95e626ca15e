/**
 * Witnesses of the audit trail: each subgraph sends its latest seal's head, signed, over HTTP to
 * the other subgraphs, which keep it insert-only in their own databases; `npm run audit:verify`
 * checks a subgraph's seals against what the others witnessed, and so finds what the seals alone
 * cannot: seals truncated, the last seals removed with their events, seals recomputed with the key
 * after an event was removed, and an event added later and dated back. Also: two sealers on one
 * database seal every event exactly once, and `--from-seal` starts from a trusted anchor.
 *
 * Every trail here is in databases of the test's own (the sender's and two witnesses'), copied
 * from templates migrated once; the witnesses are real HTTP servers with the subgraphs' own
 * witness endpoint (and the hub's subgraphs send theirs to each other: the first test).
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import postgres from 'postgres';
import { drizzle } from 'drizzle-orm/postgres-js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { appendAudit, withAuditKey } from '../../services/shared/src/audit.ts';
import { SEAL_LOCK_KEY, sealAudit, startAuditSealer } from '../../services/shared/src/audit-seal.ts';
import { latestHead, mountWitness, sendHead, startAuditWitness, WITNESS_PATH, type WitnessedHead } from '../../services/shared/src/audit-witness.ts';
import { dropDatabase, ensureDatabase, migrateDatabase, withDatabase } from '../../services/shared/src/db.ts';
import { organisation } from '../../services/shared/src/directory.ts';
import type { SubgraphName } from '../../services/shared/src/env.ts';
import { createLogger } from '../../services/shared/src/logger.ts';
import { postgresNonceStore } from '../../services/shared/src/nonce-store.ts';
import { REPLAY_REFUSED, SignatureVerifier, signRequest } from '../../services/shared/src/signing.ts';
import { municipality } from '../../services/municipality/src/server.ts';
import { psychiatry } from '../../services/psychiatry/src/server.ts';
import { probation } from '../../services/probation/src/server.ts';
import { gql, hub } from '../helpers/hub.ts';
import { personnummer } from '../helpers/people.ts';
import { runScript } from '../helpers/processes.ts';

const KEY = randomBytes(32).toString('hex');
const SECRET = randomBytes(32).toString('hex');
const log = createLogger('witness-test', 'silent');
const caller = { userId: 'u1', name: 'Test Person', organisation: organisation('municipality:1980')!, roles: ['CASEWORKER' as const] };
const MODULES = { municipality, psychiatry, probation } as const;
type Part = keyof typeof MODULES;

const databases: string[] = [];
const closing: Array<() => Promise<unknown>> = [];
const templates = {} as Record<Part, string>;

beforeAll(async () => {
  for (const part of Object.keys(MODULES) as Part[]) {
    const name = `${hub().prefix}_wt_${part}`;
    databases.push(name);
    await ensureDatabase(hub().postgresUrl, name);
    await migrateDatabase(withDatabase(hub().postgresUrl, name), MODULES[part].migrationsFolder);
    templates[part] = name;
  }
}, 120_000);

afterEach(async () => {
  for (const close of closing.splice(0).reverse()) await close();
  // the test's own databases (the templates stay for the next test)
  for (const name of databases.splice(3).reverse()) await dropDatabase(hub().postgresUrl, name);
}, 180_000);

afterAll(async () => {
  for (const name of databases.splice(0).reverse()) await dropDatabase(hub().postgresUrl, name);
}, 180_000);

/** A database of the test's own, copied from the migrated template of `part`. */
async function databaseOf(part: Part): Promise<{ url: string; sql: postgres.Sql }> {
  const name = `${hub().prefix}_w${part.slice(0, 3)}_${randomBytes(3).toString('hex')}`;
  databases.push(name);
  const admin = postgres(hub().postgresUrl, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`create database ${name} template ${templates[part]}`);
  } finally {
    await admin.end();
  }
  const url = withDatabase(hub().postgresUrl, name);
  const sql = postgres(url, { max: 2, onnotice: () => {} });
  closing.push(() => sql.end());
  return { url, sql };
}

/** A witness: its own database, and the subgraphs' witness endpoint on a real HTTP server. */
async function startWitness(name: SubgraphName & Part) {
  const db = await databaseOf(name);
  const app = express();
  mountWitness(app, db.sql, name, new SignatureVerifier(SECRET, name, 30_000, Date.now, postgresNonceStore(db.sql)), log);
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closing.push(() => new Promise((resolve) => server.close(resolve)));
  const graphqlUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
  const rows = () =>
    db.sql<Array<{ subgraph: string; seal_no: number; root: string; mac: string; anomaly: string | null; witnessed_at: string }>>`
      select subgraph, seal_no::int as seal_no, root, mac, anomaly, to_json(witnessed_at) #>> '{}' as witnessed_at from audit_witness order by seq`;
  return { ...db, graphqlUrl, rows };
}

/**
 * Waits (bounded) until every transaction up to the last audit event has ended: the next seal
 * covers them all. Transaction ids are the server's, so other databases' transactions hold it back.
 */
async function settled(sql: postgres.Sql) {
  const [last] = await sql`select max(xid)::text as xid from audit_event`;
  for (let attempt = 0; attempt < 2400; attempt++) {
    const [passed] = await sql`select pg_snapshot_xmin(pg_current_snapshot()) > ${last!.xid}::xid8 as ok`;
    if (passed!.ok) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('a transaction elsewhere on the server has held the seals back for 2 minutes');
}

const at = (iso: string) => new Date(iso).toISOString();

/**
 * Municipality's trail in a database of its own: 4 events, two by two, each pair sealed (seals 1
 * and 2), and after each seal its head sent to two witnesses (psychiatry and probation).
 */
async function witnessedTrail() {
  const sender = await databaseOf('municipality');
  const witnesses = { psychiatry: await startWitness('psychiatry'), probation: await startWitness('probation') };
  const urls = { psychiatry: witnesses.psychiatry.graphqlUrl, probation: witnesses.probation.graphqlUrl };
  const sending = startAuditWitness(sender.sql, 'municipality', SECRET, urls, 0, log);
  closing.push(() => sending.stop());
  const db = drizzle({ client: sender.sql });
  for (let pair = 0; pair < 2; pair++) {
    for (let i = 1; i <= 2; i++) {
      await withAuditKey(KEY, () =>
        db.transaction((tx) => appendAudit(tx, caller, [{ action: 'READ', entity: 'Person', personId: `p_${pair * 2 + i}`, basis: 'own case' }])),
      );
    }
    await settled(sender.sql);
    expect(await sealAudit(sender.sql, KEY)).toEqual({ sealed: 2, sealNo: pair + 1 });
    expect(await sending.sendNow()).toEqual({ psychiatry: 200, probation: 200 });
  }
  const { sql } = sender;
  const events = await sql<Array<{ seq: number; id: string }>>`select seq::int as seq, id from audit_event order by seq`;
  const seals = await sql<Array<{ seal_no: number; root: string }>>`select seal_no::int as seal_no, root from audit_seal order by seal_no`;
  const tamper = (statements: string) => sql.unsafe(`set session_replication_role = replica; ${statements}; set session_replication_role = origin;`);
  const verify = (...args: string[]) =>
    runScript('scripts/audit-verify.ts', ['--subgraph', 'municipality', ...args], {
      MUNICIPALITY_DATABASE_URL: sender.url,
      PSYCHIATRY_DATABASE_URL: witnesses.psychiatry.url,
      PROBATION_DATABASE_URL: witnesses.probation.url,
      HUB_AUDIT_KEY: KEY,
    });
  return { sql, events, seals, tamper, verify, witnesses, sending, urls };
}

const lines = (r: { stdout: string }) => r.stdout.trim().split('\n');

describe('witnesses of the audit trail', { timeout: 300_000 }, () => {
  it("the hub's subgraphs send their audit heads to each other, and audit:verify finds municipality's seals as witnessed", async () => {
    const res = await gql(
      'query($p: String!) { findPerson(personnummer: $p) { id } }',
      { p: personnummer() },
      { as: { org: 'municipality:1981', roles: ['CASEWORKER'] } },
    );
    expect(res.errors).toBeUndefined();
    const urls = hub().databaseUrls;
    const witnessed = async (witness: SubgraphName) => {
      const sql = postgres(urls[witness], { max: 1, onnotice: () => {} });
      try {
        // bounded: the sealer runs every second, the head goes out every 10 s (HUB_AUDIT_WITNESS_INTERVAL_MS)
        for (let attempt = 0; attempt < 600; attempt++) {
          const rows = await sql<Array<{ seal_no: number; root: string; mac: string; anomaly: string | null }>>`
            select seal_no::int as seal_no, root, mac, anomaly from audit_witness where subgraph = 'municipality' order by seq`;
          if (rows.length > 0) return rows;
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
        return [];
      } finally {
        await sql.end();
      }
    };
    const local = postgres(urls.municipality, { max: 1, onnotice: () => {} });
    try {
      for (const witness of ['psychiatry', 'probation', 'clinics'] as const) {
        const rows = await witnessed(witness);
        expect(rows.length).toBeGreaterThan(0);
        for (const r of rows) {
          expect(r.anomaly).toBeNull();
          const [seal] = await local`select root, mac from audit_seal where seal_no = ${r.seal_no}`;
          expect([r.root, r.mac]).toEqual([seal!.root, seal!.mac]);
        }
      }
    } finally {
      await local.end();
    }
    const r = runScript('scripts/audit-verify.ts', ['--subgraph', 'municipality', '--grace-seconds', '3600'], {
      MUNICIPALITY_DATABASE_URL: urls.municipality,
      PSYCHIATRY_DATABASE_URL: urls.psychiatry,
      PROBATION_DATABASE_URL: urls.probation,
      CLINICS_DATABASE_URL: urls.clinics,
      HUB_AUDIT_KEY: hub().env.HUB_AUDIT_KEY!,
    });
    expect(lines(r)[2]).toMatch(/^municipality: witnessed by psychiatry up to seal \d+, probation up to seal \d+, clinics up to seal \d+: consistent$/);
    expect(r.status).toBe(0);
  });

  it('keeps each head once in the witnesses, and audit:verify reports the trail intact and witnessed', async () => {
    const t = await witnessedTrail();
    const r = t.verify();
    expect(r.stdout.trim()).toBe(
      [
        `municipality: 4 audit events in 4 rows, 2 seals, intact (0 rows not sealed yet; head 2:${t.seals[1]!.root})`,
        'municipality: 0 legacy audit events, chain intact',
        'municipality: witnessed by psychiatry up to seal 2, probation up to seal 2: consistent',
      ].join('\n'),
    );
    expect(r.status).toBe(0);
    const macs = await t.sql<Array<{ mac: string }>>`select mac from audit_seal order by seal_no`;
    for (const w of Object.values(t.witnesses)) {
      expect((await w.rows()).map((x) => [x.subgraph, x.seal_no, x.root, x.mac, x.anomaly])).toEqual([
        ['municipality', 1, t.seals[0]!.root, macs[0]!.mac, null],
        ['municipality', 2, t.seals[1]!.root, macs[1]!.mac, null],
      ]);
    }
    // nothing new: nothing sent; another replica sending the same head adds nothing
    expect(await t.sending.sendNow()).toEqual({});
    const replica = startAuditWitness(t.sql, 'municipality', SECRET, t.urls, 0, log);
    expect(await replica.sendNow()).toEqual({ psychiatry: 200, probation: 200 });
    await replica.stop();
    expect(await t.witnesses.psychiatry.rows()).toHaveLength(2);
  });

  it('refuses a head unsigned, signed with another secret or for another witness, replayed, or not a head (naming the field), keeping none', async () => {
    const w = await startWitness('psychiatry');
    const head: WitnessedHead = {
      subgraph: 'municipality',
      sealNo: 1,
      xidTo: '1000',
      root: 'a'.repeat(64),
      mac: 'b'.repeat(64),
      sealedAt: new Date().toISOString(),
    };
    const post = async (body: string, headers: Record<string, string>) => {
      const res = await fetch(new URL(WITNESS_PATH, w.graphqlUrl), { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
      return { status: res.status, body: (await res.json()) as unknown };
    };
    const signed = (body: string, secret = SECRET, target = 'psychiatry', path = WITNESS_PATH) => signRequest(secret, { method: 'POST', target, path, body });
    const body = JSON.stringify(head);
    expect(await post(body, {})).toEqual({
      status: 401,
      body: { error: 'This service accepts requests from the hub gateway only (the request is not signed).' },
    });
    expect(await post(body, signed(body, randomBytes(32).toString('hex')))).toEqual({
      status: 401,
      body: { error: 'This service accepts requests from the hub gateway only (the signature is wrong).' },
    });
    expect(await post(body, signed(body, SECRET, 'probation'))).toEqual({
      status: 401,
      body: { error: 'This service accepts requests from the hub gateway only (the signature is wrong).' },
    });
    expect(await post(body, signed(body, SECRET, 'psychiatry', '/graphql'))).toEqual({
      status: 401,
      body: { error: 'This service accepts requests from the hub gateway only (the signature is wrong).' },
    });
    // a signature over another body
    expect(await post(JSON.stringify({ ...head, sealNo: 9 }), signed(body))).toMatchObject({ status: 401 });
    const bad = async (change: Record<string, unknown>) => {
      const b = JSON.stringify({ ...head, ...change });
      return post(b, signed(b));
    };
    expect(await bad({ sealNo: -1 })).toEqual({ status: 400, body: { error: 'sealNo must be a positive whole number', field: 'sealNo' } });
    expect(await bad({ root: 'xyz' })).toEqual({ status: 400, body: { error: 'root must be 64 hex digits', field: 'root' } });
    expect(await bad({ subgraph: 'police' })).toEqual({
      status: 400,
      body: { error: 'subgraph must be one of municipality, psychiatry, probation, clinics', field: 'subgraph' },
    });
    expect(await bad({ subgraph: 'psychiatry' })).toEqual({
      status: 400,
      body: { error: 'subgraph: psychiatry does not witness its own head', field: 'subgraph' },
    });
    expect(await bad({ personId: 'p_1' })).toMatchObject({ status: 400, body: { field: null } });
    expect(await w.rows()).toEqual([]);
    // a signed head, once; the same request again is a replay
    const once = signed(body);
    expect(await post(body, once)).toEqual({ status: 200, body: { witnessed: 'new' } });
    expect(await post(body, once)).toEqual({ status: 401, body: { error: REPLAY_REFUSED } });
    expect((await w.rows()).map((r) => [r.subgraph, r.seal_no])).toEqual([['municipality', 1]]);
  });

  it('keeps a head behind, or unlike, the one witnessed as an anomaly, never in its place; and its table takes no change', async () => {
    const w = await startWitness('probation');
    const head = (sealNo: number, root: string): WitnessedHead => ({
      subgraph: 'clinics',
      sealNo,
      xidTo: String(1000 + sealNo),
      root: root.repeat(64),
      mac: 'c'.repeat(64),
      sealedAt: new Date().toISOString(),
    });
    const send = (h: WitnessedHead) => sendHead(SECRET, 'probation', w.graphqlUrl, h);
    expect(await send(head(2, 'a'))).toEqual({ status: 200, body: { witnessed: 'new' } });
    expect(await send(head(2, 'a'))).toEqual({ status: 200, body: { witnessed: 'again' } });
    expect(await send(head(1, 'a'))).toEqual({ status: 409, body: { witnessed: 'anomaly', anomaly: 'seal 1 is behind seal 2, witnessed before' } });
    expect(await send(head(2, 'b'))).toEqual({ status: 409, body: { witnessed: 'anomaly', anomaly: 'seal 2 was witnessed before with another root or mac' } });
    expect(await send(head(3, 'a'))).toEqual({ status: 200, body: { witnessed: 'new' } });
    expect(await send(head(2, 'a'))).toEqual({ status: 409, body: { witnessed: 'anomaly', anomaly: 'seal 2 came after seal 3 was witnessed' } });
    expect((await w.rows()).map((r) => [r.subgraph, r.seal_no, r.root[0], r.anomaly])).toEqual([
      ['clinics', 2, 'a', null],
      ['clinics', 1, 'a', 'seal 1 is behind seal 2, witnessed before'],
      ['clinics', 2, 'b', 'seal 2 was witnessed before with another root or mac'],
      ['clinics', 3, 'a', null],
      ['clinics', 2, 'a', 'seal 2 came after seal 3 was witnessed'],
    ]);
    for (const [op, statement] of [
      ['UPDATE', "update audit_witness set root = 'x'"],
      ['DELETE', 'delete from audit_witness'],
      ['TRUNCATE', 'truncate audit_witness'],
    ] as const) {
      await expect(w.sql.unsafe(statement)).rejects.toThrow(`audit_witness is append-only: ${op} is not allowed`);
    }
  });

  it('names the witness of seals truncated, or of the last seals removed with their events', async () => {
    const t = await witnessedTrail();
    const [first] = await t.witnesses.psychiatry.rows();
    await t.tamper('truncate audit_seal');
    let r = t.verify();
    expect(lines(r)).toEqual([
      'municipality: 4 audit events in 4 rows, 0 seals, intact (4 rows not sealed yet; no seal yet)',
      'municipality: 0 legacy audit events, chain intact',
      `municipality: BROKEN: witness psychiatry holds seal 1 (witnessed at ${at(first!.witnessed_at)}), which is not here (the last seal here is none): seals were removed (truncation or tail deletion)`,
    ]);
    expect(r.status).toBe(1);

    const u = await witnessedTrail();
    const [, second] = await u.witnesses.psychiatry.rows();
    await u.tamper(`delete from audit_event where seq in (${u.events[2]!.seq}, ${u.events[3]!.seq}); delete from audit_seal where seal_no = 2`);
    r = u.verify();
    // on its own, the shortened trail looks whole
    expect(lines(r)[0]).toBe(`municipality: 2 audit events in 2 rows, 1 seals, intact (0 rows not sealed yet; head 1:${u.seals[0]!.root})`);
    expect(lines(r)[2]).toBe(
      `municipality: BROKEN: witness psychiatry holds seal 2 (witnessed at ${at(second!.witnessed_at)}), which is not here (the last seal here is seal 1): seals were removed (truncation or tail deletion)`,
    );
    expect(r.status).toBe(1);
  });

  it('names the witness of seals recomputed with the key after an event was removed, and keeps the new head as an anomaly', async () => {
    const t = await witnessedTrail();
    const [first] = await t.witnesses.psychiatry.rows();
    // remove an event of seal 1, and seal again from the start with the key: a whole chain of its own
    await t.tamper(`delete from audit_event where seq = ${t.events[1]!.seq}; truncate audit_seal`);
    expect(await sealAudit(t.sql, KEY)).toEqual({ sealed: 3, sealNo: 1 });
    const [rechained] = await t.sql<Array<{ root: string }>>`select root from audit_seal`;
    const r = t.verify();
    expect(lines(r)).toEqual([
      `municipality: 3 audit events in 3 rows, 1 seals, intact (0 rows not sealed yet; head 1:${rechained!.root})`,
      'municipality: 0 legacy audit events, chain intact',
      `municipality: BROKEN: witness psychiatry holds seal 1 (witnessed at ${at(first!.witnessed_at)}) with another root and mac than here: the seals were recomputed after it was witnessed (re-chained)`,
    ]);
    expect(r.status).toBe(1);
    // the new head reaches the witnesses: kept, as an anomaly, beside what they witnessed
    expect(await t.sending.sendNow()).toEqual({ psychiatry: 409, probation: 409 });
    expect((await t.witnesses.probation.rows()).map((x) => [x.seal_no, x.anomaly])).toEqual([
      [1, null],
      [2, null],
      [1, 'seal 1 was witnessed before with another root or mac'],
    ]);
  });

  it('lets a seal made with the key after the witnessed head pass, but names an event in it dated back before that head', async () => {
    const t = await witnessedTrail();
    const [, second] = await t.witnesses.psychiatry.rows();
    // Decided: after the last witnessed head, whoever holds HUB_AUDIT_KEY can append events and
    // seal them like the sealer; nothing outside tells them from real ones (until then, or after).
    const db = drizzle({ client: t.sql });
    await withAuditKey(KEY, () =>
      db.transaction((tx) => appendAudit(tx, caller, [{ action: 'READ', entity: 'Person', personId: 'p_now', basis: 'own case' }])),
    );
    await settled(t.sql);
    expect(await sealAudit(t.sql, KEY)).toEqual({ sealed: 1, sealNo: 3 });
    expect(t.verify().status).toBe(0);
    // One dated an hour back, into the time the witnesses already vouch for, is named.
    const back = new Date(Date.now() - 3_600_000);
    await withAuditKey(KEY, () =>
      db.transaction((tx) => appendAudit(tx, caller, [{ action: 'READ', entity: 'Person', personId: 'p_back', basis: 'own case' }], back)),
    );
    await settled(t.sql);
    expect(await sealAudit(t.sql, KEY)).toEqual({ sealed: 1, sealNo: 4 });
    const [forged] = await t.sql<Array<{ seq: number; id: string }>>`select seq::int as seq, id from audit_event where 'p_back' = any(person_ids)`;
    const r = t.verify();
    expect(lines(r)[0]).toMatch(/^municipality: 6 audit events in 6 rows, 4 seals, intact /);
    expect(lines(r)[2]).toBe(
      `municipality: BROKEN: audit event seq ${forged!.seq} (id ${forged!.id}) comes after seal 2, witnessed by psychiatry, but is dated ${back.toISOString()}, more than 300 s before that seal was made (${await latestSealedAt(t.sql, 2)}): it was added later and dated back`,
    );
    expect(second!.seal_no).toBe(2);
    expect(r.status).toBe(1);
  });
});

async function latestSealedAt(sql: postgres.Sql, sealNo: number): Promise<string> {
  const [s] = await sql<Array<{ at: string }>>`select to_json(at) #>> '{}' as at from audit_seal where seal_no = ${sealNo}`;
  return new Date(s!.at).toISOString();
}

describe('audit:verify --from-seal', { timeout: 300_000 }, () => {
  it('starts at a seal, trusting its stored head as the anchor, after the events before were dropped', async () => {
    const t = await witnessedTrail();
    // retention: seal 1's events are gone (as when their month's partition is dropped)
    await t.tamper(`delete from audit_event where seq in (${t.events[0]!.seq}, ${t.events[1]!.seq})`);
    expect(lines(t.verify())[0]).toBe('municipality: BROKEN: seal 1: it sealed 2 audit events, 0 are there (an event was removed)');
    const r = t.verify('--from-seal', '1');
    expect(r.stdout.trim()).toBe(
      [
        `municipality: seal 1 (root ${t.seals[0]!.root}) is trusted as the anchor: the seals up to it, and the events they cover, are not checked`,
        `municipality: 2 audit events in 2 rows, 1 seals after it, intact (0 rows not sealed yet; head 2:${t.seals[1]!.root})`,
        'municipality: 0 legacy audit events, chain intact',
        'municipality: witnessed by psychiatry up to seal 2, probation up to seal 2: consistent',
      ].join('\n'),
    );
    expect(r.status).toBe(0);
    // what comes after the anchor is checked as ever
    await t.tamper(`delete from audit_event where seq = ${t.events[3]!.seq}`);
    const after = t.verify('--from-seal', '1');
    expect(lines(after)[1]).toBe('municipality: BROKEN: seal 2: it sealed 2 audit events, 1 are there (an event was removed)');
    expect(after.status).toBe(1);
    const missing = t.verify('--from-seal', '7');
    expect(lines(missing)[0]).toBe('municipality: BROKEN: seal 7, the anchor to start from, is not here');
    expect(missing.status).toBe(1);
    const wrong = t.verify('--from-seal', '0');
    expect([wrong.status, wrong.stderr.trim()]).toEqual([2, '--from-seal takes a seal number (1 or more), with --subgraph']);
  });

  it('checks the anchor itself by its mac', async () => {
    const t = await witnessedTrail();
    await t.tamper(`update audit_seal set root = '${'e'.repeat(64)}' where seal_no = 1`);
    const r = t.verify('--from-seal', '1');
    expect(lines(r)[1]).toBe('municipality: BROKEN: seal 1: its mac was not made with the audit key (a forged or altered seal)');
    expect(r.status).toBe(1);
  });
});

describe('seal numbers and event order past 9', { timeout: 300_000 }, () => {
  it('seal 11 follows seal 10, and a seal over seq 9 and 10 hashes them in number order (not as text)', async () => {
    const { url, sql } = await databaseOf('municipality');
    const db = drizzle({ client: sql });
    const write = (i: number) =>
      withAuditKey(KEY, () => db.transaction((tx) => appendAudit(tx, caller, [{ action: 'READ', entity: 'Person', personId: `p_${i}`, basis: 'own case' }])));
    const sealed: unknown[] = [];
    for (let i = 1; i <= 12; i++) {
      await write(i);
      if (i === 9) continue; // seal 9 covers seq 9 and 10
      await settled(sql);
      sealed.push(await sealAudit(sql, KEY));
    }
    expect(sealed).toEqual([
      ...Array.from({ length: 8 }, (_, k) => ({ sealed: 1, sealNo: k + 1 })),
      { sealed: 2, sealNo: 9 },
      { sealed: 1, sealNo: 10 },
      { sealed: 1, sealNo: 11 },
    ]);
    const head = await latestHead(sql, 'municipality');
    expect(head!.sealNo).toBe(11);
    const r = runScript('scripts/audit-verify.ts', ['--subgraph', 'municipality'], { MUNICIPALITY_DATABASE_URL: url, HUB_AUDIT_KEY: KEY });
    expect(lines(r)[0]).toBe(`municipality: 12 audit events in 12 rows, 11 seals, intact (0 rows not sealed yet; head 11:${head!.root})`);
    expect(r.status).toBe(0);
  });
});

describe('two sealers on one database', { timeout: 300_000 }, () => {
  it('seal every event exactly once, whichever is elected, and audit:verify passes', async () => {
    const { url, sql } = await databaseOf('municipality');
    // Elected by pg_try_advisory_xact_lock: while another holds it, a sealer skips its run.
    const holder = postgres(url, { max: 1, onnotice: () => {} });
    closing.push(() => holder.end());
    await holder.begin(async (tx) => {
      await tx`select pg_advisory_xact_lock(${SEAL_LOCK_KEY})`;
      expect(await sealAudit(sql, KEY)).toEqual({ sealed: 'skipped' });
    });
    const pools = [postgres(url, { max: 2, onnotice: () => {} }), postgres(url, { max: 2, onnotice: () => {} })];
    for (const p of pools) closing.push(() => p.end());
    const sealers = pools.map((p) => startAuditSealer(p, KEY, 5, log));
    // 40 transactions of 1 to 3 rows (79 in all), 4 at a time, while both seal every 5 ms and are also asked directly
    const writer = drizzle({ client: postgres(url, { max: 4, onnotice: () => {} }) });
    closing.push(() => writer.$client.end());
    const results: unknown[] = [];
    let n = 0;
    const write = async () => {
      while (n < 40) {
        const i = n++;
        const entries = Array.from({ length: (i % 3) + 1 }, (_, k) => ({ action: 'READ', entity: `E${k}`, personId: `p_${i}_${k}`, basis: 'own case' }));
        await withAuditKey(KEY, () => writer.transaction((tx) => appendAudit(tx, caller, entries)));
        results.push(await sealers[i % 2]!.sealNow());
      }
    };
    await Promise.all([write(), write(), write(), write()]);
    await settled(sql);
    await Promise.all(sealers.map((s) => s.sealNow()));
    await Promise.all(sealers.map((s) => s.stop()));
    const [counts] = await sql<Array<{ rows: number; sealed: number }>>`
      select (select count(*)::int from audit_event) as rows, (select coalesce(sum(event_count), 0)::int from audit_seal) as sealed`;
    expect(counts).toEqual({ rows: 79, sealed: 79 });
    // every event in exactly one seal's range, and the seals numbered without gaps, each starting where the one before ended
    const covered = await sql<Array<{ n: number }>>`
      select count(s.seal_no)::int as n from audit_event e left join audit_seal s on e.xid >= s.xid_from and e.xid < s.xid_to group by e.seq`;
    expect(new Set(covered.map((c) => c.n))).toEqual(new Set([1]));
    const [chain] = await sql<Array<{ seals: number; max: number; gaps: number }>>`
      select count(*)::int as seals, max(seal_no)::int as max,
        count(*) filter (where xid_from <> coalesce(prev_to, '0'::xid8))::int as gaps
      from (select seal_no, xid_from, lag(xid_to) over (order by seal_no) as prev_to from audit_seal) s`;
    expect(chain!.gaps).toBe(0);
    expect(chain!.max).toBe(chain!.seals);
    expect(results.length).toBe(40);
    const head = await latestHead(sql, 'municipality');
    const r = runScript('scripts/audit-verify.ts', ['--subgraph', 'municipality'], { MUNICIPALITY_DATABASE_URL: url, HUB_AUDIT_KEY: KEY });
    expect(lines(r)[0]).toBe(
      `municipality: 79 audit events in 79 rows, ${chain!.seals} seals, intact (0 rows not sealed yet; head ${head!.sealNo}:${head!.root})`,
    );
    expect(r.status).toBe(0);
  });
});
