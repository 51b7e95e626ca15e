/**
 * The one way every subgraph pages a list (keyset pagination): rows are ordered by one or
 * more key columns ending in a unique id, a cursor is the last row's key values, opaque to
 * callers, and the next page starts strictly after it. Each key has a kind, so a cursor is
 * checked before any of it reaches SQL (a forged cursor is BAD_USER_INPUT, never a database
 * error).
 */
import { and, asc, desc, eq, sql, type SQL } from 'drizzle-orm';
import type { AnyPgColumn, PgTable } from 'drizzle-orm/pg-core';
import { countAndSelectRows, countRows, selectRows, type AnyDb, type RowOf } from './db.ts';
import { badInput } from './errors.ts';
import { requirePersonId } from './federation.ts';
import { isUuid } from './ids.ts';
import { isCalendarDate } from './time.ts';
import { t, type Wording } from './i18n.ts';

export type KeyKind = 'instant' | 'date' | 'uuid' | 'int';
type KeyValue = string | number;

export interface PageKey<R> {
  column: AnyPgColumn | SQL;
  kind: KeyKind;
  of: (row: R) => Date | string | number;
}

/**
 * The order most lists take: one column of the row (a time or a day), then the row's id, which is
 * unique, so that rows sharing the first value keep a stable order across pages.
 */
export function thenById<T extends PgTable & { id: AnyPgColumn; $inferSelect: { id: string } }, F extends keyof T & keyof RowOf<T> & string>(
  table: T,
  field: F,
  kind: Exclude<KeyKind, 'uuid'>,
): PageKey<RowOf<T>>[] {
  return [
    { column: table[field] as AnyPgColumn, kind, of: (row) => row[field] as Date | string | number },
    { column: table.id, kind: 'uuid', of: (row) => row.id },
  ];
}

export interface PageArgs {
  first?: number | null;
  after?: string | null;
}

export interface Connection<T> {
  nodes: T[];
  totalCount: number;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

const CAST: Record<KeyKind, SQL> = { instant: sql`timestamptz`, date: sql`date`, uuid: sql`uuid`, int: sql`bigint` };

const VALID: Record<KeyKind, (v: unknown) => boolean> = {
  instant: (v) => typeof v === 'string' && !Number.isNaN(Date.parse(v)),
  date: (v) => typeof v === 'string' && isCalendarDate(v),
  uuid: (v) => typeof v === 'string' && isUuid(v),
  int: (v) => typeof v === 'number' && Number.isSafeInteger(v),
};

const STALE_CURSOR = t`This cursor is not one the hub gave out; pass the endCursor of the previous page.`;

export function encodeCursor(values: Array<Date | string | number>): string {
  return Buffer.from(JSON.stringify(values.map((v) => (v instanceof Date ? v.toISOString() : v)))).toString('base64url');
}

export function decodeCursor(cursor: string, kinds: readonly KeyKind[], field = 'after'): KeyValue[] {
  let values: unknown;
  try {
    values = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw badInput(field, STALE_CURSOR);
  }
  if (!Array.isArray(values) || values.length !== kinds.length || !kinds.every((k, i) => VALID[k](values[i]))) throw badInput(field, STALE_CURSOR);
  return values as KeyValue[];
}

export function pageSize(first: number | null | undefined, what: Wording, fallback = 20, max = 200): number {
  const n = first ?? fallback;
  if (!Number.isInteger(n) || n < 1 || n > max) throw badInput('first', t`Ask for 1 to ${max} ${what} per page.`);
  return n;
}

/** The condition "after this cursor" for keys in one direction: a row comparison PostgreSQL answers from an index on the keys. */
function afterCursor<R>(keys: readonly PageKey<R>[], values: KeyValue[], direction: 'asc' | 'desc'): SQL {
  const columns = sql.join(
    keys.map((k) => sql`${k.column}`),
    sql`, `,
  );
  const bound = sql.join(
    keys.map((k, i) => sql`${values[i]}::${CAST[k.kind]}`),
    sql`, `,
  );
  return direction === 'asc' ? sql`(${columns}) > (${bound})` : sql`(${columns}) < (${bound})`;
}

export interface PageSpec<R> {
  /** what is listed, for the page-size message ("orders") */
  what: Wording;
  defaultSize?: number;
  maxSize?: number;
  direction: 'asc' | 'desc';
  /** the order of the list; the last key must be unique (the row's id) */
  keys: readonly PageKey<R>[];
  /** the filters of the whole list (the total counts them too) */
  where: SQL[];
  count: (where: SQL | undefined) => Promise<number>;
  /** the page's rows, ordered by the keys in `direction`, at most `limit` */
  rows: (where: SQL | undefined, limit: number) => Promise<R[]>;
  /** both at once (one statement), when the list can: the total of `counted` and the page of `where` */
  countAndRows?: (counted: SQL | undefined, where: SQL | undefined, limit: number) => Promise<{ total: number; rows: R[] }>;
}

/** One page of a list and its total; `rows` are the stored rows of the page, before any per-row access check. */
export async function paginate<R>(args: PageArgs, spec: PageSpec<R>): Promise<Connection<R>> {
  const first = pageSize(args.first, spec.what, spec.defaultSize, spec.maxSize);
  const kinds = spec.keys.map((k) => k.kind);
  const page = [...spec.where];
  if (args.after !== null && args.after !== undefined) page.push(afterCursor(spec.keys, decodeCursor(args.after, kinds), spec.direction));
  const [totalCount, rows] = spec.countAndRows
    ? await spec.countAndRows(and(...spec.where), and(...page), first + 1).then(({ total, rows }) => [total, rows] as const)
    : await Promise.all([spec.count(and(...spec.where)), spec.rows(and(...page), first + 1)]);
  const nodes = rows.slice(0, first);
  const last = nodes.at(-1);
  return {
    nodes,
    totalCount,
    pageInfo: { hasNextPage: rows.length > first, endCursor: last ? encodeCursor(spec.keys.map((k) => k.of(last))) : null },
  };
}

/** One page of a list read from one table: its rows in the keys' order, and the total the filters match. */
export function paginateTable<T extends PgTable>(
  args: PageArgs,
  db: AnyDb,
  table: T,
  spec: Omit<PageSpec<RowOf<T>>, 'count' | 'rows'>,
): Promise<Connection<RowOf<T>>> {
  const order = spec.keys.map((k) => (spec.direction === 'asc' ? asc(k.column) : desc(k.column)));
  return paginate(args, {
    ...spec,
    count: (where) => countRows(db, table, where),
    rows: (where, limit) => selectRows(db, table, where, order, limit),
    countAndRows: (counted, where, limit) => countAndSelectRows(db, table, counted, where, order, limit),
  });
}

/** What every list of records about people takes: a page, and perhaps one person. */
export interface PersonListArgs extends PageArgs {
  personId?: string | null;
}

/** The filters of such a list: the caller's scope, and the person asked for (by their pseudonymous id, else BAD_USER_INPUT). */
export function personListFilters(scope: SQL, personColumn: AnyPgColumn, args: PersonListArgs): SQL[] {
  const filters = [scope];
  if (args.personId !== null && args.personId !== undefined) filters.push(eq(personColumn, requirePersonId(args.personId, 'personId')));
  return filters;
}
