/** Tables of the municipality subgraph (social services). */
import { pgTable, text } from 'drizzle-orm/pg-core';
export { auditEvent } from '../../../shared/src/audit.ts';
export { seedRun } from '../../../shared/src/seed-run.ts';

/** Local councils (one per municipality or city district) and regional councils. */
export const council = pgTable('council', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  level: text('level', { enum: ['LOCAL', 'REGIONAL'] }).notNull(),
  regionCode: text('region_code').notNull(),
  municipalityCodes: text('municipality_codes').array().notNull(),
});
