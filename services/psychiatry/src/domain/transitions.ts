/**
 * Which step may follow which: the pathway's state machine as a table. A step
 * that makes no sense for the current status is refused with CONFLICT and a
 * message naming that status.
 *
 * And what each step does to a referral, as pure builders: the row a
 * submission creates, and the next row and timeline event of every step. The
 * mutations (domain/referrals.ts) apply them inside their transaction; the
 * demo and large seeds (scripts/) build their rows with the same functions,
 * so a rule changed here changes the seeded data with it.
 */
import { conflict } from '../../../shared/src/errors.ts';
import { addDays, formatStockholm, stockholmDate } from '../../../shared/src/time.ts';
import type { ReferralEventRow, ReferralRow, StoredCycle } from '../db/schema.ts';
import { DEFAULT_STAY_DAYS } from './capacity.ts';
import * as deadlines from './deadlines.ts';
import type { ReferralStatus } from './deadlines.ts';
import type { ValidReferral } from './validation.ts';
import { storedNote, t, type Msg, type Wording } from '../../../shared/src/i18n.ts';

export type Step =
  | 'bookMeeting'
  | 'prepareDecision'
  | 'decide'
  | 'offerPlace'
  | 'movePlace'
  | 'admit'
  | 'refuseAdmission'
  | 'discharge'
  | 'requestNewAssessment'
  | 'reassessAfterRefusal'
  | 'changeDischarge'
  | 'withdraw'
  | 'amend'
  | 'assign';

/** A request is open until it is closed: treatment found not needed, completed, or withdrawn. */
export const OPEN_STATUSES: readonly ReferralStatus[] = [
  'RECEIVED',
  'ASSESSMENT_BOOKED',
  'AWAITING_DECISION',
  'CARE_PLANNING',
  'PLACE_OFFERED',
  'ADMISSION_REFUSED',
  'ADMITTED',
  'LAPSED',
];
/** The stored stages of an open request (AWAITING_DECISION and LAPSED are derived from two of them). */
export const OPEN_STAGES = ['RECEIVED', 'ASSESSMENT_BOOKED', 'CARE_PLANNING', 'PLACE_OFFERED', 'ADMISSION_REFUSED', 'ADMITTED'] as const;

export const ALL_STATUSES: readonly ReferralStatus[] = [
  'RECEIVED',
  'ASSESSMENT_BOOKED',
  'AWAITING_DECISION',
  'NOT_NEEDED',
  'CARE_PLANNING',
  'PLACE_OFFERED',
  'ADMISSION_REFUSED',
  'ADMITTED',
  'COMPLETED',
  'LAPSED',
  'WITHDRAWN',
];

/** Whether a step's entry goes on the timeline both sides read (a prepared decision is psychiatry's own). */
export const onTimeline = (step: Step): boolean => step !== 'prepareDecision';

/** For each step, the statuses it may start from. */
export const ALLOWED_FROM: Record<Step, readonly ReferralStatus[]> = {
  // rebooking is allowed until the decision (e.g. the individual did not come)
  bookMeeting: ['RECEIVED', 'ASSESSMENT_BOOKED', 'AWAITING_DECISION'],
  // the referral group decides after the meeting has taken place
  prepareDecision: ['AWAITING_DECISION'],
  decide: ['AWAITING_DECISION'],
  offerPlace: ['CARE_PLANNING'],
  // a place still valid is moved to a new start date; one refused at admission is offered again from a new one
  movePlace: ['PLACE_OFFERED', 'ADMISSION_REFUSED'],
  admit: ['PLACE_OFFERED'],
  // the ward refused the individual when they came: recorded, so the place never counts as lapsed
  refuseAdmission: ['PLACE_OFFERED'],
  discharge: ['ADMITTED'],
  // after a lapse, or after the ward refused the admission (the refused cycle is kept, never a lapse)
  requestNewAssessment: ['ADMISSION_REFUSED', 'LAPSED'],
  // the receiving coordinator asks for it after a refused admission
  reassessAfterRefusal: ['ADMISSION_REFUSED'],
  changeDischarge: ['ADMITTED'],
  withdraw: ['RECEIVED', 'ASSESSMENT_BOOKED', 'AWAITING_DECISION', 'CARE_PLANNING', 'PLACE_OFFERED', 'ADMISSION_REFUSED', 'LAPSED'],
  // corrections and the coordinator's assignment while the request is open
  amend: OPEN_STATUSES,
  assign: OPEN_STATUSES,
};

const STATUS_WORDS: Record<ReferralStatus, Msg> = {
  RECEIVED: t`received, with no assessment meeting booked yet`,
  ASSESSMENT_BOOKED: t`assessment booked, and the meeting has not taken place yet`,
  AWAITING_DECISION: t`awaiting the decision of the referral group`,
  NOT_NEEDED: t`closed: treatment was found not needed`,
  CARE_PLANNING: t`care planning, with no place offered yet`,
  PLACE_OFFERED: t`place offered, not yet admitted`,
  ADMISSION_REFUSED: t`the ward refused the admission; the place can be moved to a new start date`,
  ADMITTED: t`admitted`,
  COMPLETED: t`completed`,
  LAPSED: t`lapsed: the offered place was not used in time`,
  WITHDRAWN: t`withdrawn by social services`,
};

const STEP_WORDS: Record<Step, Msg> = {
  bookMeeting: t`An assessment meeting can be booked only before the decision`,
  prepareDecision: t`A treatment decision can be prepared only after the assessment meeting has taken place, before the decision`,
  decide: t`A treatment decision can be recorded only after the assessment meeting has taken place`,
  offerPlace: t`A place can be offered only after a decision that treatment is needed`,
  movePlace: t`An offered place can be moved only while it is still valid, or after the ward refused the admission`,
  refuseAdmission: t`A refused admission can be recorded only while an offered place is still valid`,
  admit: t`An admission can be recorded only while an offered place is still valid`,
  discharge: t`A discharge can be recorded only for an admitted individual`,
  requestNewAssessment: t`A new assessment can be requested only after an offered place has lapsed or the ward refused the admission`,
  reassessAfterRefusal: t`Psychiatry can ask for a new assessment only after the ward refused the admission`,
  changeDischarge: t`An expected discharge can be changed only while the individual is admitted`,
  withdraw: t`A request can be withdrawn only while it is still open`,
  amend: t`A request can be corrected only while it is still open`,
  assign: t`A request can be assigned only while it is still open`,
};

export function canTake(step: Step, status: ReferralStatus): boolean {
  return ALLOWED_FROM[step].includes(status);
}

/** Where a refused step has a step that does what the caller most likely meant, the message names it. */
const INSTEAD: Partial<Record<Step, Partial<Record<ReferralStatus, Msg>>>> = {
  offerPlace: {
    PLACE_OFFERED: t`A place is already offered; to change its start date, move it (moveOfferedPlace)`,
    ADMISSION_REFUSED: t`A place was offered and the ward refused the admission; to offer it again from a new start date, move it (moveOfferedPlace)`,
  },
};

export function assertTransition(step: Step, status: ReferralStatus): void {
  if (!canTake(step, status)) {
    throw conflict(t`${INSTEAD[step]?.[status] ?? STEP_WORDS[step]}; this referral is ${status} (${STATUS_WORDS[status]}).`, { status });
  }
}

// ------------------------------------------------------------------ builders

/** Who takes a step: their name and organisation, as the timeline shows them. */
export interface Actor {
  userId: string;
  name: string;
  organisationId: string;
}

/** A timeline entry before it gets its id and place in the sequence. */
export type EventDraft = Omit<ReferralEventRow, 'id' | 'seq'>;

/** What a step needs besides the referral, the actor and the time. Inputs are already validated. */
export type StepInput =
  /** moved: the coordinator moved the booked meeting (rescheduleMeeting), with the reason for both sides */
  | { step: 'bookMeeting'; at: Date; moved?: boolean; reason?: string | null }
  | { step: 'prepareDecision'; needed: boolean; setting: 'INPATIENT' | 'OUTPATIENT' | null; rationale: string | null }
  | { step: 'decide'; needed: boolean; setting: 'INPATIENT' | 'OUTPATIENT' | null; rationale: string | null }
  | { step: 'offerPlace'; ward: { id: string; name: string; organisationId?: string } | null; startDate: string; reason: string | null }
  | { step: 'movePlace'; ward: { name: string } | null; startDate: string; reason: string }
  /** the expected discharge defaults to the admission date + 7 days (domain/capacity.ts) */
  | { step: 'admit'; ward: { name: string } | null; expectedDischargeOn?: string }
  | { step: 'refuseAdmission'; reason: string }
  | { step: 'discharge' }
  | { step: 'requestNewAssessment' | 'reassessAfterRefusal' }
  | { step: 'changeDischarge'; expectedDischargeOn: string; reason: string }
  | { step: 'withdraw'; reason: string }
  /** the columns an amendment changes, the input's names of the fields, and why */
  | { step: 'amend'; set: Partial<ReferralRow>; fields: readonly string[]; reason: string | null }
  | { step: 'assign'; to: { userId: string; name: string } };

export interface StepResult {
  /** the columns the step changes (updatedAt aside), e.g. for the audit event's fields */
  set: Partial<ReferralRow>;
  /** the referral after the step */
  row: ReferralRow;
  event: EventDraft;
}

/** The ids a new referral gets from whoever stores it (random in the hub, a seeded sequence in the large seed). */
export interface NewReferralIds {
  id: string;
  personId: string;
  receivingOrganisationId: string;
}

/** A cycle's meeting, decision and offer, none yet: a new referral's, and a new assessment's after a lapse. */
const CLEARED_CYCLE = {
  assessmentMeetingAt: null,
  assessmentDeadlineMissed: false,
  decisionNeeded: null,
  decisionSetting: null,
  decidedAt: null,
  decidedBy: null,
  decisionRationale: null,
  placeWardId: null,
  placeOfferedAt: null,
  placeDueBy: null,
  placeStartDate: null,
  placeLapsesOn: null,
  placeReason: null,
  expectedDischargeOn: null,
  admissionRefusedAt: null,
  admissionRefusalReason: null,
  preparedNeeded: null,
  preparedSetting: null,
  preparedRationale: null,
  preparedAt: null,
  preparedBy: null,
  decisionPreparedBy: null,
} as const satisfies Partial<ReferralRow>;

/** A request as the coordinator receives it: RECEIVED, cycle 1, the assessment due 14 days after receipt. */
export function submittedReferral(
  valid: ValidReferral,
  sender: Actor,
  ids: NewReferralIds,
  now: Date,
  newCycleOf: string | null = null,
): { row: ReferralRow; event: EventDraft } {
  const row: ReferralRow = {
    id: ids.id,
    receivingOrganisationId: ids.receivingOrganisationId,
    referringOrganisationId: sender.organisationId,
    idempotencyKey: valid.idempotencyKey,
    personId: ids.personId,
    personnummer: valid.personnummer,
    name: valid.name,
    caseworkerName: valid.caseworker.name,
    caseworkerPhone: valid.caseworker.phone,
    caseworkerEmail: valid.caseworker.email,
    substances: valid.substances,
    currentProblems: valid.currentProblems,
    postTreatmentPlan: valid.postTreatmentPlan,
    otherIllnesses: valid.otherIllnesses,
    medications: valid.medications,
    assessments: valid.assessments,
    submittedBy: sender.userId,
    submittedByName: sender.name,
    receivedAt: now,
    stage: 'RECEIVED',
    cycle: 1,
    cycleStartedAt: now,
    assessmentDueBy: deadlines.assessmentDueBy(now),
    ...CLEARED_CYCLE,
    admittedAt: null,
    completedAt: null,
    withdrawnAt: null,
    withdrawalReason: null,
    newCycleOf,
    assignedToUserId: null,
    assignedToName: null,
    assignedAt: null,
    assignedByName: null,
    earlierCycles: [],
    expectedDischargeChanges: [],
    updatedAt: now,
  };
  const note = newCycleOf ? t`Sent as a new cycle beside the open request ${newCycleOf}.` : null;
  return { row, event: eventOf(row.id, sender, now, 'SUBMITTED', note) };
}

const eventOf = (referralId: string, by: Actor, at: Date, kind: string, note: Wording | null): EventDraft => ({
  referralId,
  at,
  kind,
  byName: by.name,
  byOrganisationId: by.organisationId,
  // kept as its message (key and params), written in the reader's language when read
  note: storedNote(note),
});

export const localTime = (at: Date) => formatStockholm(at).slice(0, 16).replace('T', ' ');

/** The place offer's due date: 14 days after the decision of the current cycle. */
export function placeDueOf(r: Pick<ReferralRow, 'decidedAt'>): string {
  if (!r.decidedAt) throw new Error('a place offer needs a decision of the current cycle');
  return deadlines.placeDueBy(r.decidedAt);
}

/** The cycle that ends with a lapse or a refused admission, kept on the referral as history. */
export function closedCycle(r: ReferralRow, now: Date): StoredCycle {
  return {
    cycle: r.cycle,
    startedAt: r.cycleStartedAt.toISOString(),
    assessmentDueBy: r.assessmentDueBy,
    assessmentMeetingAt: r.assessmentMeetingAt?.toISOString() ?? null,
    assessmentDeadlineMissed: r.assessmentDeadlineMissed,
    decision:
      r.decidedAt && r.decisionNeeded !== null && r.decidedBy !== null
        ? {
            needed: r.decisionNeeded,
            setting: r.decisionSetting,
            decidedAt: r.decidedAt.toISOString(),
            decidedBy: r.decidedBy,
            rationale: r.decisionRationale,
            preparedBy: r.decisionPreparedBy,
          }
        : null,
    placeOffer:
      r.placeOfferedAt && r.placeDueBy && r.placeStartDate && r.placeLapsesOn
        ? {
            wardId: r.placeWardId,
            offeredAt: r.placeOfferedAt.toISOString(),
            dueBy: r.placeDueBy,
            startDate: r.placeStartDate,
            lapsesOn: r.placeLapsesOn,
            reason: r.placeReason,
          }
        : null,
    outcome: r.stage === 'ADMISSION_REFUSED' ? 'ADMISSION_REFUSED' : 'LAPSED',
    closedAt: now.toISOString(),
    ...(r.stage === 'ADMISSION_REFUSED' ? { admissionRefusalReason: r.admissionRefusalReason } : {}),
  };
}

function change(r: ReferralRow, input: StepInput, now: Date, by: Actor): { set: Partial<ReferralRow>; kind: string; note: Wording | null } {
  switch (input.step) {
    case 'bookMeeting': {
      // the mark is decided by the time first offered in the cycle: a meeting offered in time and moved later stays in time
      const firstOfCycle = r.assessmentMeetingAt === null;
      const late = deadlines.meetingMissesDeadline(input.at, r.assessmentDueBy);
      const missed = firstOfCycle ? deadlines.firstOfferMissesDeadline(input.at, now, r.assessmentDueBy) : r.assessmentDeadlineMissed;
      const set = { stage: 'ASSESSMENT_BOOKED', assessmentMeetingAt: input.at, assessmentDeadlineMissed: missed } as const;
      if (input.moved) {
        return {
          set,
          kind: 'MEETING_MOVED',
          note: input.reason
            ? t`Assessment and planning meeting moved to ${localTime(input.at)}. ${input.reason}`
            : t`Assessment and planning meeting moved to ${localTime(input.at)}.`,
        };
      }
      return {
        set,
        kind: 'MEETING_BOOKED',
        note: late
          ? t`Assessment and planning meeting on ${localTime(input.at)} (after the due date ${r.assessmentDueBy}).`
          : t`Assessment and planning meeting on ${localTime(input.at)}.`,
      };
    }
    case 'prepareDecision':
      // psychiatry's own: a prepared decision is not on the timeline both sides read
      return {
        set: { preparedNeeded: input.needed, preparedSetting: input.setting, preparedRationale: input.rationale, preparedAt: now, preparedBy: by.name },
        kind: 'DECISION_PREPARED',
        note: null,
      };
    case 'amend':
      return {
        set: input.set,
        kind: 'AMENDED',
        note: input.reason ? t`Corrected or added: ${input.fields.join(', ')}. ${input.reason}` : t`Corrected or added: ${input.fields.join(', ')}.`,
      };
    case 'assign':
      return {
        set: { assignedToUserId: input.to.userId, assignedToName: input.to.name, assignedAt: now, assignedByName: by.name },
        kind: 'ASSIGNED',
        note: t`Assigned to the coordinator ${input.to.name}.`,
      };
    case 'decide':
      return {
        set: {
          stage: input.needed ? 'CARE_PLANNING' : 'NOT_NEEDED',
          decisionNeeded: input.needed,
          decisionSetting: input.setting,
          decisionRationale: input.rationale,
          decidedAt: now,
          decidedBy: by.name,
          decisionPreparedBy: r.preparedBy,
        },
        kind: 'DECISION_RECORDED',
        note: input.needed
          ? t`Withdrawal treatment is needed (${input.setting === 'INPATIENT' ? t`inpatient` : t`outpatient`}); a place is to be offered by ${deadlines.placeDueBy(now)}.`
          : t`Withdrawal treatment is not needed: ${input.rationale}`,
      };
    case 'offerPlace': {
      const dueBy = placeDueOf(r);
      const lapses = deadlines.lapsesOn(input.startDate);
      const where = !input.ward
        ? t`Outpatient withdrawal treatment`
        : input.ward.organisationId && input.ward.organisationId !== r.receivingOrganisationId
          ? t`Place ordered from another care provider, on ${input.ward.name},`
          : t`Place on ${input.ward.name}`;
      return {
        set: {
          stage: 'PLACE_OFFERED',
          placeWardId: input.ward?.id ?? null,
          placeOfferedAt: now,
          placeDueBy: dueBy,
          placeStartDate: input.startDate,
          placeLapsesOn: lapses,
          placeReason: input.reason,
        },
        kind: 'PLACE_OFFERED',
        note: input.reason
          ? t`${where} from ${input.startDate}; it lapses if not used by ${lapses}. Start after the due date ${dueBy}: ${input.reason}`
          : t`${where} from ${input.startDate}; it lapses if not used by ${lapses}.`,
      };
    }
    case 'movePlace': {
      // the 14-day rule again: the due date stays the decision's + 14 days; a later start is a missed deadline
      const dueBy = placeDueOf(r);
      const lapses = deadlines.lapsesOn(input.startDate);
      const late = deadlines.placeStartMissesDeadline(input.startDate, dueBy);
      const what = input.ward ? t`Place on ${input.ward.name}` : t`Outpatient withdrawal treatment`;
      return {
        set: {
          stage: 'PLACE_OFFERED',
          placeStartDate: input.startDate,
          placeLapsesOn: lapses,
          placeReason: input.reason,
          admissionRefusedAt: null,
          admissionRefusalReason: null,
        },
        kind: 'PLACE_MOVED',
        note: late
          ? t`${what} moved from ${r.placeStartDate} to ${input.startDate} (after the due date ${dueBy}); it lapses if not used by ${lapses}. Reason: ${input.reason}`
          : t`${what} moved from ${r.placeStartDate} to ${input.startDate}; it lapses if not used by ${lapses}. Reason: ${input.reason}`,
      };
    }
    case 'admit': {
      const admittedOn = stockholmDate(now);
      const expected = input.expectedDischargeOn ?? addDays(admittedOn, DEFAULT_STAY_DAYS);
      return {
        set: { stage: 'ADMITTED', admittedAt: now, expectedDischargeOn: expected },
        kind: 'ADMITTED',
        note: input.ward
          ? t`Admitted to ${input.ward.name}; expected discharge ${expected}.`
          : t`Outpatient withdrawal treatment started; expected discharge ${expected}.`,
      };
    }
    case 'refuseAdmission':
      return {
        set: { stage: 'ADMISSION_REFUSED', admissionRefusedAt: now, admissionRefusalReason: input.reason },
        kind: 'ADMISSION_REFUSED',
        note: t`The ward refused the admission: ${input.reason}`,
      };
    case 'discharge':
      return { set: { stage: 'COMPLETED', completedAt: now }, kind: 'DISCHARGED', note: t`Withdrawal treatment completed; discharged from the ward.` };
    case 'changeDischarge': {
      const before = r.expectedDischargeOn ?? addDays(stockholmDate(r.admittedAt ?? now), DEFAULT_STAY_DAYS);
      const change = {
        at: now.toISOString(),
        byName: by.name,
        byOrganisationId: by.organisationId,
        before,
        after: input.expectedDischargeOn,
        reason: input.reason,
      };
      return {
        set: { expectedDischargeOn: input.expectedDischargeOn, expectedDischargeChanges: [...r.expectedDischargeChanges, change] },
        kind: 'EXPECTED_DISCHARGE_CHANGED',
        note: t`Expected discharge changed from ${before} to ${input.expectedDischargeOn}. Reason: ${input.reason}`,
      };
    }
    case 'reassessAfterRefusal':
    case 'requestNewAssessment': {
      const dueBy = deadlines.assessmentDueBy(now);
      const refused = r.stage === 'ADMISSION_REFUSED';
      return {
        set: {
          earlierCycles: [...r.earlierCycles, closedCycle(r, now)],
          stage: 'RECEIVED',
          cycle: r.cycle + 1,
          cycleStartedAt: now,
          assessmentDueBy: dueBy,
          ...CLEARED_CYCLE,
        },
        kind: 'NEW_ASSESSMENT_REQUESTED',
        note: refused
          ? t`The ward refused the admission to the place offered from ${r.placeStartDate}; the need remains. New assessment meeting due by ${dueBy}.`
          : t`The place offered from ${r.placeStartDate} lapsed after ${r.placeLapsesOn}; the need remains. New assessment meeting due by ${dueBy}.`,
      };
    }
    case 'withdraw':
      return { set: { stage: 'WITHDRAWN', withdrawnAt: now, withdrawalReason: input.reason }, kind: 'WITHDRAWN', note: input.reason };
  }
}

/**
 * One step on a referral at `now` by `by`: refused with CONFLICT when the
 * referral's status (derived at `now`) does not allow it; otherwise the next
 * row and the timeline event. Who may take the step is the policy's question
 * (domain/policy.ts), asked before.
 */
export function applyTransition(r: ReferralRow, input: StepInput, by: Actor, now: Date): StepResult {
  assertTransition(input.step, deadlines.deriveStatus(r, now));
  const { set, kind, note } = change(r, input, now, by);
  return { set, row: { ...r, ...set, updatedAt: now }, event: eventOf(r.id, by, now, kind, note) };
}

/** A referral's history built step by step: how the seeds make the rows and timelines the mutations would have made. */
export interface Replay {
  row: ReferralRow;
  /** the timeline, each entry with its id as it was written */
  events: Array<Omit<ReferralEventRow, 'seq'>>;
  /** applies one step (CONFLICT when the state machine refuses it) and returns the referral after it */
  take: (input: StepInput, by: Actor, now: Date) => ReferralRow;
}

/** `newId` gives each timeline entry its id when the step is taken (random in the demo, a seeded sequence in the large seed). */
export function replay(start: { row: ReferralRow; event: EventDraft }, newId: (event: EventDraft) => string): Replay {
  const r: Replay = {
    row: start.row,
    events: [{ id: newId(start.event), ...start.event }],
    take: (input, by, now) => {
      const next = applyTransition(r.row, input, by, now);
      r.row = next.row;
      if (onTimeline(input.step)) r.events.push({ id: newId(next.event), ...next.event });
      return r.row;
    },
  };
  return r;
}
