/** Tables of the clinics subgraph (local integrated clinics). */
import { pgTable, text } from 'drizzle-orm/pg-core';
export { auditEvent } from '../../../shared/src/audit.ts';
export { seedRun } from '../../../shared/src/seed-run.ts';

/** A local integrated clinic; its id is also its organisation id in the directory. */
export const clinic = pgTable('clinic', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  municipalityCode: text('municipality_code').notNull(),
});
