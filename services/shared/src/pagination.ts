/**
 * Cursor pagination shared by the subgraphs' connections: a page is ordered
 * by (instant, id) and a cursor is that pair, opaque to callers.
 */
import { badInput } from './errors.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface Cursor {
  at: string;
  id: string;
}

export function encodeCursor(at: Date, id: string): string {
  return Buffer.from(JSON.stringify([at.toISOString(), id])).toString('base64url');
}

export function decodeCursor(cursor: string, field = 'after'): Cursor {
  try {
    const [at, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [unknown, unknown];
    if (typeof at === 'string' && !Number.isNaN(Date.parse(at)) && typeof id === 'string' && UUID.test(id)) return { at, id };
  } catch {
    /* falls through */
  }
  throw badInput(field, 'This cursor is not one the hub gave out; pass the endCursor of the previous page.');
}

export function pageSize(first: number | null | undefined, what: string, fallback = 20, max = 200): number {
  const n = first ?? fallback;
  if (!Number.isInteger(n) || n < 1 || n > max) throw badInput('first', `Ask for 1 to ${max} ${what} per page.`);
  return n;
}

/** Cuts the one extra row fetched to tell whether another page follows. */
export function toConnection<T>(rows: T[], first: number, totalCount: number, cursorOf: (row: T) => string) {
  const nodes = rows.slice(0, first);
  const last = nodes.at(-1);
  return { nodes, totalCount, pageInfo: { hasNextPage: rows.length > first, endCursor: last ? cursorOf(last) : null } };
}
