/** Tables of the clinics subgraph (local integrated clinics). */
import { index, pgTable, text, unique, uuid } from 'drizzle-orm/pg-core';
import { belongsTo, day, entryColumns, instant, recordedColumns } from '../../../shared/src/columns.ts';
export { auditEvent, auditEventLegacy, auditSeal } from '../../../shared/src/audit.ts';
export { auditWitness } from '../../../shared/src/audit-witness.ts';
export { seedRun } from '../../../shared/src/seed-run.ts';

/** A local integrated clinic; its id is also its organisation id in the directory. */
export const clinic = pgTable('clinic', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  municipalityCode: text('municipality_code').notNull(),
});

export const TARGET_GROUPS = ['PREGNANT', 'PARENT_OF_MINOR', 'YOUNG_PERSON', 'HOMELESS', 'COMPLEX_NEEDS', 'OPIOID_MAINTENANCE'] as const;
export type TargetGroup = (typeof TARGET_GROUPS)[number];

export const EFFORT_KINDS = [
  'OPIOID_MAINTENANCE_TREATMENT',
  'INFECTION_TESTING',
  'VACCINATION',
  'PSYCHIATRIC_ASSESSMENT',
  'SOCIAL_SUPPORT',
  'PRIMARY_CARE_VISIT',
] as const;
export type EffortKind = (typeof EFFORT_KINDS)[number];

/** A person enrolled at a clinic: the clinic's own record, seen only by its staff. One enrolment per person and clinic. */
export const clinicEnrolment = pgTable(
  'clinic_enrolment',
  {
    id: uuid('id').primaryKey(),
    clinicId: text('clinic_id')
      .notNull()
      .references(() => clinic.id),
    personId: text('person_id').notNull(),
    /** normalised, 12 digits; never leaves the clinic's staff */
    personnummer: text('personnummer').notNull(),
    enrolledOn: day('enrolled_on').notNull(),
    targetGroups: text('target_groups', { enum: TARGET_GROUPS }).array().notNull(),
    enrolledAt: instant('enrolled_at').notNull(),
    enrolledBy: text('enrolled_by').notNull(),
    enrolledByName: text('enrolled_by_name').notNull(),
  },
  (t) => [
    unique('clinic_enrolment_person_once').on(t.clinicId, t.personId),
    index('clinic_enrolment_person_idx').on(t.personId),
    index('clinic_enrolment_list_idx').on(t.clinicId, t.enrolledAt, t.id),
    /** the council indicators: a clinic's enrolments up to the period's end, as a range */
    index('clinic_enrolment_enrolled_idx').on(t.clinicId, t.enrolledOn),
  ],
);

/** An effort the clinic gave an enrolled person (for the council's indicator 11: efforts by kind). */
export const clinicEffort = pgTable(
  'clinic_effort',
  {
    ...entryColumns(),
    enrolmentId: belongsTo('enrolment_id', () => clinicEnrolment.id),
    kind: text('kind', { enum: EFFORT_KINDS }).notNull(),
    performedOn: day('performed_on').notNull(),
    ...recordedColumns(),
  },
  (t) => [
    index('clinic_effort_enrolment_idx').on(t.enrolmentId, t.seq),
    /** the council indicators: a period's efforts, by enrolment and kind, without reading every year's */
    index('clinic_effort_performed_idx').on(t.performedOn, t.enrolmentId, t.kind),
  ],
);

export type ClinicRow = typeof clinic.$inferSelect;
export type EnrolmentRow = typeof clinicEnrolment.$inferSelect;
export type EffortRow = typeof clinicEffort.$inferSelect;
