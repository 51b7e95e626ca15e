/**
 * One driver everywhere: drizzle-orm over postgres.js. A subgraph keeps one
 * connection pool; each request gets its own drizzle handle over that pool
 * so that the statements it runs can be counted (development diagnostics and
 * the N+1 tests read the count).
 */
import postgres, { type Sql } from 'postgres';
import { drizzle, type PostgresJsDatabase } from 'drizzle-orm/postgres-js';
import { migrate } from 'drizzle-orm/postgres-js/migrator';
import { ensurePartitions } from './audit-seal.ts';
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

/**
 * The session-level advisory lock a database's migrations run under (advisory locks are per
 * database): replicas starting together take turns, and those after the first find nothing to do.
 */
export const MIGRATION_LOCK_KEY = '4857201130';

export interface MigrateOptions {
  /** the role the subgraph runs as, when it is not the one migrating: granted what it needs, no more (see grantRuntimeRole) */
  runtimeRole?: string | null;
}

/**
 * Brings a database up to date: the journal's migrations, then the tables every subgraph has
 * outside its journal (request_nonce) and the runtime role's grants. One connection holds the
 * migration lock throughout; whoever waits for it finds the journal applied.
 */
/** Months of audit partitions each migration run makes ready ahead: run `npm run migrate` at least once in that time. */
export const MIGRATION_PARTITION_MONTHS = 24;

export async function migrateDatabase(url: string, migrationsFolder: string, options: MigrateOptions = {}): Promise<void> {
  await withConnection(url, async (sql) => {
    await sql`select pg_advisory_lock(${MIGRATION_LOCK_KEY}::bigint)`;
    try {
      await migrate(drizzle({ client: sql }), { migrationsFolder });
      await ensurePlatformTables(sql);
      // As the owner: the audit partitions of this month and the next 24 (a runtime role cannot create them).
      await ensurePartitions(sql, undefined, new Date(), MIGRATION_PARTITION_MONTHS);
      if (options.runtimeRole) await grantRuntimeRole(sql, options.runtimeRole);
    } finally {
      await sql`select pg_advisory_unlock(${MIGRATION_LOCK_KEY}::bigint)`;
    }
  });
}

/**
 * request_nonce: the signature nonces this database's replicas have accepted, so that a signed
 * request is accepted once by whichever replica gets it first (services/shared/src/nonce-store.ts).
 * UNLOGGED: a crash of PostgreSQL empties it, which reopens only signatures still fresh at that
 * moment (HUB_SIGNATURE_MAX_AGE_SECONDS), each bound to its subgraph, path, body, token and clock.
 */
async function ensurePlatformTables(sql: Sql): Promise<void> {
  await sql`create unlogged table if not exists request_nonce (nonce text primary key, expires_at timestamptz not null)`;
  await sql`create index if not exists request_nonce_expires_idx on request_nonce (expires_at)`;
}

/**
 * What the runtime role may do, whatever tables the migrations made: SELECT, INSERT, UPDATE and
 * DELETE on the domain tables, only SELECT and INSERT on the audit tables (every table whose name
 * starts with audit_), USAGE and SELECT on the sequences, and nothing it owns: it cannot alter a
 * table, drop or disable its triggers, or truncate it. Run after every migration, so tables that
 * later migrations add are covered too.
 */
export async function grantRuntimeRole(sql: Sql, role: string): Promise<void> {
  const [found] = await sql<Array<{ owns: number; superuser: boolean }>>`
    select (select count(*)::int from pg_class c join pg_namespace n on n.oid = c.relnamespace
             where n.nspname = 'public' and c.relowner = r.oid) as owns,
           r.rolsuper as superuser
    from pg_roles r where r.rolname = ${role}`;
  if (!found) throw new Error(`the runtime role ${role} does not exist; create it (a login role with a password of its own) before migrating`);
  if (found.superuser) throw new Error(`the runtime role ${role} is a superuser; it must be an ordinary login role`);
  if (found.owns > 0) throw new Error(`the runtime role ${role} owns tables in this database; the owner role must own them`);
  const db = await sql<Array<{ name: string }>>`select current_database() as name`;
  await sql`grant connect on database ${sql(db[0]!.name)} to ${sql(role)}`;
  await sql`grant usage on schema public to ${sql(role)}`;
  const tables = await sql<Array<{ name: string }>>`select tablename as name from pg_tables where schemaname = 'public' order by tablename`;
  for (const { name } of tables) {
    await sql`revoke all on table ${sql(name)} from ${sql(role)}`;
    if (name.startsWith('audit_')) await sql`grant select, insert on table ${sql(name)} to ${sql(role)}`;
    else await sql`grant select, insert, update, delete on table ${sql(name)} to ${sql(role)}`;
  }
  await sql`grant usage, select on all sequences in schema public to ${sql(role)}`;
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

export { withDatabase } from './database-url.ts';
