/**
 * Columns that the subgraphs' tables write the same way (their names and
 * types are what the committed migrations create: a change here is a
 * migration of every table that uses them).
 */
import { bigserial, date, text, timestamp, uuid, type AnyPgColumn } from 'drizzle-orm/pg-core';

/** An instant, with its time zone, to the millisecond. */
export const instant = (name: string) => timestamp(name, { withTimezone: true, mode: 'date', precision: 3 });

/** A calendar day (Europe/Stockholm), read and written as its YYYY-MM-DD string. */
export const day = (name: string) => date(name, { mode: 'string' });

/**
 * An entry of a list that belongs to another row (its deviations, its timeline): its own id, and its
 * insertion order, for a stable list when two entries share a time or a day.
 */
export const entryColumns = () => ({
  id: uuid('id').primaryKey(),
  seq: bigserial('seq', { mode: 'number' }).notNull(),
});

/** The row an entry belongs to, by its uuid. */
export const belongsTo = (name: string, parent: () => AnyPgColumn) => uuid(name).notNull().references(parent);

/** When a member of staff recorded the row, with their user id and name as their token gave them. */
export const recordedColumns = () => ({
  recordedAt: instant('recorded_at').notNull(),
  recordedBy: text('recorded_by').notNull(),
  recordedByName: text('recorded_by_name').notNull(),
});
