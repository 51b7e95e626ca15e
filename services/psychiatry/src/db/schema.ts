/** Tables of the psychiatry subgraph (adult psychiatry, addiction section). */
import { sql, type SQL } from 'drizzle-orm';
import { boolean, index, integer, jsonb, pgTable, text, unique, uuid, type AnyPgColumn } from 'drizzle-orm/pg-core';
import { belongsTo, day, entryColumns, instant } from '../../../shared/src/columns.ts';
export { auditEvent, auditEventLegacy, auditSeal } from '../../../shared/src/audit.ts';
export { auditWitness } from '../../../shared/src/audit-witness.ts';
export { seedRun } from '../../../shared/src/seed-run.ts';
export { document } from '../../../shared/src/documents.ts';
export { notification, notificationRead } from '../../../shared/src/notify.ts';
export { notificationDigest } from '../../../shared/src/digest.ts';
export { recordMessage, recordMessageRead, workItemRead } from '../../../shared/src/messages.ts';

/**
 * Inpatient wards that take planned withdrawal treatment. `places` is the
 * ward's capacity on every day: the beds for planned withdrawal treatment.
 * A bed is taken on a day by an admitted individual (from the admission date
 * to the day before the expected, or actual, discharge) and by an offered
 * place (from its start date to lapsesOn) - see domain/capacity.ts.
 */
export const ward = pgTable('ward', {
  id: text('id').primaryKey(),
  organisationId: text('organisation_id').notNull(),
  name: text('name').notNull(),
  places: integer('places').notNull(),
});

/** One AUDIT, DUDIT, ASI or other document attached to a request, as social services sent it. */
export interface StoredAssessment {
  instrument: 'ASI' | 'AUDIT' | 'DUDIT' | 'OTHER';
  performedOn: string;
  score: number | null;
  summary: string | null;
}

/** A closed assessment cycle (one that lapsed and was followed by a new-assessment request). */
export interface StoredCycle {
  cycle: number;
  startedAt: string;
  assessmentDueBy: string;
  assessmentMeetingAt: string | null;
  assessmentDeadlineMissed: boolean;
  decision: {
    needed: boolean;
    setting: 'INPATIENT' | 'OUTPATIENT' | null;
    decidedAt: string;
    decidedBy: string;
    rationale: string | null;
    /** cycles closed before the chief physician's role have none */
    preparedBy?: string | null;
  } | null;
  placeOffer: { wardId: string | null; offeredAt: string; dueBy: string; startDate: string; lapsesOn: string; reason: string | null } | null;
  /** LAPSED: the place was not used in time; ADMISSION_REFUSED: the ward refused the admission (never a lapse) */
  outcome: 'LAPSED' | 'ADMISSION_REFUSED';
  closedAt: string;
  /** the ward's reason, for an ADMISSION_REFUSED cycle */
  admissionRefusalReason?: string | null;
}

/** A change of an admitted individual's expected discharge. */
export interface StoredDischargeChange {
  at: string;
  byName: string;
  byOrganisationId: string;
  before: string;
  after: string;
  reason: string;
}

/**
 * The stored stage of a referral. Two statuses of the API are never stored
 * but derived on read from the clock: AWAITING_DECISION (a booked meeting
 * whose time has come) and LAPSED (an offered place not used by lapsesOn).
 */
export const STAGES = [
  'RECEIVED',
  'ASSESSMENT_BOOKED',
  'NOT_NEEDED',
  'CARE_PLANNING',
  'PLACE_OFFERED',
  'ADMISSION_REFUSED',
  'ADMITTED',
  'COMPLETED',
  'WITHDRAWN',
] as const;
export type Stage = (typeof STAGES)[number];

/**
 * A referral's next deadline as SQL (domain/deadlines.ts nextDueBy: 14 days is PLACE_OFFER_DAYS,
 * 9999-12-31 NO_DEADLINE), written with constants so that the inbox's order and its index are the
 * same expression.
 */
export function nextDueOn(t: { stage: AnyPgColumn; assessmentDueBy: AnyPgColumn; decidedAt: AnyPgColumn; placeLapsesOn: AnyPgColumn }): SQL {
  return sql`(case
    when ${t.stage} in ('RECEIVED', 'ASSESSMENT_BOOKED') then ${t.assessmentDueBy}
    when ${t.stage} = 'CARE_PLANNING' and ${t.decidedAt} is not null then ((${t.decidedAt} at time zone 'Europe/Stockholm')::date + 14)
    when ${t.stage} = 'PLACE_OFFERED' and ${t.placeLapsesOn} is not null then ${t.placeLapsesOn}
    else '9999-12-31'::date end)`;
}

/**
 * A request for action (åtgärdsförfrågan) for planned withdrawal treatment,
 * with the current assessment cycle's meeting, decision and place offer.
 */
export const withdrawalReferral = pgTable(
  'withdrawal_referral',
  {
    id: uuid('id').primaryKey(),
    receivingOrganisationId: text('receiving_organisation_id').notNull(),
    referringOrganisationId: text('referring_organisation_id').notNull(),
    /** retries of a submission with the same key (per referring organisation) return the first referral */
    idempotencyKey: text('idempotency_key'),
    personId: text('person_id').notNull(),
    /** normalised, 12 digits; never leaves this subgraph except to those who may read the referral */
    personnummer: text('personnummer').notNull(),
    name: text('name').notNull(),
    caseworkerName: text('caseworker_name').notNull(),
    caseworkerPhone: text('caseworker_phone').notNull(),
    caseworkerEmail: text('caseworker_email').notNull(),
    substances: text('substances').array().notNull(),
    currentProblems: text('current_problems').notNull(),
    postTreatmentPlan: text('post_treatment_plan').notNull(),
    /** null: not known to social services; empty: known to be none */
    otherIllnesses: text('other_illnesses').array(),
    /** null: not known to social services; empty: known to be none */
    medications: text('medications').array(),
    assessments: jsonb('assessments').$type<StoredAssessment[]>().notNull(),
    submittedBy: text('submitted_by').notNull(),
    submittedByName: text('submitted_by_name').notNull(),
    receivedAt: instant('received_at').notNull(),
    stage: text('stage', { enum: STAGES }).notNull(),
    cycle: integer('cycle').notNull().default(1),
    cycleStartedAt: instant('cycle_started_at').notNull(),
    assessmentDueBy: day('assessment_due_by').notNull(),
    assessmentMeetingAt: instant('assessment_meeting_at'),
    /** set when the first meeting of the cycle was booked for a date after assessmentDueBy */
    assessmentDeadlineMissed: boolean('assessment_deadline_missed').notNull().default(false),
    decisionNeeded: boolean('decision_needed'),
    decisionSetting: text('decision_setting', { enum: ['INPATIENT', 'OUTPATIENT'] }),
    decidedAt: instant('decided_at'),
    decidedBy: text('decided_by'),
    decisionRationale: text('decision_rationale'),
    /** null for an outpatient offer (no ward, no bed); a ward of another organisation when the care is ordered from another provider */
    placeWardId: text('place_ward_id'),
    placeOfferedAt: instant('place_offered_at'),
    placeDueBy: day('place_due_by'),
    placeStartDate: day('place_start_date'),
    placeLapsesOn: day('place_lapses_on'),
    placeReason: text('place_reason'),
    admittedAt: instant('admitted_at'),
    /** the day the individual is expected to leave the ward (recorded on admission; the bed is free again that day) */
    expectedDischargeOn: day('expected_discharge_on'),
    /** the ward refused the admission of an offered place: recorded, and never a lapse */
    admissionRefusedAt: instant('admission_refused_at'),
    admissionRefusalReason: text('admission_refusal_reason'),
    completedAt: instant('completed_at'),
    withdrawnAt: instant('withdrawn_at'),
    withdrawalReason: text('withdrawal_reason'),
    /** the open request of the same person this one was knowingly sent beside, as a new cycle */
    newCycleOf: uuid('new_cycle_of'),
    /** the coordinator the request is assigned to */
    assignedToUserId: text('assigned_to_user_id'),
    assignedToName: text('assigned_to_name'),
    assignedAt: instant('assigned_at'),
    assignedByName: text('assigned_by_name'),
    /** a physician's prepared decision in the current cycle, for the chief physician */
    preparedNeeded: boolean('prepared_needed'),
    preparedSetting: text('prepared_setting', { enum: ['INPATIENT', 'OUTPATIENT'] }),
    preparedRationale: text('prepared_rationale'),
    preparedAt: instant('prepared_at'),
    preparedBy: text('prepared_by'),
    /** who prepared the decision of the current cycle, when a physician did */
    decisionPreparedBy: text('decision_prepared_by'),
    earlierCycles: jsonb('earlier_cycles')
      .$type<StoredCycle[]>()
      .notNull()
      .default(sql`'[]'::jsonb`),
    /** every change of the expected discharge after the admission, oldest first */
    expectedDischargeChanges: jsonb('expected_discharge_changes')
      .$type<StoredDischargeChange[]>()
      .notNull()
      .default(sql`'[]'::jsonb`),
    updatedAt: instant('updated_at').notNull(),
  },
  (t) => [
    unique('withdrawal_referral_idempotency').on(t.referringOrganisationId, t.idempotencyKey),
    index('withdrawal_referral_inbox_idx').on(t.receivingOrganisationId, t.receivedAt, t.id),
    index('withdrawal_referral_sent_idx').on(t.referringOrganisationId, t.receivedAt, t.id),
    index('withdrawal_referral_person_idx').on(t.personId),
    // the inbox by its next deadline (the default order), and "mine" for coordinators and caseworkers
    index('withdrawal_referral_inbox_next_due_idx').on(t.receivingOrganisationId, nextDueOn(t), t.receivedAt, t.id),
    index('withdrawal_referral_assigned_idx').on(t.receivingOrganisationId, t.assignedToUserId),
    index('withdrawal_referral_submitted_by_idx').on(t.referringOrganisationId, t.submittedBy),
    index('withdrawal_referral_ward_idx').on(t.placeWardId, t.stage),
    // council indicators (domain/indicators.ts): the period as a range per date column, by referring organisation
    index('withdrawal_referral_started_idx').on(t.referringOrganisationId, t.cycleStartedAt),
    index('withdrawal_referral_decided_idx')
      .on(t.referringOrganisationId, t.decidedAt)
      .where(sql`decided_at is not null`),
    index('withdrawal_referral_offered_idx')
      .on(t.referringOrganisationId, t.placeOfferedAt)
      .where(sql`place_offered_at is not null`),
    index('withdrawal_referral_admitted_idx')
      .on(t.referringOrganisationId, t.admittedAt)
      .where(sql`admitted_at is not null`),
    index('withdrawal_referral_recycled_idx')
      .on(t.referringOrganisationId, t.cycleStartedAt)
      .where(sql`cycle > 1`),
    // places in use on a day (domain/indicators.ts): the admitted not yet discharged by then, by ward
    index('withdrawal_referral_in_ward_idx')
      .on(t.placeWardId, sql`coalesce(${t.completedAt}, 'infinity'::timestamptz)`, t.admittedAt)
      .where(sql`admitted_at is not null`),
  ],
);

/**
 * Council indicators kept on write (domain/indicators.ts; README "Indicators: periods and
 * differencing"): for each referring organisation, calendar month (its first day), legal gender and
 * count (`what`), how many assessment cycles count there. A trigger on withdrawal_referral
 * (migration 0014, hand-written) takes a referral's old contributions away and adds its new ones in
 * the transaction that writes it, COPY included. A count that waits for a day (an assessment due
 * date passed unmet, a place lapsed) counts from the day after `readyOn` ('-infinity': always);
 * a median's counts carry their value in `days` (null for the others), so a period's median comes
 * from the same rows. No person is identifiable from a row: no ids, only counts.
 */
export const withdrawalIndicatorMonth = pgTable(
  'withdrawal_indicator_month',
  {
    referringOrganisationId: text('referring_organisation_id').notNull(),
    month: day('month').notNull(),
    what: text('what').notNull(),
    gender: text('gender', { enum: ['WOMEN', 'MEN'] }).notNull(),
    readyOn: day('ready_on').notNull(),
    days: integer('days'),
    n: integer('n').notNull(),
  },
  (t) => [unique('withdrawal_indicator_month_key').on(t.referringOrganisationId, t.month, t.what, t.gender, t.readyOn, t.days).nullsNotDistinct()],
);

/** An entry on a referral, in its insertion order: what was done (its kind, e.g. MEETING_BOOKED), when, by whom. */
const referralEntryColumns = () => ({
  ...entryColumns(),
  referralId: belongsTo('referral_id', () => withdrawalReferral.id),
  at: instant('at').notNull(),
  kind: text('kind').notNull(),
  byName: text('by_name').notNull(),
});

/** The timeline both sides see: who did what, when. Never holds psychiatry's internal notes. */
export const withdrawalReferralEvent = pgTable(
  'withdrawal_referral_event',
  {
    ...referralEntryColumns(),
    byOrganisationId: text('by_organisation_id').notNull(),
    note: text('note'),
  },
  (t) => [index('withdrawal_referral_event_referral_idx').on(t.referralId, t.seq)],
);

/** Psychiatry's internal notes on a referral: only staff of the receiving psychiatry organisation read them. */
export const withdrawalInternalNote = pgTable(
  'withdrawal_internal_note',
  {
    /** its kind: the step the note was written with */
    ...referralEntryColumns(),
    text: text('text').notNull(),
  },
  (t) => [index('withdrawal_internal_note_referral_idx').on(t.referralId, t.seq)],
);

/** One field an amendment changed: its value before and after, as JSON values. */
export interface StoredFieldChange {
  field: string;
  before: unknown;
  after: unknown;
}

/**
 * Corrections and additions social services made to a request after sending it: who (user
 * and organisation), when, why, and each field with its value before and after. Read by the
 * same callers as the referral itself.
 */
export const withdrawalReferralAmendment = pgTable(
  'withdrawal_referral_amendment',
  {
    ...entryColumns(),
    referralId: belongsTo('referral_id', () => withdrawalReferral.id),
    at: instant('at').notNull(),
    byUserId: text('by_user_id').notNull(),
    byName: text('by_name').notNull(),
    byOrganisationId: text('by_organisation_id').notNull(),
    reason: text('reason'),
    changes: jsonb('changes').$type<StoredFieldChange[]>().notNull(),
  },
  (t) => [index('withdrawal_referral_amendment_referral_idx').on(t.referralId, t.seq)],
);

/** Who takes part in a meeting: the individual, a relative (by relation), or staff by role; the organisation a role acts for. */
export interface StoredParticipant {
  role: 'INDIVIDUAL' | 'RELATIVE' | 'CASEWORKER' | 'PHYSICIAN' | 'COORDINATOR' | 'PARTNER_STAFF';
  /** a relative's relation to the individual (mother, partner, ...) */
  relation: string | null;
  /** a name only where it is needed (e.g. which physician); never required */
  name: string | null;
  /** the organisation the participant acts for; null for the individual and relatives */
  organisationId: string | null;
  /** the user (token subject) of a physician or coordinator, where the booking names one: their meetings must not overlap */
  userId?: string | null;
}

/** An organisation's invitation to a meeting and its answer. */
export interface StoredInvitation {
  organisationId: string;
  answer: 'PENDING' | 'ACCEPTED' | 'PROPOSED_TIME' | 'DECLINED';
  proposedAt: string | null;
  comment: string | null;
  /** why the organisation declined (DECLINED only) */
  reason?: string | null;
  answeredAt: string | null;
  answeredByName: string | null;
}

export const MEETING_STATUSES = ['BOOKED', 'HELD', 'NO_SHOW', 'CANCELLED'] as const;

/**
 * A meeting on a referral: the assessment and planning meeting, or the joint care-planning
 * meeting after the decision. `firstOfferedAt` is the time first offered (the 14-day rule is
 * judged by it); `startAt` the current one after moves. Invitations are the organisations
 * asked to come (the referring municipality always), each with its answer.
 */
export const withdrawalMeeting = pgTable(
  'withdrawal_meeting',
  {
    id: uuid('id').primaryKey(),
    referralId: belongsTo('referral_id', () => withdrawalReferral.id),
    cycle: integer('cycle').notNull(),
    kind: text('kind', { enum: ['ASSESSMENT', 'CARE_PLANNING'] }).notNull(),
    startAt: instant('start_at').notNull(),
    firstOfferedAt: instant('first_offered_at').notNull(),
    durationMinutes: integer('duration_minutes').notNull(),
    place: text('place'),
    videoLink: text('video_link'),
    participants: jsonb('participants').$type<StoredParticipant[]>().notNull(),
    invitations: jsonb('invitations').$type<StoredInvitation[]>().notNull(),
    status: text('status', { enum: MEETING_STATUSES }).notNull(),
    outcomeReason: text('outcome_reason'),
    outcomeAt: instant('outcome_at'),
    outcomeByName: text('outcome_by_name'),
    bookedAt: instant('booked_at').notNull(),
    bookedByName: text('booked_by_name').notNull(),
    updatedAt: instant('updated_at').notNull(),
  },
  (t) => [
    index('withdrawal_meeting_referral_idx').on(t.referralId, t.firstOfferedAt, t.id),
    // clashes: the booked meetings around a time
    index('withdrawal_meeting_start_idx').on(t.startAt),
    // an invited organisation's invitations (meetingInvitations: invitations @> [{organisationId}])
    index('withdrawal_meeting_invitations_idx').using('gin', t.invitations),
  ],
);

export type MeetingRow = typeof withdrawalMeeting.$inferSelect;
export type AmendmentRow = typeof withdrawalReferralAmendment.$inferSelect;
export type WardRow = typeof ward.$inferSelect;
export type ReferralRow = typeof withdrawalReferral.$inferSelect;
export type ReferralEventRow = typeof withdrawalReferralEvent.$inferSelect;
export type InternalNoteRow = typeof withdrawalInternalNote.$inferSelect;
