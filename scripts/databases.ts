/**
 * The databases of `npm start`: the PostgreSQL server (embedded, or the one
 * HUB_POSTGRES_URL names), one database per subgraph, migrations, reference
 * data and demo data. A warm start finds every database at the latest
 * migration with its reference and demo data in place, and then only checks
 * that (one query per database) instead of running the migrator and the
 * seeds again.
 *
 * Light on purpose: it imports no subgraph server, no Apollo and no gateway,
 * so that `npm start` can run it in a worker thread (scripts/run.mjs
 * --early) while the main thread loads those; and on a warm start not even
 * drizzle's schemas, the seeds or the migrator (loaded when needed).
 */
import { readMigrationFiles } from 'drizzle-orm/migrator';
import postgres from 'postgres';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { EarlyWorker } from './early.ts';
import { SUBGRAPHS, type SubgraphName } from '../services/shared/src/env.ts';
import { withDatabase } from '../services/shared/src/database-url.ts';
import { startEmbeddedPostgres } from './embedded-postgres.ts';
import { EMBEDDED_PG_PORT, loadOrCreateLocalState, PG_DATA_DIR, type LocalState } from './local-state.ts';

/**
 * What preparing a subgraph's database takes: the same folder and reference seed as its module in scripts/stack.ts
 * (a test checks). The seed is loaded when a database needs preparing only: a warm start loads neither the seeds
 * nor drizzle's schemas.
 */
export const PREPARATION: Record<SubgraphName, { migrationsFolder: string; seedReference: () => Promise<(url: string) => Promise<void>> }> = {
  municipality: { migrationsFolder: folder('municipality'), seedReference: async () => (await import('../services/municipality/src/seed.ts')).seedReference },
  psychiatry: { migrationsFolder: folder('psychiatry'), seedReference: async () => (await import('../services/psychiatry/src/seed.ts')).seedReference },
  probation: { migrationsFolder: folder('probation'), seedReference: async () => (await import('../services/probation/src/seed.ts')).seedReference },
  clinics: { migrationsFolder: folder('clinics'), seedReference: async () => (await import('../services/clinics/src/seed.ts')).seedReference },
};

function folder(name: SubgraphName): string {
  return fileURLToPath(new URL(`../services/${name}/drizzle`, import.meta.url));
}

/** The seeds a full start leaves in every database's seed_run. */
export const START_SEEDS = ['reference', 'demo'] as const;

export interface Readiness {
  /** tags of the migrations in the folder that the database has not recorded (with the same hash) */
  missingMigrations: string[];
  /** START_SEEDS not in seed_run */
  missingSeeds: string[];
  /** the database does not exist */
  missingDatabase: boolean;
}

/** What one database lacks for a start to use it as it is. */
export async function readiness(url: string, migrationsFolder: string): Promise<Readiness> {
  const migrations = readMigrationFiles({ migrationsFolder });
  const journal = JSON.parse(readFileSync(`${migrationsFolder}/meta/_journal.json`, 'utf8')) as { entries: Array<{ tag: string }> };
  const tags = journal.entries.map((e) => e.tag);
  const none: Readiness = { missingMigrations: tags, missingSeeds: [...START_SEEDS], missingDatabase: false };
  const sql = postgres(url, { max: 1, onnotice: () => {}, connect_timeout: 10 });
  try {
    const [tables] = await sql<Array<{ migrations: string | null; seeds: string | null }>>`
      select to_regclass('drizzle.__drizzle_migrations')::text as migrations, to_regclass('public.seed_run')::text as seeds`;
    const applied = tables!.migrations
      ? new Set((await sql<Array<{ key: string }>>`select hash || ':' || created_at as key from drizzle.__drizzle_migrations`).map((r) => r.key))
      : new Set<string>();
    const seeds = tables!.seeds ? new Set((await sql<Array<{ name: string }>>`select name from seed_run`).map((r) => r.name)) : new Set<string>();
    return {
      missingMigrations: migrations.flatMap((m, i) => (applied.has(`${m.hash}:${m.folderMillis}`) ? [] : [tags[i]!])),
      missingSeeds: START_SEEDS.filter((s) => !seeds.has(s)),
      missingDatabase: false,
    };
  } catch (err) {
    if ((err as { code?: string }).code === '3D000') return { ...none, missingDatabase: true }; // no such database
    throw err;
  } finally {
    await sql.end();
  }
}

export const isReady = (r: Readiness) => !r.missingDatabase && r.missingMigrations.length === 0 && r.missingSeeds.length === 0;

/** Databases `${prefix}_${subgraph}` on the server: checked, and made, migrated and seeded unless every one is ready. */
export async function prepareStartDatabases(
  postgresUrl: string,
  prefix: string,
  personIdSecret: string,
  /** HUB_AUDIT_KEY of the subgraphs that will serve these databases: it keys the demo data's audit events */
  auditKey: string,
): Promise<{ databaseUrls: Record<SubgraphName, string>; prepared: boolean; seeded: boolean }> {
  const databaseUrls = Object.fromEntries(SUBGRAPHS.map((s) => [s, withDatabase(postgresUrl, `${prefix}_${s}`)])) as Record<SubgraphName, string>;
  const checks = await Promise.all(SUBGRAPHS.map((s) => readiness(databaseUrls[s], PREPARATION[s].migrationsFolder)));
  if (checks.every(isReady)) return { databaseUrls, prepared: false, seeded: false };
  const { ensureDatabase, migrateDatabase } = await import('../services/shared/src/db.ts');
  await Promise.all(
    SUBGRAPHS.map(async (s) => {
      await ensureDatabase(postgresUrl, `${prefix}_${s}`);
      await migrateDatabase(databaseUrls[s], PREPARATION[s].migrationsFolder);
      await (
        await PREPARATION[s].seedReference()
      )(databaseUrls[s]);
    }),
  );
  // the demo data's builders load the domain modules: only when there is something to seed
  const { seedDemo } = await import('./demo-data.ts');
  // the demo data's audit events are keyed as the subgraphs key theirs (audit.ts)
  const { withAuditKey } = await import('../services/shared/src/audit.ts');
  const seeded = await withAuditKey(auditKey, () => seedDemo(databaseUrls, personIdSecret));
  return { databaseUrls, prepared: true, seeded };
}

/** Everything of the development installation a start needs before its subgraphs can listen. */
export interface StartDatabases {
  state: LocalState;
  postgresUrl: string;
  /** where the embedded server keeps its data; absent with HUB_POSTGRES_URL */
  embeddedDataDir?: string;
  databaseUrls: Record<SubgraphName, string>;
  seeded: boolean;
  /** stops the embedded server (nothing with HUB_POSTGRES_URL) */
  stop: () => Promise<void>;
}

/**
 * The local state (made on first start), the server (the embedded one is
 * started) and the four databases, ready. `onServer` learns the embedded
 * server as soon as it runs, so that a failure after it still stops it.
 */
export async function openStartDatabases(onServer?: (stop: () => Promise<void>) => void): Promise<StartDatabases> {
  const state = await loadOrCreateLocalState();
  let postgresUrl = process.env.HUB_POSTGRES_URL;
  let embeddedDataDir: string | undefined;
  let stop = async () => {};
  if (!postgresUrl) {
    const embedded = await startEmbeddedPostgres({ dataDir: PG_DATA_DIR, port: EMBEDDED_PG_PORT, password: state.pgPassword, ownProcessGroup: true });
    onServer?.(embedded.stop);
    postgresUrl = embedded.url;
    embeddedDataDir = embedded.dataDir;
    stop = embedded.stop;
  }
  try {
    const { databaseUrls, seeded } = await prepareStartDatabases(postgresUrl, 'hub', state.personIdSecret, state.auditKey);
    return { state, postgresUrl, ...(embeddedDataDir ? { embeddedDataDir } : {}), databaseUrls, seeded, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/**
 * The databases as the worker of scripts/databases-worker.ts opens them; `stop` asks it to stop the embedded server.
 * A failure is an Error whose `plain` says the message is to be shown as it is (a configuration error).
 */
export function fromWorker({ worker, port }: EarlyWorker, onServer?: (stop: () => Promise<void>) => void): Promise<StartDatabases> {
  const stop = () =>
    new Promise<void>((resolveStop) => {
      if (exited) return resolveStop();
      const done = (m: { stopped?: boolean }) => {
        if (m.stopped) resolveStop();
      };
      port.on('message', done);
      worker.once('exit', () => resolveStop());
      port.postMessage('stop');
    });
  let exited = false;
  worker.once('exit', () => (exited = true));
  // the worker may have started the server before it failed: stop asks it in any case
  onServer?.(stop);
  return new Promise((resolveOpen, reject) => {
    port.on('message', (m: { ready?: Omit<StartDatabases, 'stop'>; error?: string; config?: boolean }) => {
      if (m.ready) resolveOpen({ ...m.ready, stop });
      else if (m.error !== undefined) reject(Object.assign(new Error(m.error), { plain: m.config === true }));
    });
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the databases' worker stopped (${code})`)));
  });
}
