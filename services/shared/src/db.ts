/**
 * One driver everywhere: drizzle-orm over postgres.js. A subgraph keeps one
 * connection pool; each request gets its own drizzle handle over that pool
 * so that the statements it runs can be counted (development diagnostics and
 * the N+1 tests read the count).
 */
import postgres, { type Sql } from 'postgres';
import { drizzle, type PostgresJsDatabase } from 'drizzle-orm/postgres-js';
import { migrate } from 'drizzle-orm/postgres-js/migrator';

export type Db<S extends Record<string, unknown>> = PostgresJsDatabase<S>;

export function createPool(url: string, max = 10): Sql {
  return postgres(url, { max, onnotice: () => {}, idle_timeout: 30, connect_timeout: 10 });
}

export interface StatementCounter {
  count: number;
}

export function requestDb<S extends Record<string, unknown>>(pool: Sql, schema: S, counter: StatementCounter): Db<S> {
  return drizzle({
    client: pool,
    schema,
    logger: {
      logQuery: () => {
        counter.count++;
      },
    },
  });
}

/** One short-lived connection for an administrative step, always closed. */
async function withConnection<T>(url: string, step: (sql: Sql) => Promise<T>): Promise<T> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    return await step(sql);
  } finally {
    await sql.end();
  }
}

function databaseName(name: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`invalid database name ${name}`);
  return name;
}

export async function migrateDatabase(url: string, migrationsFolder: string): Promise<void> {
  await withConnection(url, (sql) => migrate(drizzle({ client: sql }), { migrationsFolder }));
}

/** Creates a database on a server if it does not exist yet (embedded mode and tests). */
export async function ensureDatabase(adminUrl: string, name: string): Promise<void> {
  databaseName(name);
  await withConnection(adminUrl, async (sql) => {
    const rows = await sql`select 1 from pg_database where datname = ${name}`;
    if (rows.length === 0) await sql.unsafe(`create database ${name}`);
  });
}

export async function dropDatabase(adminUrl: string, name: string): Promise<void> {
  databaseName(name);
  await withConnection(adminUrl, (sql) => sql.unsafe(`drop database if exists ${name} with (force)`));
}

/** The URL of database `name` on the same server as `url`. */
export function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}
