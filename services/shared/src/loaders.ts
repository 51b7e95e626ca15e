/**
 * DataLoader shapes every subgraph uses: one row per key, or all rows of a
 * key. Each batch is one query (`WHERE key = ANY(...)`); results come back
 * in key order. Loaders are built per request, never shared between users.
 */
import DataLoader from 'dataloader';
import { and, sql, type SQL } from 'drizzle-orm';
import type { AnyPgColumn, PgTable } from 'drizzle-orm/pg-core';
import { selectRows, type AnyDb, type RowOf } from './db.ts';
import { isUuid } from './ids.ts';

export { isUuid };

/** One row per key (null for a miss). `validKey` filters keys that cannot exist (e.g. not a UUID) without a query. */
export function rowLoader<R, K extends string = string>(
  fetch: (keys: K[]) => Promise<R[]>,
  keyOf: (row: R) => K,
  validKey: (key: K) => boolean = () => true,
): DataLoader<K, R | null> {
  return new DataLoader<K, R | null>(async (keys) => {
    const wanted = [...new Set(keys.filter(validKey))];
    const rows = wanted.length ? await fetch(wanted) : [];
    const byKey = new Map(rows.map((r) => [keyOf(r), r]));
    return keys.map((k) => byKey.get(k) ?? null);
  });
}

/** All rows of each key, in the order the query returned them. */
export function groupLoader<R, K extends string = string>(
  fetch: (keys: K[]) => Promise<R[]>,
  keyOf: (row: R) => K,
  validKey: (key: K) => boolean = () => true,
): DataLoader<K, R[]> {
  return new DataLoader<K, R[]>(async (keys) => {
    const wanted = [...new Set(keys.filter(validKey))];
    const rows = wanted.length ? await fetch(wanted) : [];
    const byKey = new Map<K, R[]>();
    for (const r of rows) {
      const k = keyOf(r);
      const list = byKey.get(k);
      if (list) list.push(r);
      else byKey.set(k, [r]);
    }
    return keys.map((k) => byKey.get(k) ?? []);
  });
}

/**
 * `column = any($1)`, the keys as one array parameter: the statement's text is the same for 1 key
 * as for 200, so each connection prepares it once (db.ts, runPrepared). PostgreSQL gives the
 * parameter the array type of the column.
 */
export const anyOf = (column: AnyPgColumn, keys: readonly string[]): SQL => sql`${column} = any(${sql.param(keys)})`;

/** A column of the table that is also a string-valued field of its rows (a key to batch by). */
type KeyField<T extends PgTable> = { [F in keyof RowOf<T> & keyof T]: RowOf<T>[F] extends string | null ? F : never }[keyof RowOf<T> & keyof T];

/** Rows of `table` by their `key` column (its id, say), one per key. */
export function tableRowLoader<T extends PgTable, F extends KeyField<T>>(db: AnyDb, table: T, key: F, validKey?: (key: string) => boolean) {
  const column = table[key] as unknown as AnyPgColumn;
  return rowLoader<RowOf<T>>(
    (keys) => selectRows(db, table, anyOf(column, keys), []),
    (r) => r[key] as string,
    validKey,
  );
}

/**
 * All rows of `table` whose `key` column is each key, in `orderBy` order. With `visible`, only the rows
 * the caller may see (the loaders are built per caller): null is the caller's policy seeing none, and no query is made.
 */
export function tableGroupLoader<T extends PgTable, F extends KeyField<T>>(
  db: AnyDb,
  table: T,
  key: F,
  orderBy: SQL[],
  options: { visible?: SQL | null; validKey?: (key: string) => boolean } = {},
) {
  const column = table[key] as unknown as AnyPgColumn;
  const { visible } = options;
  return groupLoader<RowOf<T>>(
    (keys) => (visible === null ? Promise.resolve([]) : selectRows(db, table, and(anyOf(column, keys), visible), orderBy)),
    (r) => (r[key] as string | null) ?? '',
    options.validKey,
  );
}
