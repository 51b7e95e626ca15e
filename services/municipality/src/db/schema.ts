/** Tables of the municipality subgraph (social services): councils, consents and joint care plans. */
import { sql } from 'drizzle-orm';
import { boolean, index, integer, jsonb, pgTable, primaryKey, text, unique, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { belongsTo, day, instant } from '../../../shared/src/columns.ts';
export { auditEvent, auditEventLegacy, auditSeal } from '../../../shared/src/audit.ts';
export { auditWitness } from '../../../shared/src/audit-witness.ts';
export { seedRun } from '../../../shared/src/seed-run.ts';
export { document } from '../../../shared/src/documents.ts';
export { recordMessage, recordMessageRead, workItemRead } from '../../../shared/src/messages.ts';
export { notification, notificationRead } from '../../../shared/src/notify.ts';
export { notificationDigest } from '../../../shared/src/digest.ts';

/**
 * Council indicators kept on write (domain/indicators.ts; README "Indicators: periods and
 * differencing"): for each set of participating organisations (sorted), calendar month (its first
 * day), legal gender and count (`what`), how many joint care plans count there. A plan counts once
 * for a council when one of its municipalities takes part, so the key is the whole set. Kept by
 * triggers on joint_care_plan, care_plan_signature and care_plan_follow_up (migration 0010,
 * hand-written), which recount the plan: its rows in care_plan_indicator_counted are what it
 * added, taken away before its new ones are added. A count that waits for a day (a follow-up day)
 * counts from the day after `readyOn` ('-infinity': always). No person identifiable from a row.
 */
export const carePlanIndicatorMonth = pgTable(
  'care_plan_indicator_month',
  {
    month: day('month').notNull(),
    participantOrganisationIds: text('participant_organisation_ids').array().notNull(),
    what: text('what').notNull(),
    gender: text('gender', { enum: ['WOMEN', 'MEN'] }),
    readyOn: day('ready_on').notNull(),
    n: integer('n').notNull(),
  },
  (t) => [unique('care_plan_indicator_month_key').on(t.month, t.participantOrganisationIds, t.what, t.gender, t.readyOn).nullsNotDistinct()],
);

/** What each plan added to care_plan_indicator_month, one row a count (the trigger takes it away when the plan changes). */
export const carePlanIndicatorCounted = pgTable(
  'care_plan_indicator_counted',
  {
    planId: uuid('plan_id').notNull(),
    month: day('month').notNull(),
    participantOrganisationIds: text('participant_organisation_ids').array().notNull(),
    what: text('what').notNull(),
    gender: text('gender', { enum: ['WOMEN', 'MEN'] }),
    readyOn: day('ready_on').notNull(),
  },
  (t) => [index('care_plan_indicator_counted_plan_idx').on(t.planId)],
);

/** Local councils (one per municipality or city district) and regional councils. */
export const council = pgTable('council', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  level: text('level', { enum: ['LOCAL', 'REGIONAL'] }).notNull(),
  regionCode: text('region_code').notNull(),
  municipalityCodes: text('municipality_codes').array().notNull(),
});

/** The individual's consent to share for one purpose with named organisations. */
export const consent = pgTable(
  'consent',
  {
    id: uuid('id').primaryKey(),
    personId: text('person_id').notNull(),
    purpose: text('purpose').notNull(),
    organisationIds: text('organisation_ids').array().notNull(),
    givenAt: instant('given_at').notNull(),
    validUntil: day('valid_until').notNull(),
    revokedAt: instant('revoked_at'),
    revokedBy: text('revoked_by'),
    recordedByOrganisationId: text('recorded_by_organisation_id').notNull(),
    recordedBy: text('recorded_by').notNull(),
  },
  (t) => [index('consent_person_idx').on(t.personId)],
);

export interface ParticipantRecord {
  organisationId: string | null;
  role: string;
  name: string;
  /** for a relative: how they are related to the individual */
  relation?: string | null;
}

export const CARE_PLAN_KINDS = ['SIP', 'WITHDRAWAL', 'CONTRACT_CARE'] as const;

/** A joint care plan's current state; its history is in joint_care_plan_version. */
export const jointCarePlan = pgTable(
  'joint_care_plan',
  {
    id: uuid('id').primaryKey(),
    kind: text('kind', { enum: CARE_PLAN_KINDS }).notNull(),
    personId: text('person_id').notNull(),
    ownerOrganisationId: text('owner_organisation_id').notNull(),
    consentId: uuid('consent_id')
      .notNull()
      .references(() => consent.id),
    withdrawalReferralId: text('withdrawal_referral_id'),
    contractCareOrderId: text('contract_care_order_id'),
    version: integer('version').notNull(),
    goals: text('goals').array().notNull(),
    followUpOn: day('follow_up_on').notNull(),
    /** the Stockholm date the current follow-up date was set; a follow-up held since then counts */
    followUpSetOn: day('follow_up_set_on').notNull(),
    participants: jsonb('participants').$type<ParticipantRecord[]>().notNull(),
    participantOrganisationIds: text('participant_organisation_ids').array().notNull(),
    createdAt: instant('created_at').notNull(),
    createdBy: text('created_by').notNull(),
    endedAt: instant('ended_at'),
    endedBy: text('ended_by'),
    endedByOrganisationId: text('ended_by_organisation_id'),
    endReason: text('end_reason'),
    completed: boolean('completed').notNull().default(false),
    /** WOMEN or MEN, from the personnummer at drawing up; only for the council indicators by gender */
    legalGender: text('legal_gender', { enum: ['WOMEN', 'MEN'] }),
  },
  (t) => [
    index('joint_care_plan_person_idx').on(t.personId),
    index('joint_care_plan_created_idx').on(t.createdAt),
    index('joint_care_plan_follow_up_idx').on(t.followUpOn),
    index('joint_care_plan_owner_idx').on(t.ownerOrganisationId),
    index('joint_care_plan_participants_idx').using('gin', t.participantOrganisationIds),
    // One open plan per referral and per court order.
    uniqueIndex('joint_care_plan_referral_open_idx')
      .on(t.withdrawalReferralId)
      .where(sql`${t.endedAt} is null`),
    uniqueIndex('joint_care_plan_order_open_idx')
      .on(t.contractCareOrderId)
      .where(sql`${t.endedAt} is null`),
  ],
);

/** Every version of every plan, as it was. */
export const jointCarePlanVersion = pgTable(
  'joint_care_plan_version',
  {
    planId: belongsTo('plan_id', () => jointCarePlan.id),
    version: integer('version').notNull(),
    goals: text('goals').array().notNull(),
    followUpOn: day('follow_up_on').notNull(),
    participants: jsonb('participants').$type<ParticipantRecord[]>().notNull(),
    change: text('change').notNull(),
    changedBy: text('changed_by').notNull(),
    changedByOrganisationId: text('changed_by_organisation_id').notNull(),
    changedAt: instant('changed_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.planId, t.version] })],
);

/** A row of one plan (an effort, a signature, a follow-up): its own id and the plan's. */
const planRowColumns = () => ({
  id: uuid('id').primaryKey(),
  planId: belongsTo('plan_id', () => jointCarePlan.id),
});

/** One organisation's own effort in a plan. */
export const carePlanEffort = pgTable(
  'care_plan_effort',
  {
    ...planRowColumns(),
    organisationId: text('organisation_id').notNull(),
    description: text('description').notNull(),
    responsible: text('responsible').notNull(),
    startsOn: day('starts_on'),
    endsOn: day('ends_on'),
    addedInVersion: integer('added_in_version').notNull(),
    addedBy: text('added_by').notNull(),
  },
  (t) => [index('care_plan_effort_plan_idx').on(t.planId)],
);

/** A signature on one version: the individual's own, or on behalf of an organisation. */
export const carePlanSignature = pgTable(
  'care_plan_signature',
  {
    ...planRowColumns(),
    version: integer('version').notNull(),
    signedBy: text('signed_by').notNull(),
    asIndividual: boolean('as_individual').notNull(),
    organisationId: text('organisation_id'),
    organisationAgency: text('organisation_agency'),
    signedAt: instant('signed_at').notNull(),
    recordedBy: text('recorded_by').notNull(),
    recordedByOrganisationId: text('recorded_by_organisation_id').notNull(),
    /** how the individual's signature was given (IN_PERSON_PAPER, ELECTRONIC_ID, LEGAL_REPRESENTATIVE); null for an organisation's */
    how: text('how'),
    /** IN_PERSON_PAPER: the plan's document holding the signed paper */
    documentId: text('document_id'),
    /** ELECTRONIC_ID: the identity provider's assertion, as received; never shown */
    assertion: text('assertion'),
    /** LEGAL_REPRESENTATIVE: who signed for the individual */
    representativeName: text('representative_name'),
  },
  (t) => [
    index('care_plan_signature_plan_idx').on(t.planId, t.version),
    uniqueIndex('care_plan_signature_individual_idx')
      .on(t.planId, t.version)
      .where(sql`${t.asIndividual}`),
    uniqueIndex('care_plan_signature_org_idx')
      .on(t.planId, t.version, t.organisationId)
      .where(sql`not ${t.asIndividual}`),
  ],
);

/** A recorded follow-up of a plan. */
export const carePlanFollowUp = pgTable(
  'care_plan_follow_up',
  {
    ...planRowColumns(),
    heldOn: day('held_on').notNull(),
    summary: text('summary').notNull(),
    recordedBy: text('recorded_by').notNull(),
    organisationId: text('organisation_id').notNull(),
    recordedAt: instant('recorded_at').notNull(),
  },
  (t) => [index('care_plan_follow_up_plan_idx').on(t.planId)],
);

/**
 * The individual's own voice on a plan, recorded by staff on their behalf: their view on a
 * decision (VIEW) or their request that the plan end (END_REQUEST).
 */
export const carePlanIndividualVoice = pgTable(
  'care_plan_individual_voice',
  {
    ...planRowColumns(),
    kind: text('kind').$type<'VIEW' | 'END_REQUEST'>().notNull(),
    text: text('text').notNull(),
    recordedBy: text('recorded_by').notNull(),
    organisationId: text('organisation_id').notNull(),
    recordedAt: instant('recorded_at').notNull(),
  },
  (t) => [index('care_plan_individual_voice_plan_idx').on(t.planId)],
);

/** A cooperation agreement (samverkansöverenskommelse) of a council. */
export const cooperationAgreement = pgTable(
  'cooperation_agreement',
  {
    id: uuid('id').primaryKey(),
    councilId: text('council_id')
      .notNull()
      .references(() => council.id),
    title: text('title').notNull(),
    jointGoals: text('joint_goals').array().notNull(),
    validFrom: day('valid_from').notNull(),
    reviewBy: day('review_by').notNull(),
    addedBy: text('added_by').notNull(),
    addedByOrganisationId: text('added_by_organisation_id').notNull(),
    addedAt: instant('added_at').notNull(),
  },
  (t) => [index('cooperation_agreement_council_idx').on(t.councilId)],
);

export type CouncilRow = typeof council.$inferSelect;
export type ConsentRow = typeof consent.$inferSelect;
export type PlanRow = typeof jointCarePlan.$inferSelect;
export type VersionRow = typeof jointCarePlanVersion.$inferSelect;
export type EffortRow = typeof carePlanEffort.$inferSelect;
export type SignatureRow = typeof carePlanSignature.$inferSelect;
export type FollowUpRow = typeof carePlanFollowUp.$inferSelect;
export type VoiceRow = typeof carePlanIndividualVoice.$inferSelect;
export type AgreementRow = typeof cooperationAgreement.$inferSelect;
