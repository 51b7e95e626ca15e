/** Demo data is seeded once per database; this table remembers that it was. */
import { pgTable, text, timestamp } from 'drizzle-orm/pg-core';

export const seedRun = pgTable('seed_run', {
  name: text('name').primaryKey(),
  at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
});
