/** Tables of the probation subgraph (frivården). */
import { index, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { belongsTo, day, entryColumns, instant, recordedColumns } from '../../../shared/src/columns.ts';
export { auditEvent, auditEventLegacy, auditSeal } from '../../../shared/src/audit.ts';
export { auditWitness } from '../../../shared/src/audit-witness.ts';
export { seedRun } from '../../../shared/src/seed-run.ts';
export { recordMessage, recordMessageRead, workItemRead } from '../../../shared/src/messages.ts';
export { notification, notificationRead } from '../../../shared/src/notify.ts';
export { notificationDigest } from '../../../shared/src/digest.ts';

/**
 * A contract-care order (kontraktsvård): the probation office's own record.
 * The client's personnummer and name stay here; other subgraphs know the
 * person only by the pseudonymous id. The status is never stored: it is
 * derived on read from the breach and the request's clock.
 */
export const contractCareOrder = pgTable(
  'contract_care_order',
  {
    id: uuid('id').primaryKey(),
    /** the office that registered the order and follows it */
    probationOfficeId: text('probation_office_id').notNull(),
    personId: text('person_id').notNull(),
    /** normalised, 12 digits; shown only to the registering office */
    personnummer: text('personnummer').notNull(),
    name: text('name').notNull(),
    courtDecisionOn: day('court_decision_on').notNull(),
    endsOn: day('ends_on').notNull(),
    /** social services and the care provider(s) taking part (directory ids) */
    partnerOrganisationIds: text('partner_organisation_ids').array().notNull(),
    registeredAt: instant('registered_at').notNull(),
    registeredBy: text('registered_by').notNull(),
    registeredByName: text('registered_by_name').notNull(),
    breachedAt: instant('breached_at'),
    breachReason: text('breach_reason'),
    breachRecordedByName: text('breach_recorded_by_name'),
  },
  (t) => [
    index('contract_care_order_office_idx').on(t.probationOfficeId, t.courtDecisionOn, t.id),
    index('contract_care_order_person_idx').on(t.personId),
    index('contract_care_order_partners_idx').using('gin', t.partnerOrganisationIds),
  ],
);

/** Something that departed from the contract, reported by a participating organisation. */
export const contractCareDeviation = pgTable(
  'contract_care_deviation',
  {
    ...entryColumns(),
    orderId: belongsTo('order_id', () => contractCareOrder.id),
    occurredOn: day('occurred_on').notNull(),
    reportedAt: instant('reported_at').notNull(),
    description: text('description').notNull(),
    reportedByOrganisationId: text('reported_by_organisation_id').notNull(),
    reportedBy: text('reported_by').notNull(),
    reportedByName: text('reported_by_name').notNull(),
  },
  (t) => [
    index('contract_care_deviation_order_idx').on(t.orderId, t.seq),
    /** the council indicators: the deviations reported in a period, as a range (then joined to the council's orders) */
    index('contract_care_deviation_reported_idx').on(t.reportedAt, t.orderId),
  ],
);

/** An evaluation of the treatment programme, held by the probation office with the partners. */
export const contractCareEvaluation = pgTable(
  'contract_care_evaluation',
  {
    ...entryColumns(),
    orderId: belongsTo('order_id', () => contractCareOrder.id),
    heldOn: day('held_on').notNull(),
    summary: text('summary').notNull(),
    ...recordedColumns(),
  },
  (t) => [index('contract_care_evaluation_order_idx').on(t.orderId, t.seq)],
);

export type OrderRow = typeof contractCareOrder.$inferSelect;
export type DeviationRow = typeof contractCareDeviation.$inferSelect;
export type EvaluationRow = typeof contractCareEvaluation.$inferSelect;
