/**
 * The statements of the hot read path (db.ts's table readers, the audit insert) as named prepared
 * statements through a request's drizzle handle. drizzle sends its own statements unnamed; an
 * unnamed statement with parameters is, in postgres.js, described first and run after (two round
 * trips) and parsed and planned by PostgreSQL every time. A named one is prepared once per
 * connection and then runs in one round trip. Only statements whose text does not depend on how
 * many rows or keys a request has go this way (keys as one array, rows as one jsonb), so each
 * connection prepares a bounded set of them.
 */
import type { SQL } from 'drizzle-orm';
import type { PgDialect } from 'drizzle-orm/pg-core';
import type { Sql } from 'postgres';

/** What these statements use of a drizzle handle (a database or a transaction): its dialect and its session. */
export interface DrizzleInternals {
  dialect: PgDialect;
  session: { client: Sql; logger: { logQuery: (query: string, params: unknown[]) => void } };
}

/** Runs `query` through the handle's own client (a transaction's too), counted as drizzle counts its own; rows as arrays. */
export async function runPrepared(db: object, query: SQL): Promise<unknown[][]> {
  const { dialect, session } = db as DrizzleInternals;
  const { sql: text, params } = dialect.sqlToQuery(query);
  session.logger.logQuery(text, params);
  return (await session.client.unsafe(text, params as never[], { prepare: true }).values()) as unknown[][];
}
