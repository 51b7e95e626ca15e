/**
 * One driver everywhere: drizzle-orm over postgres.js. A subgraph keeps one
 * connection pool; each request gets its own drizzle handle over that pool
 * so that the statements it runs can be counted (development diagnostics and
 * the N+1 tests read the count).
 */
import postgres, { type Sql } from 'postgres';
import { drizzle, type PostgresJsDatabase } from 'drizzle-orm/postgres-js';
import { migrate } from 'drizzle-orm/postgres-js/migrator';
import { count, type SQL } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';

export type Db<S extends Record<string, unknown>> = PostgresJsDatabase<S>;

/** What the shared table readers ask of a request's database handle, whichever subgraph's schema it was opened with. */
export type AnyDb = Pick<Db<Record<string, unknown>>, 'select'>;
export type RowOf<T extends PgTable> = T['$inferSelect'];

/** The rows of one table that match `where`, in `orderBy` order (at most `limit`). */
export function selectRows<T extends PgTable>(db: AnyDb, table: T, where: SQL | undefined, orderBy: SQL[], limit?: number): Promise<Array<RowOf<T>>> {
  // drizzle cannot name the row type of a table known only as a type parameter: select from it as any
  // table, and give the rows the type they have, the table's $inferSelect
  const from: PgTable = table;
  const query = db
    .select()
    .from(from)
    .where(where)
    .orderBy(...orderBy);
  const rows: Promise<unknown> = limit === undefined ? query : query.limit(limit);
  return rows as Promise<Array<RowOf<T>>>;
}

/** How many rows of one table match `where`. */
export async function countRows(db: AnyDb, table: PgTable, where: SQL | undefined): Promise<number> {
  const [row] = await db.select({ n: count() }).from(table).where(where);
  return row?.n ?? 0;
}

/**
 * The subgraphs' pool. JIT compilation is off for its sessions: every statement the hub runs
 * takes milliseconds, while PostgreSQL compiles once a plan's estimated cost passes
 * jit_above_cost, which a set-returning function over jsonb reaches easily (it is estimated at
 * 100 rows a call): psychiatry's indicators spent 1.5 s of a 1.55 s statement compiling.
 */
export function createPool(url: string, max = 10): Sql {
  return postgres(url, { max, onnotice: () => {}, idle_timeout: 30, connect_timeout: 10, connection: { jit: 'off' } });
}

export interface StatementCounter {
  count: number;
}

/** Told of each statement when it starts; the function it returns is called when it ends (with its error, if any). */
export type StatementObserver = (statement: string) => (error?: unknown) => void;

/**
 * The pool as drizzle sees it, with every statement observed (metrics, trace spans). drizzle runs
 * statements through `unsafe` (and `.values()` on it), transactions through `begin` and
 * `savepoint`; postgres.js runs a query when it is first awaited, which is when it is observed.
 */
export function observedSql(pool: Sql, observe: StatementObserver): Sql {
  const query = <Q extends object>(q: Q, statement: string): Q =>
    new Proxy(q, {
      get(target, prop) {
        if (prop === 'values' || prop === 'raw')
          return (...args: unknown[]) => query((target as Record<string, (...a: unknown[]) => object>)[prop]!(...args), statement);
        if (prop === 'then') {
          return (onFulfilled?: (v: unknown) => unknown, onRejected?: (e: unknown) => unknown) => {
            const end = observe(statement);
            return (target as unknown as Promise<unknown>)
              .then(
                (v) => {
                  end();
                  return v;
                },
                (e: unknown) => {
                  end(e);
                  throw e;
                },
              )
              .then(onFulfilled, onRejected);
          };
        }
        const v: unknown = Reflect.get(target, prop, target);
        return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
      },
    });
  const client = (sql: Sql): Sql =>
    new Proxy(sql, {
      get(target, prop) {
        if (prop === 'unsafe') return (text: string, ...rest: unknown[]) => query((target.unsafe as (...a: unknown[]) => object)(text, ...rest), text);
        if (prop === 'begin' || prop === 'savepoint') {
          return (...args: unknown[]) => {
            const fn = args.pop() as (tx: Sql) => unknown;
            return (Reflect.get(target, prop, target) as (...a: unknown[]) => unknown).call(target, ...args, (tx: Sql) => fn(client(tx)));
          };
        }
        const v: unknown = Reflect.get(target, prop, target);
        return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
      },
    });
  return client(pool);
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
