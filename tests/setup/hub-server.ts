/**
 * What the tests and the benchmarks both need to run a hub of their own: a
 * PostgreSQL server (embedded in a temporary directory, or an existing one),
 * the environment every process shares (a test issuer's keys, fresh
 * secrets), databases cloned from migrated and seeded templates, and the
 * in-process stack over them. Nothing here uses vitest, so `npm run bench:*`
 * can import it.
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { SUBGRAPHS, type SubgraphName } from '../../services/shared/src/env.ts';
import { withDatabase } from '../../services/shared/src/db.ts';
import { createIssuerKeys, signToken, type IssuerKeys } from '../../services/shared/src/issuer.ts';
import type { Role } from '../../services/shared/src/caller.ts';
import { startEmbeddedPostgres } from '../../scripts/embedded-postgres.ts';
import { prepareDatabases, startStack, type Stack } from '../../scripts/stack.ts';
import { freePort } from '../helpers/processes.ts';

export interface PostgresServer {
  /** a server URL whose role may create and drop databases */
  url: string;
  stop: () => Promise<void>;
}

/** The server `url` names, or (without one) an embedded server in a temporary directory, removed on stop. */
export async function startPostgres(url: string | undefined, label: string): Promise<PostgresServer> {
  if (url) return { url, stop: async () => {} };
  const tmp = mkdtempSync(join(tmpdir(), `${label}-pg-`));
  chmodSync(tmp, 0o755); // the postgres user must reach its data directory
  try {
    const embedded = await startEmbeddedPostgres({ dataDir: join(tmp, 'data'), port: await freePort(), password: randomBytes(12).toString('hex') });
    return {
      url: embedded.url,
      stop: async () => {
        await embedded.stop();
        rmSync(tmp, { recursive: true, force: true });
      },
    };
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
}

/** A database name prefix of this run's own (lower case, so that it is a plain SQL identifier). */
export const uniquePrefix = (label: string) => `${label}_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;

export interface HubEnv {
  /** environment common to every process: mode, issuer, JWKS, secrets */
  env: Record<string, string>;
  issuer: IssuerKeys;
  /** keys the hub does not trust */
  stranger: IssuerKeys;
}

export async function hubEnv(label: string): Promise<HubEnv> {
  const issuer = await createIssuerKeys(`${label}-`);
  const stranger = await createIssuerKeys('stranger-');
  const env = {
    HUB_MODE: 'development',
    HUB_JWT_ISSUER: `https://issuer.${label}.hub`,
    HUB_JWT_AUDIENCE: 'coordination-hub',
    HUB_JWKS: JSON.stringify({ keys: [issuer.publicJwk] }),
    HUB_GATEWAY_SECRET: randomBytes(32).toString('hex'),
    HUB_PERSON_ID_SECRET: randomBytes(32).toString('hex'),
    HUB_AUDIT_KEY: randomBytes(32).toString('hex'),
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent',
    // Test files and benchmarks send many requests as one caller; tests/gateway/limits.test.ts turns the limits on.
    // no periodic deadline sweep: tests share the databases, so a sweep on the real clock would write
    // other files' lapses into their timelines; tests sweep with runPsychiatryDeadlineSweep for one person
    HUB_SWEEP_INTERVAL_SECONDS: '0',
    HUB_RATE_LIMIT_PER_MINUTE: '0',
    HUB_RATE_LIMIT_ANON_PER_MINUTE: '0',
  };
  return { env, issuer, stranger };
}

async function admin<T>(url: string, fn: (sql: postgres.Sql) => Promise<T>): Promise<T> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    return await fn(sql);
  } finally {
    await sql.end();
  }
}

const identifier = (name: string) => {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`invalid database name ${name}`);
  return name;
};

/**
 * Four template databases `${prefix}_${subgraph}`, migrated and seeded with
 * reference data once, then closed to connections: PostgreSQL refuses to
 * copy a template while any session is connected to it, and nobody needs to.
 */
export async function prepareTemplates(url: string, prefix: string): Promise<void> {
  await prepareDatabases({ postgresUrl: url, databasePrefix: prefix });
  await admin(url, async (sql) => {
    for (const s of SUBGRAPHS) await sql.unsafe(`alter database ${identifier(`${prefix}_${s}`)} with allow_connections false`);
  });
}

/**
 * Four databases `${prefix}_${subgraph}`, each a copy of its template. Test
 * files clone at the same time; an advisory lock makes them take turns, and
 * a copy that still finds the template busy (a backend of the migration
 * that has not exited yet) is tried again.
 */
export async function cloneDatabases(url: string, templatePrefix: string, prefix: string): Promise<Record<SubgraphName, string>> {
  await admin(url, async (sql) => {
    await sql`select pg_advisory_lock(hashtext(${templatePrefix}))`;
    try {
      for (const s of SUBGRAPHS) {
        for (let attempt = 1; ; attempt++) {
          try {
            await sql.unsafe(`create database ${identifier(`${prefix}_${s}`)} template ${identifier(`${templatePrefix}_${s}`)}`);
            break;
          } catch (err) {
            if (attempt >= 5 || !/being accessed by other users/.test(String(err))) throw err;
            await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
          }
        }
      }
    } finally {
      await sql`select pg_advisory_unlock(hashtext(${templatePrefix}))`;
    }
  });
  return Object.fromEntries(SUBGRAPHS.map((s) => [s, withDatabase(url, `${prefix}_${s}`)])) as Record<SubgraphName, string>;
}

/** Drops every database whose name starts with `prefix` (connections are closed by force). */
export async function dropDatabasesStartingWith(url: string, prefix: string): Promise<void> {
  await admin(url, async (sql) => {
    const rows = await sql<Array<{ datname: string }>>`select datname from pg_database where starts_with(datname, ${identifier(prefix)})`;
    for (const { datname } of rows) await sql.unsafe(`drop database if exists ${identifier(datname)} with (force)`);
  });
}

export interface HubOptions extends HubEnv {
  postgresUrl: string;
  /** the hub's databases are `${prefix}_${subgraph}` */
  prefix: string;
  /** clone the databases from these templates (see prepareTemplates) rather than create and migrate them */
  templatePrefix?: string;
}

/** Four subgraphs and the gateway in this process, on free ports, over databases of the hub's own. */
export async function startHub(options: HubOptions): Promise<Stack> {
  const { env, issuer } = options;
  if (options.templatePrefix) await cloneDatabases(options.postgresUrl, options.templatePrefix, options.prefix);
  return startStack({
    postgresUrl: options.postgresUrl,
    databasePrefix: options.prefix,
    env,
    prepare: !options.templatePrefix,
    devTokens: (c) => signToken(issuer, { ...c, issuer: env.HUB_JWT_ISSUER!, audience: env.HUB_JWT_AUDIENCE! }),
  });
}

export interface StandaloneHub extends Stack, HubEnv {
  postgresUrl: string;
  /** a token from the hub's issuer */
  token: (caller: { org: string; roles: Role[]; name: string; sub?: string }) => Promise<string>;
  /** stops the stack, drops its databases and stops an embedded server */
  close: () => Promise<void>;
}

/** A hub of its own outside the test runner (the benchmarks): server, environment, databases and stack in one call. */
export async function startStandaloneHub(postgresUrl: string | undefined, label: string): Promise<StandaloneHub> {
  const server = await startPostgres(postgresUrl, `hub-${label}`);
  const prefix = uniquePrefix(`hub_${label}`);
  const shared = await hubEnv(label);
  try {
    const stack = await startHub({ postgresUrl: server.url, prefix, ...shared });
    let closing: Promise<void> | undefined;
    const close = () =>
      (closing ??= (async () => {
        process.off('SIGINT', interrupted).off('SIGTERM', interrupted).off('uncaughtException', failed);
        await stack.stop();
        await dropDatabasesStartingWith(server.url, prefix).catch(() => {});
        await server.stop();
      })());
    // a benchmark stopped by Ctrl-C, a timeout or an error outside its own try/finally still drops its databases
    const interrupted = (signal: NodeJS.Signals) => void close().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
    const failed = (err: unknown) => {
      console.error(err);
      void close().finally(() => process.exit(1));
    };
    process.once('SIGINT', interrupted).once('SIGTERM', interrupted).once('uncaughtException', failed);
    return {
      ...stack,
      ...shared,
      postgresUrl: server.url,
      token: (caller) => signToken(shared.issuer, { ...caller, issuer: shared.env.HUB_JWT_ISSUER!, audience: shared.env.HUB_JWT_AUDIENCE! }),
      close,
    };
  } catch (err) {
    await dropDatabasesStartingWith(server.url, prefix).catch(() => {});
    await server.stop();
    throw err;
  }
}
