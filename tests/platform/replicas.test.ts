/**
 * Replicas of one subgraph over one database, behind the gateway (through a
 * round-robin proxy here, as behind a Kubernetes Service): both answer, and a
 * signed request is accepted once by whichever replica gets it first, then
 * refused by every replica, the first included. Migrations started by two
 * replicas at once on a new database both succeed, and apply the journal once.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SUBGRAPHS } from '../../services/shared/src/env.ts';
import { dropDatabase, ensureDatabase, migrateDatabase, withDatabase } from '../../services/shared/src/db.ts';
import type { RunningSubgraph } from '../../services/shared/src/subgraph.ts';
import { postgresNonceStore } from '../../services/shared/src/nonce-store.ts';
import type { RunningGateway } from '../../gateway/src/server.ts';
import { psychiatry } from '../../services/psychiatry/src/server.ts';
import { gql, hub, subgraphRequest } from '../helpers/hub.ts';
import { exited, runScript, startScript } from '../helpers/processes.ts';
import { coordinator19 } from '../helpers/withdrawal.ts';
import type { RoundRobin } from '../helpers/round-robin.ts';
import { psychiatryReplicas, type PsychiatryReplicas } from '../helpers/replicas.ts';

const WARDS = '{ wards { id places } }';

describe('two replicas of the psychiatry subgraph over one database', () => {
  let r: PsychiatryReplicas;
  let a: RunningSubgraph;
  let b: RunningSubgraph;
  let proxy: RoundRobin;
  let gateway: RunningGateway;

  beforeAll(async () => {
    r = await psychiatryReplicas();
    ({ a, b, proxy, gateway } = r);
  });

  afterAll(async () => {
    await r?.close();
  });

  it('answer the gateway in turn, with the same data', async () => {
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await gql(WARDS, {}, { as: coordinator19, url: gateway.url }));
    for (const r of answers) {
      expect(r.status).toBe(200);
      expect(r.errors).toBeUndefined();
      expect(r.data).toEqual(answers[0]!.data);
    }
    expect((answers[0]!.data as { wards: unknown[] }).wards.length).toBeGreaterThan(0);
    expect(proxy.served).toEqual([2, 2]);
  });

  it('accept a signed request once: the replica that got it first, and the other, refuse it afterwards', async () => {
    const first = await subgraphRequest('psychiatry', '{ __typename }', { as: coordinator19, url: a.url });
    expect(first.status).toBe(200);
    expect(first.body.data).toEqual({ __typename: 'Query' });

    const atB = await subgraphRequest('psychiatry', '{ __typename }', { url: b.url, reuse: first.signature });
    expect(atB.status).toBe(401);
    expect(atB.body).toEqual({ errors: [{ message: 'The request was already received once (replay refused).', extensions: { code: 'UNAUTHENTICATED' } }] });

    const againAtA = await subgraphRequest('psychiatry', '{ __typename }', { url: a.url, reuse: first.signature });
    expect(againAtA.status).toBe(401);
    expect(againAtA.body.errors[0].message).toBe('The request was already received once (replay refused).');
  });

  it('refuse at the first replica a request captured before the second accepted it', async () => {
    const first = await subgraphRequest('psychiatry', '{ __typename }', { as: coordinator19, url: b.url });
    expect(first.status).toBe(200);
    const atA = await subgraphRequest('psychiatry', '{ __typename }', { url: a.url, reuse: first.signature });
    expect(atA.status).toBe(401);
    expect(atA.body.errors[0].message).toBe('The request was already received once (replay refused).');
  });

  it('keep each accepted nonce in the database until it expires; pruning removes the expired only, a bounded batch at a time', async () => {
    const sql = postgres(hub().databaseUrls.psychiatry, { max: 1, onnotice: () => {} });
    try {
      const past = Date.now() - 60_000;
      const store = postgresNonceStore(sql, { pruneBatch: 2 });
      for (const n of ['expired-1', 'expired-2', 'expired-3']) expect(await store.claim(n, past)).toBe(true);
      expect(await store.claim('fresh-1', Date.now() + 60_000)).toBe(true);
      expect(await store.claim('fresh-1', Date.now() + 60_000)).toBe(false);
      expect(await store.prune()).toBe(2);
      expect(await store.prune()).toBe(1);
      expect(await store.prune()).toBe(0);
      const left = await sql<Array<{ nonce: string }>>`select nonce from request_nonce where nonce in ('expired-1', 'expired-2', 'expired-3', 'fresh-1')`;
      expect(left.map((r) => r.nonce)).toEqual(['fresh-1']);
      const [kind] = await sql<Array<{ persistence: string }>>`select relpersistence as persistence from pg_class where relname = 'request_nonce'`;
      expect(kind!.persistence).toBe('u'); // unlogged
    } finally {
      await sql.end();
    }
  });
});

describe('migrations', () => {
  const journal = (folder: string) => (JSON.parse(readFileSync(join(folder, 'meta/_journal.json'), 'utf8')) as { entries: unknown[] }).entries.length;

  it('started twice at once on a new database, both succeed and the journal is applied once', async () => {
    const h = hub();
    const name = `${h.prefix}_race`;
    await ensureDatabase(h.postgresUrl, name);
    const url = withDatabase(h.postgresUrl, name);
    try {
      const results = await Promise.allSettled([migrateDatabase(url, psychiatry.migrationsFolder), migrateDatabase(url, psychiatry.migrationsFolder)]);
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled']);
      const sql = postgres(url, { max: 1, onnotice: () => {} });
      try {
        const [applied] = await sql<Array<{ n: number }>>`select count(*)::int as n from drizzle.__drizzle_migrations`;
        expect(applied!.n).toBe(journal(psychiatry.migrationsFolder));
        const [tables] = await sql<Array<{ n: number }>>`select count(*)::int as n from pg_tables where tablename in ('ward', 'audit_event', 'request_nonce')`;
        expect(tables!.n).toBe(3);
      } finally {
        await sql.end();
      }
    } finally {
      await dropDatabase(h.postgresUrl, name);
    }
  });

  it('two subgraph processes started at once on a new database both migrate (taking turns) and listen; with HUB_MIGRATE_ON_START=false, one does not migrate; SIGTERM stops each with exit 0', async () => {
    const h = hub();
    const name = `${h.prefix}_procs`;
    const bare = `${h.prefix}_bare`;
    await ensureDatabase(h.postgresUrl, name);
    await ensureDatabase(h.postgresUrl, bare);
    const env = (db: string, extra: Record<string, string> = {}) => ({
      ...h.env,
      LOG_LEVEL: 'info',
      HOST: '127.0.0.1',
      PSYCHIATRY_DATABASE_URL: withDatabase(h.postgresUrl, db),
      PSYCHIATRY_PORT: '0',
      ...extra,
    });
    const stopped: unknown[] = [];
    const processes = [
      startScript('services/psychiatry/src/index.ts', env(name)),
      startScript('services/psychiatry/src/index.ts', env(name)),
      startScript('services/psychiatry/src/index.ts', env(bare, { HUB_MIGRATE_ON_START: 'false' })),
    ];
    try {
      await Promise.all(processes.map((p) => p.waitFor(/subgraph listening/, 100_000)));
      const sql = postgres(withDatabase(h.postgresUrl, name), { max: 1, onnotice: () => {} });
      try {
        const [applied] = await sql<Array<{ n: number }>>`select count(*)::int as n from drizzle.__drizzle_migrations`;
        expect(applied!.n).toBe(journal(psychiatry.migrationsFolder));
        const [seeded] = await sql<Array<{ n: number }>>`select count(*)::int as n from seed_run`;
        expect(seeded!.n).toBe(1);
      } finally {
        await sql.end();
      }
      const untouched = postgres(withDatabase(h.postgresUrl, bare), { max: 1, onnotice: () => {} });
      try {
        expect(await untouched`select to_regclass('ward')::text as ward, to_regclass('request_nonce')::text as nonce`).toEqual([{ ward: null, nonce: null }]);
      } finally {
        await untouched.end();
      }
      expect(processes[2]!.output()).toContain('HUB_MIGRATE_ON_START=false: not migrating');
    } finally {
      // SIGTERM, as Kubernetes and docker stop a container: each subgraph stops and exits 0
      for (const p of processes) p.child.kill('SIGTERM');
      const codes = await Promise.all(
        processes.map((p) => Promise.race([exited(p.child), new Promise((resolve) => setTimeout(() => resolve('running'), 15_000))])),
      );
      // tsx runs the subgraph as a child process of its own: one still running is stopped by its parent's pid, then tsx
      for (const p of processes) {
        if (p.child.exitCode !== null) continue;
        spawnSync('pkill', ['-KILL', '-P', String(p.child.pid)]);
        p.child.kill('SIGKILL');
      }
      await Promise.all(processes.map((p) => exited(p.child)));
      stopped.push(...codes);
      await dropDatabase(h.postgresUrl, name);
      await dropDatabase(h.postgresUrl, bare);
    }
    expect(stopped).toEqual([0, 0, 0]);
  }, 150_000); // three processes start on a shared machine

  it('npm run migrate migrates every database the environment names, and exits 0; again, it finds nothing to do', async () => {
    const h = hub();
    const urls = Object.fromEntries(SUBGRAPHS.map((s) => [s, withDatabase(h.postgresUrl, `${h.prefix}_cli_${s}`)]));
    try {
      for (const s of SUBGRAPHS) await ensureDatabase(h.postgresUrl, `${h.prefix}_cli_${s}`);
      const env = Object.fromEntries(SUBGRAPHS.map((s) => [`${s.toUpperCase()}_DATABASE_URL`, urls[s]!]));
      const first = runScript('scripts/migrate.ts', [], env);
      expect(first.stderr).toBe('');
      expect(first.status).toBe(0);
      expect(first.stdout.trim().split('\n')).toEqual(SUBGRAPHS.map((s) => `${s}: migrated`));
      const again = runScript('scripts/migrate.ts', [], env);
      expect(again.status).toBe(0);
      const sql = postgres(urls.clinics!, { max: 1, onnotice: () => {} });
      try {
        const [seeded] = await sql<Array<{ n: number }>>`select count(*)::int as n from seed_run where name = 'reference'`;
        expect(seeded!.n).toBe(1);
      } finally {
        await sql.end();
      }
    } finally {
      for (const s of SUBGRAPHS) await dropDatabase(h.postgresUrl, `${h.prefix}_cli_${s}`);
    }
  }, 120_000); // two runs of four migrations as child processes: about 24 s alone, more on a busy machine

  it('npm run migrate names a missing database URL and exits 78 before touching any database', () => {
    const r = runScript('scripts/migrate.ts', ['--subgraph', 'probation'], {});
    expect(r.status).toBe(78);
    expect(r.stderr).toContain('PROBATION_DATABASE_URL is required');
  });
});
