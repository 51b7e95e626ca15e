/** Tables of the psychiatry subgraph (adult psychiatry, addiction section). */
import { integer, pgTable, text } from 'drizzle-orm/pg-core';
export { auditEvent } from '../../../shared/src/audit.ts';
export { seedRun } from '../../../shared/src/seed-run.ts';

/** Inpatient wards that take planned withdrawal treatment. */
export const ward = pgTable('ward', {
  id: text('id').primaryKey(),
  organisationId: text('organisation_id').notNull(),
  name: text('name').notNull(),
  places: integer('places').notNull(),
});
