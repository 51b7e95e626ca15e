/**
 * Withdrawal referrals: submitting, reading (every read is audited with its
 * basis) and the coordinator's, physician's and caseworker's steps. Each step
 * is one transaction that locks the referral, asks the policy
 * (domain/policy.ts), applies the step's builder (domain/transitions.ts: the
 * state machine, the next row and the timeline event), stores them, and
 * appends an internal note when given and the audit event.
 */
import { recordReaders } from '../../../shared/src/record-access.ts';
import { randomUUID } from 'node:crypto';
import { and, asc, eq, inArray, or, sql, type SQL } from 'drizzle-orm';
import { can } from '../../../shared/src/access.ts';
import { appendAudit } from '../../../shared/src/audit.ts';
import type { Caller } from '../../../shared/src/caller.ts';
import { organisation } from '../../../shared/src/directory.ts';
import { badInput, conflict, FieldProblems, forbidden, type Wording } from '../../../shared/src/errors.ts';
import { paginateTable, personListFilters, thenById, type PersonListArgs } from '../../../shared/src/pagination.ts';
import { isUuid } from '../../../shared/src/ids.ts';
import { addDays, stockholmDate } from '../../../shared/src/time.ts';
import {
  withdrawalInternalNote,
  withdrawalReferral,
  withdrawalReferralAmendment,
  withdrawalReferralEvent,
  ward,
  nextDueOn,
  type MeetingRow,
  type ReferralRow,
  type StoredAssessment,
  type StoredFieldChange,
  type WardRow,
} from '../db/schema.ts';
import type { PsychiatryContext } from '../context.ts';
import * as capacity from './capacity.ts';
import * as deadlines from './deadlines.ts';
import * as meetings from './meetings.ts';
import { notifyStep } from './notifications.ts';
import type { ReferralStatus } from './deadlines.ts';
import {
  listScope,
  mayTake,
  notVisible,
  referralAccess,
  mayReadInternalNotes,
  requireInternalNotes,
  requireOfferableWard,
  requireStoredWard,
  requireStep,
  requireReceiver,
  requireSubmit,
  BASIS_RECEIVER,
  BASIS_SENDER,
} from './policy.ts';
import {
  applyTransition,
  assertTransition,
  OPEN_STAGES,
  onTimeline,
  placeDueOf,
  submittedReferral,
  type Actor,
  type Step,
  type StepInput,
} from './transitions.ts';
import {
  validateAmendment,
  validateDecision,
  validateNote,
  validateExpectedDischarge,
  validatePlaceMove,
  validatePlaceOffer,
  validateReferral,
  validateRefusalReason,
  validateWithdrawalReason,
  type AmendmentInput,
  type DecisionInput,
  type ReferralInput,
} from './validation.ts';
import type { JointCarePlanReference } from './views.ts';
import { holdsOnWard } from './wards.ts';
import { t } from '../../../shared/src/i18n.ts';

const ENTITY = 'WithdrawalReferral';

export const isReferralId = isUuid;

/** The caller as the timeline names them. */
export const actorOf = (caller: Caller): Actor => ({ userId: caller.userId, name: caller.name, organisationId: caller.organisation.id });

// ------------------------------------------------------------------ reads

const readers = recordReaders(referralAccess, { byId: (ctx: PsychiatryContext) => ctx.loaders.referral, ofPerson: (ctx) => ctx.loaders.referralsOfPerson });
/** One referral; null when it does not exist or the caller may not see it (the same answer, on purpose). */
export const referralById = readers.byId;
/** A referral reached as an entity from another subgraph: exactly what the direct query gives. */
export const referralByReference = readers.byReference;
/** The referrals of a person that the caller may see; empty for anyone else. */
export const referralsOfPerson = readers.ofPerson;

/** The status as stored and derived from the clock, as SQL, for filtering in the database. */
function statusSql(now: Date): SQL<string> {
  const wr = withdrawalReferral;
  return sql<string>`case
    when ${wr.stage} = 'ASSESSMENT_BOOKED' and ${wr.assessmentMeetingAt} <= ${now.toISOString()}::timestamptz then 'AWAITING_DECISION'
    when ${wr.stage} = 'PLACE_OFFERED' and ${wr.placeLapsesOn} < ${stockholmDate(now)}::date then 'LAPSED'
    else ${wr.stage} end`;
}

/**
 * A missed deadline still in front of the coordinator: no meeting booked by the assessment due
 * date (day 15 on), a meeting booked for a date after it (until the decision), or no place
 * offered by the place due date (the decision's Stockholm date + 14 days).
 */
function overdueSql(now: Date): SQL {
  const wr = withdrawalReferral;
  const today = stockholmDate(now);
  return sql`((${wr.stage} = 'RECEIVED' and ${wr.assessmentDueBy} < ${today}::date)
    or (${wr.stage} = 'ASSESSMENT_BOOKED' and ${wr.assessmentDeadlineMissed})
    or (${wr.stage} = 'CARE_PLANNING' and (${wr.decidedAt} at time zone 'Europe/Stockholm')::date + ${deadlines.PLACE_OFFER_DAYS}::int < ${today}::date))`;
}

/** The caller's own: requests they sent, or requests assigned to them. */
function mineSql(caller: Caller): SQL {
  const wr = withdrawalReferral;
  return or(
    and(eq(wr.referringOrganisationId, caller.organisation.id), eq(wr.submittedBy, caller.userId)),
    and(eq(wr.receivingOrganisationId, caller.organisation.id), eq(wr.assignedToUserId, caller.userId)),
  )!;
}

export interface ListArgs extends PersonListArgs {
  status?: ReferralStatus[] | null;
  overdueOnly?: boolean | null;
  mine?: boolean | null;
  orderBy?: 'DUE_DATE' | 'RECEIVED' | null;
}

/** The next deadline first (none last), then the oldest received, then the id. */
const BY_DUE_DATE = [
  { column: nextDueOn(withdrawalReferral), kind: 'date', of: (r: ReferralRow) => deadlines.nextDueBy(r) },
  ...thenById(withdrawalReferral, 'receivedAt', 'instant'),
] as const;

/**
 * The coordinator's inbox (what the caller's psychiatry organisation
 * received) or a caseworker's sent requests, by default the earliest
 * assessment due date first.
 */
export async function listReferrals(ctx: PsychiatryContext, args: ListArgs, fields: string[] | null) {
  const filters = personListFilters(listScope(ctx.caller), withdrawalReferral.personId, args);
  if (args.status && args.status.length > 0) filters.push(inArray(statusSql(ctx.now), args.status));
  if (args.overdueOnly) filters.push(overdueSql(ctx.now));
  if (args.mine) filters.push(mineSql(ctx.caller));
  const page = await paginateTable(args, ctx.db, withdrawalReferral, {
    what: t`referrals`,
    direction: 'asc',
    keys: args.orderBy === 'RECEIVED' ? thenById(withdrawalReferral, 'receivedAt', 'instant') : BY_DUE_DATE,
    where: filters,
  });
  return { ...page, nodes: referralAccess.see(ctx, page.nodes, fields) };
}

export async function eventsOf(ctx: PsychiatryContext, r: ReferralRow) {
  return ctx.loaders.events.load(r.id);
}

/** The amendments of a referral the caller sees (the field is reached only through a visible referral, whose read is audited). */
export async function amendmentsOf(ctx: PsychiatryContext, r: ReferralRow) {
  return ctx.loaders.amendments.load(r.id);
}

/** A physician's prepared decision: like internal notes, FORBIDDEN for anyone but the receiving organisation's staff. */
export function preparedDecisionOf(ctx: PsychiatryContext, r: ReferralRow) {
  if (!mayReadInternalNotes(ctx.caller, r)) {
    throw forbidden(
      t`A prepared decision is for the staff of the psychiatry organisation that received the request; the decision shows once the chief physician records it.`,
    );
  }
  const basis = BASIS_RECEIVER;
  if (r.preparedAt === null || r.preparedNeeded === null || r.preparedBy === null) return null;
  ctx.audit.read({ entity: ENTITY, entityId: r.id, personId: r.personId, fields: ['preparedDecision'], basis, owner: r.receivingOrganisationId });
  return { needed: r.preparedNeeded, setting: r.preparedSetting, rationale: r.preparedRationale, preparedAt: r.preparedAt, preparedBy: r.preparedBy };
}

/** Internal notes: FORBIDDEN for anyone but the receiving psychiatry organisation's staff. */
export async function internalNotesOf(ctx: PsychiatryContext, r: ReferralRow) {
  const basis = requireInternalNotes(ctx.caller, r);
  ctx.audit.read({
    entity: 'WithdrawalInternalNote',
    entityId: r.id,
    personId: r.personId,
    fields: ['internalNotes'],
    basis,
    owner: r.receivingOrganisationId,
  });
  return ctx.loaders.internalNotes.load(r.id);
}

/**
 * The referral of a withdrawal plan. Social services supplies the plan's
 * referral id and person (@requires; trustworthy because the gateway signs);
 * the referral must be about the same person, and the caller must be able to
 * see it here, whatever they may see of the plan. A representation without
 * those fields names no referral.
 */
export async function referralOfPlan(ctx: PsychiatryContext, plan: JointCarePlanReference): Promise<ReferralRow | null> {
  if (!plan.withdrawalReferralId || !plan.person) return null;
  const r = await referralById(ctx, plan.withdrawalReferralId, null);
  return r && r.personId === plan.person.id ? r : null;
}

// ------------------------------------------------------------------ submit

/**
 * A second open request for the same person from the same organisation to the same receiver:
 * CONFLICT naming the open one (extensions.existingId), unless the caller names it as the
 * request this one is a new cycle beside (newCycleOf). Another organisation's requests are not
 * looked at: it could not see them, and a refusal would tell it they exist.
 */
async function refuseDuplicate(tx: Tx, ctx: PsychiatryContext, row: ReferralRow, newCycleOf: string | null): Promise<void> {
  const wr = withdrawalReferral;
  const open = await tx
    .select()
    .from(wr)
    .where(
      and(
        eq(wr.referringOrganisationId, row.referringOrganisationId),
        eq(wr.receivingOrganisationId, row.receivingOrganisationId),
        eq(wr.personId, row.personId),
        inArray(wr.stage, [...OPEN_STAGES]),
      ),
    )
    .orderBy(asc(wr.receivedAt), asc(wr.id));
  if (newCycleOf !== null) {
    if (!open.some((o) => o.id === newCycleOf)) {
      throw badInput('newCycleOf', t`newCycleOf names no open request for this person that your organisation sent (${newCycleOf}).`);
    }
    return;
  }
  const [existing] = open;
  if (!existing) return;
  const status = deadlines.deriveStatus(existing, ctx.now);
  throw conflict(
    t`Your organisation already has an open request for this person (${existing.id}, ${status}, received ${stockholmDate(existing.receivedAt)}). Correct it with amendWithdrawalReferral, or send this one as a new cycle with newCycleOf set to that id.`,
    { existingId: existing.id, existingStatus: status },
  );
}

export async function submitReferral(ctx: PsychiatryContext, input: ReferralInput, newCycleOf: string | null = null): Promise<ReferralRow> {
  const { caller, now } = ctx;
  requireSubmit(caller);
  const valid = validateReferral(input, now);
  if (newCycleOf !== null && !isReferralId(newCycleOf)) throw badInput('newCycleOf', t`newCycleOf is not a referral id (${newCycleOf}).`);
  const receiver = requireReceiver(caller);
  const { row, event } = submittedReferral(
    valid,
    actorOf(caller),
    { id: randomUUID(), personId: ctx.pseudonym(valid.personnummer), receivingOrganisationId: receiver.id },
    now,
    newCycleOf,
  );

  const created = await ctx.db.transaction(async (tx) => {
    // one submission at a time per sender and person, so two concurrent requests cannot both pass the duplicate check
    await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`withdrawal:${row.referringOrganisationId}:${row.personId}`}, 0))`);
    if (valid.idempotencyKey !== null) {
      const [same] = await tx
        .select({ id: withdrawalReferral.id })
        .from(withdrawalReferral)
        .where(and(eq(withdrawalReferral.referringOrganisationId, row.referringOrganisationId), eq(withdrawalReferral.idempotencyKey, valid.idempotencyKey)));
      if (same) return null; // a retry: answered below
    }
    await refuseDuplicate(tx, ctx, row, newCycleOf);
    const inserted = await tx
      .insert(withdrawalReferral)
      .values(row)
      // a retry (even a concurrent one) meets the unique constraint and inserts nothing
      .onConflictDoNothing({ target: [withdrawalReferral.referringOrganisationId, withdrawalReferral.idempotencyKey] })
      .returning();
    const stored = inserted[0];
    if (!stored) return null;
    await tx.insert(withdrawalReferralEvent).values({ id: randomUUID(), ...event });
    await notifyStep(tx, stored, event.kind, now);
    await appendAudit(tx, caller, [
      {
        action: 'CREATE',
        entity: ENTITY,
        entityId: stored.id,
        personId: stored.personId,
        fields: null,
        basis: BASIS_SENDER,
        owner: stored.receivingOrganisationId,
      },
    ]);
    return stored;
  });
  if (created) return created;
  // nothing inserted: the conflict was on the idempotency key (keys left out never conflict)
  if (valid.idempotencyKey === null) throw conflict(t`The request could not be stored; please try again.`);

  const [first] = await ctx.db
    .select()
    .from(withdrawalReferral)
    .where(and(eq(withdrawalReferral.referringOrganisationId, caller.organisation.id), eq(withdrawalReferral.idempotencyKey, valid.idempotencyKey)));
  if (!first) throw conflict(t`The request could not be stored; please try again.`);
  if (first.personnummer !== valid.personnummer) {
    throw badInput('input.idempotencyKey', t`This idempotency key was already used for a request about another person; use a new key for a new request.`);
  }
  ctx.audit.read({
    entity: ENTITY,
    entityId: first.id,
    personId: first.personId,
    fields: null,
    basis: `${BASIS_SENDER} (retried submission)`,
    owner: first.receivingOrganisationId,
  });
  return first;
}

// ------------------------------------------------------------------ steps

type Tx = Parameters<Parameters<PsychiatryContext['db']['transaction']>[0]>[0];

/**
 * One step in one transaction: lock the referral, ask the policy, check the
 * state machine (before `input` is built, so a step out of order is refused
 * before its inputs are checked against the row), apply the builder, store
 * the row, the event, the internal note and the audit event.
 */
async function takeStep(
  ctx: PsychiatryContext,
  referralId: string,
  step: Step,
  input: (row: ReferralRow, tx: Tx) => Promise<StepInput> | StepInput,
  internalNote: string | null = null,
  after?: (tx: Tx, before: ReferralRow) => Promise<void>,
): Promise<ReferralRow> {
  const { caller, now } = ctx;
  mayTake(caller, step);
  if (!isReferralId(referralId)) throw notVisible(referralId);
  return ctx.db.transaction(async (tx) => {
    const [row] = await tx.select().from(withdrawalReferral).where(eq(withdrawalReferral.id, referralId)).for('update');
    const basis = requireStep(caller, row, referralId, step);
    if (!row) throw notVisible(referralId); // refused by requireStep already; narrows the type
    assertTransition(step, deadlines.deriveStatus(row, now));
    const next = applyTransition(row, await input(row, tx), actorOf(caller), now);
    const [updated] = await tx
      .update(withdrawalReferral)
      .set({ ...next.set, updatedAt: now })
      .where(eq(withdrawalReferral.id, referralId))
      .returning();
    if (onTimeline(step)) {
      await tx.insert(withdrawalReferralEvent).values({ id: randomUUID(), ...next.event });
      await notifyStep(tx, row, next.event.kind, now);
    }
    if (after) await after(tx, row);
    if (internalNote) {
      await tx.insert(withdrawalInternalNote).values({ id: randomUUID(), referralId, at: now, kind: next.event.kind, byName: caller.name, text: internalNote });
    }
    await appendAudit(tx, caller, [
      {
        action: 'UPDATE',
        entity: ENTITY,
        entityId: referralId,
        personId: row.personId,
        fields: [next.event.kind, ...Object.keys(next.set)],
        basis,
        owner: row.receivingOrganisationId,
      },
    ]);
    return updated ?? next.row;
  });
}

export interface BookMeetingArgs {
  at: Date;
  internalNote?: string | null;
  place?: string | null;
  videoLink?: string | null;
  durationMinutes?: number | null;
  participants?: meetings.ParticipantInput[] | null;
  inviteOrganisations?: string[] | null;
}

/**
 * The coordinator books (or rebooks) the assessment and planning meeting: the referral's meeting
 * time and the meeting record (place or video link, duration, participants, the referring
 * municipality's invitation) in one transaction. A rebooking moves the booked meeting of the
 * cycle (its first offered time kept) or, after a no-show or cancellation, books a new one.
 * The time must lie within the receiving unit's opening hours; every invalid field is answered at once.
 */
export function bookAssessmentMeeting(ctx: PsychiatryContext, referralId: string, args: BookMeetingArgs) {
  mayTake(ctx.caller, 'bookMeeting');
  const p = new FieldProblems();
  const note = p.take(() => validateNote(args.internalNote, 'internalNote')) ?? null;
  let valid: meetings.ValidMeeting | null = null;
  let before: MeetingRow | null = null;
  return takeStep(
    ctx,
    referralId,
    'bookMeeting',
    async (row, tx) => {
      before = await meetings.bookedAssessmentMeeting(tx, row);
      valid = meetings.validateMeeting(p, args, row, 'ASSESSMENT', ctx.now, before, false);
      p.throwIfAny();
      return { step: 'bookMeeting', at: args.at };
    },
    note,
    async (tx, row) => {
      if (!valid) return;
      await meetings.requireNoClash(tx, row, before?.id ?? null, valid);
      await meetings.writeAssessmentMeeting(tx, ctx, row, before, valid);
    },
  );
}

/** The coordinator moves a booked meeting; an assessment meeting moves the referral's meeting time with it (a MEETING_MOVED step). */
export function rescheduleMeeting(ctx: PsychiatryContext, meetingId: string, args: { at: Date; reason?: string | null }) {
  return meetings.rescheduleMeeting(ctx, meetingId, args, async (tx, row, at, reason) => {
    const next = applyTransition(row, { step: 'bookMeeting', at, moved: true, reason }, actorOf(ctx.caller), ctx.now);
    await tx
      .update(withdrawalReferral)
      .set({ ...next.set, updatedAt: ctx.now })
      .where(eq(withdrawalReferral.id, row.id));
    await tx.insert(withdrawalReferralEvent).values({ id: randomUUID(), ...next.event });
    await appendAudit(tx, ctx.caller, [
      {
        action: 'UPDATE',
        entity: ENTITY,
        entityId: row.id,
        personId: row.personId,
        fields: [next.event.kind, ...Object.keys(next.set)],
        basis: BASIS_RECEIVER,
        owner: row.receivingOrganisationId,
      },
    ]);
  });
}

/**
 * The referral group's decision: the chief physician records it. A physician without that role
 * who calls this (as clients did before the role existed) prepares the decision instead: the
 * same inputs, the status stays AWAITING_DECISION, and the chief physician sees it.
 */
export function recordTreatmentDecision(ctx: PsychiatryContext, referralId: string, input: DecisionInput & { internalNote?: string | null }) {
  if (!can(ctx.caller, 'withdrawal.decide') && can(ctx.caller, 'withdrawal.prepareDecision')) return prepareTreatmentDecision(ctx, referralId, input);
  mayTake(ctx.caller, 'decide');
  const d = validateDecision(input);
  const note = validateNote(input.internalNote, 'internalNote');
  return takeStep(ctx, referralId, 'decide', () => ({ step: 'decide', ...d }), note);
}

/** A physician prepares the decision for the chief physician (again, to change it, until the decision). */
export function prepareTreatmentDecision(ctx: PsychiatryContext, referralId: string, input: DecisionInput & { internalNote?: string | null }) {
  mayTake(ctx.caller, 'prepareDecision');
  const d = validateDecision(input);
  const note = validateNote(input.internalNote, 'internalNote');
  return takeStep(ctx, referralId, 'prepareDecision', () => ({ step: 'prepareDecision', ...d }), note);
}

/**
 * Locks the ward row: offers, moves and admissions to one ward queue up here
 * (per ward, never across wards), so the holds read after the lock are all
 * there are until this transaction ends (READ COMMITTED reads what the
 * transactions before it committed).
 */
async function lockWard(tx: Tx, wardId: string): Promise<WardRow | undefined> {
  const [w] = await tx.select().from(ward).where(eq(ward.id, wardId)).for('update');
  return w;
}

/**
 * One more bed on `w` on every day of [from, until] (the referral's own
 * hold, if any, left out), under the ward's lock: CONFLICT naming the first
 * full day and the next date from which a bed is free for as long otherwise.
 */
async function requireBeds(tx: Tx, ctx: PsychiatryContext, w: WardRow, referralId: string, from: string, until: string, what: Wording): Promise<void> {
  const holds = await holdsOnWard(tx, w.id, stockholmDate(ctx.now), referralId);
  const short = capacity.shortage(w.places, holds, from, until);
  if (!short) return;
  throw conflict(
    short.nextFreeDate
      ? t`${w.name} has no free place on ${short.firstFullDay} (${short.taken} of ${w.places} places taken or offered); the first date from which a place is free for the whole ${what} is ${short.nextFreeDate}.`
      : t`${w.name} has no free place on ${short.firstFullDay} (${short.taken} of ${w.places} places taken or offered); the ward has no places.`,
    { wardId: w.id, firstFullDay: short.firstFullDay, nextFreeDate: short.nextFreeDate },
  );
}

export interface OfferArgs {
  wardId?: string | null;
  fromOtherProvider?: boolean | null;
  startDate: string;
  reason?: string | null;
  internalNote?: string | null;
}

/**
 * An offer: an outpatient decision names no ward and takes no bed; an
 * inpatient one names a ward (its own organisation's, or another care
 * provider's when ordered) with a bed free on every day from the start date
 * to lapsesOn.
 */
export function offerPlace(ctx: PsychiatryContext, referralId: string, args: OfferArgs) {
  mayTake(ctx.caller, 'offerPlace');
  const note = validateNote(args.internalNote, 'internalNote');
  return takeStep(
    ctx,
    referralId,
    'offerPlace',
    async (r, tx) => {
      const { reason } = validatePlaceOffer(args, placeDueOf(r), ctx.now);
      if (r.decisionSetting === 'OUTPATIENT') {
        if (args.wardId) throw badInput('wardId', t`The decision is outpatient treatment, which takes no ward place; leave wardId out.`);
        if (args.fromOtherProvider) throw badInput('fromOtherProvider', t`Outpatient treatment is not ordered from another care provider through the hub.`);
        return { step: 'offerPlace', ward: null, startDate: args.startDate, reason };
      }
      if (!args.wardId) throw badInput('wardId', t`The decision is inpatient treatment: name the ward of the place.`);
      const w = requireOfferableWard(await lockWard(tx, args.wardId), args.wardId, r.receivingOrganisationId, args.fromOtherProvider === true);
      await requireBeds(tx, ctx, w, r.id, args.startDate, deadlines.lapsesOn(args.startDate), t`offer (start date to lapse date)`);
      return { step: 'offerPlace', ward: w, startDate: args.startDate, reason };
    },
    note,
  );
}

/** An offered place moved to a new start date (or offered again after a refused admission): a reason, the 14-day rule and the beds checked again. */
export function moveOfferedPlace(ctx: PsychiatryContext, referralId: string, args: { startDate: string; reason: string; internalNote?: string | null }) {
  mayTake(ctx.caller, 'movePlace');
  const note = validateNote(args.internalNote, 'internalNote');
  return takeStep(
    ctx,
    referralId,
    'movePlace',
    async (r, tx) => {
      const { reason } = validatePlaceMove(args, placeDueOf(r), ctx.now);
      if (r.stage === 'PLACE_OFFERED' && args.startDate === r.placeStartDate) {
        throw badInput('startDate', t`The place already starts on ${args.startDate}; give a new start date.`);
      }
      if (!r.placeWardId) return { step: 'movePlace', ward: null, startDate: args.startDate, reason };
      const w = requireStoredWard(await lockWard(tx, r.placeWardId), r.placeWardId);
      await requireBeds(tx, ctx, w, r.id, args.startDate, deadlines.lapsesOn(args.startDate), t`offer (start date to lapse date)`);
      return { step: 'movePlace', ward: w, startDate: args.startDate, reason };
    },
    note,
  );
}

/** The admission, with the expected discharge (default: the admission date + 7 days); the ward's bed is checked for every day of the stay. */
export function recordAdmission(ctx: PsychiatryContext, referralId: string, args: { expectedDischargeOn?: string | null; internalNote?: string | null }) {
  mayTake(ctx.caller, 'admit');
  const note = validateNote(args.internalNote, 'internalNote');
  const today = stockholmDate(ctx.now);
  const expected = validateExpectedDischarge(args.expectedDischargeOn, today, capacity.MAX_STAY_DAYS) ?? capacity.defaultExpectedDischarge(today);
  return takeStep(
    ctx,
    referralId,
    'admit',
    async (r, tx) => {
      if (!r.placeWardId) return { step: 'admit', ward: null, expectedDischargeOn: expected };
      const w = requireStoredWard(await lockWard(tx, r.placeWardId), r.placeWardId);
      await requireBeds(tx, ctx, w, r.id, today, addDays(expected, -1), t`stay (admission to expected discharge)`);
      return { step: 'admit', ward: w, expectedDischargeOn: expected };
    },
    note,
  );
}

/** The ward refused the individual when they came: recorded with the reason; the place frees its bed and never lapses. */
export function recordRefusedAdmission(ctx: PsychiatryContext, referralId: string, reason: string, internalNote?: string | null) {
  mayTake(ctx.caller, 'refuseAdmission');
  const why = validateRefusalReason(reason);
  const note = validateNote(internalNote, 'internalNote');
  return takeStep(ctx, referralId, 'refuseAdmission', () => ({ step: 'refuseAdmission', reason: why }), note);
}

export function recordDischarge(ctx: PsychiatryContext, referralId: string, internalNote?: string | null) {
  mayTake(ctx.caller, 'discharge');
  const note = validateNote(internalNote, 'internalNote');
  return takeStep(ctx, referralId, 'discharge', () => ({ step: 'discharge' }), note);
}

/**
 * A new assessment cycle on the same referral, due in 14 days: asked by the referring organisation
 * after a lapse or a refused admission, or by the receiving coordinator after a refused admission.
 * The cycle before is kept in earlierCycles with its outcome (a refusal is never a lapse).
 */
export function requestNewAssessment(ctx: PsychiatryContext, referralId: string) {
  const host = can(ctx.caller, 'withdrawal.bookMeeting') && !can(ctx.caller, 'withdrawal.followUp');
  const step = host ? 'reassessAfterRefusal' : 'requestNewAssessment';
  return takeStep(ctx, referralId, step, () => ({ step }));
}

/**
 * The coordinator changes an admitted individual's expected discharge, with a reason (history on
 * the referral, the timeline and the audit): an earlier day frees the bed from then; a later one is
 * checked under the ward's lock against the beds offered and taken, CONFLICT naming the first full day.
 */
export function changeExpectedDischarge(ctx: PsychiatryContext, referralId: string, args: { expectedDischargeOn: string; reason: string }) {
  mayTake(ctx.caller, 'changeDischarge');
  const today = stockholmDate(ctx.now);
  const p = new FieldProblems();
  const reason = args.reason.trim();
  if (reason === '') p.add('reason', t`Give the reason the expected discharge changes.`);
  else if (reason.length > 2_000) p.add('reason', t`The reason is too long (at most 2000 characters).`);
  if (args.expectedDischargeOn <= today) p.add('expectedDischargeOn', t`The expected discharge must be after today (${today}).`);
  p.throwIfAny();
  return takeStep(ctx, referralId, 'changeDischarge', async (r, tx) => {
    const admittedOn = stockholmDate(r.admittedAt ?? ctx.now);
    validateExpectedDischarge(args.expectedDischargeOn, admittedOn, capacity.MAX_STAY_DAYS);
    const current = r.expectedDischargeOn ?? capacity.defaultExpectedDischarge(admittedOn);
    if (args.expectedDischargeOn === current) throw badInput('expectedDischargeOn', t`The expected discharge is already ${current}; give a new day.`);
    if (r.placeWardId && args.expectedDischargeOn > current) {
      const w = requireStoredWard(await lockWard(tx, r.placeWardId), r.placeWardId);
      const holds = await holdsOnWard(tx, w.id, today, r.id);
      const short = capacity.shortage(w.places, holds, today, addDays(args.expectedDischargeOn, -1));
      if (short) {
        throw conflict(
          t`${w.name} has no free place on ${short.firstFullDay} (${short.taken} of ${w.places} places taken or offered); the latest expected discharge the ward can take is ${short.firstFullDay}.`,
          { wardId: w.id, firstFullDay: short.firstFullDay },
        );
      }
    }
    return { step: 'changeDischarge', expectedDischargeOn: args.expectedDischargeOn, reason };
  });
}

export function withdrawReferral(ctx: PsychiatryContext, referralId: string, reason: string) {
  mayTake(ctx.caller, 'withdraw');
  const why = validateWithdrawalReason(reason);
  // the meetings still booked are cancelled with the request, in the same transaction
  return takeStep(
    ctx,
    referralId,
    'withdraw',
    () => ({ step: 'withdraw', reason: why }),
    null,
    (tx, row) => meetings.cancelBookedMeetings(tx, ctx, row, `The request was withdrawn: ${why}`),
  );
}

// ------------------------------------------------------------------ amendments and assignment

/** How a value is shown in an amendment's history: text as it is, lists and documents as JSON, null as null. */
function shown(field: string, v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') return v;
  // documents in the order the API names their fields (jsonb keeps its own key order)
  if (field === 'assessments') {
    const docs = (v as StoredAssessment[]).map((d) => ({ instrument: d.instrument, performedOn: d.performedOn, score: d.score, summary: d.summary }));
    return JSON.stringify(docs);
  }
  return JSON.stringify(v);
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * The referring organisation's caseworker corrects or adds fields of an open request. Only
 * fields whose value changes are stored; each with its value before and after, who (user and
 * organisation) and when, in the amendment history, and on the timeline by name only.
 */
export function amendReferral(ctx: PsychiatryContext, referralId: string, input: AmendmentInput) {
  mayTake(ctx.caller, 'amend');
  const a = validateAmendment(input, ctx.now);
  let changes: StoredFieldChange[] = [];
  return takeStep(
    ctx,
    referralId,
    'amend',
    (r) => {
      const set: Partial<ReferralRow> = {};
      changes = [];
      const change = <K extends keyof ReferralRow>(field: string, column: K, after: ReferralRow[K] | undefined) => {
        if (after === undefined || same(r[column], after)) return;
        set[column] = after;
        changes.push({ field, before: r[column] ?? null, after: after ?? null });
      };
      change('name', 'name', a.name);
      change('substances', 'substances', a.substances);
      change('currentProblems', 'currentProblems', a.currentProblems);
      change('postTreatmentPlan', 'postTreatmentPlan', a.postTreatmentPlan);
      change('otherIllnesses', 'otherIllnesses', a.otherIllnesses);
      change('medications', 'medications', a.medications);
      change('caseworker.name', 'caseworkerName', a.caseworkerName);
      change('caseworker.phone', 'caseworkerPhone', a.caseworkerPhone);
      change('caseworker.email', 'caseworkerEmail', a.caseworkerEmail);
      if (a.addAssessments.length > 0) change('assessments', 'assessments', [...r.assessments, ...a.addAssessments]);
      if (changes.length === 0) throw badInput('input', t`The amendment changes nothing: every field given already has that value.`);
      return { step: 'amend', set, fields: changes.map((c) => c.field), reason: a.reason };
    },
    null,
    async (tx) => {
      const { caller, now } = ctx;
      await tx.insert(withdrawalReferralAmendment).values({
        id: randomUUID(),
        referralId,
        at: now,
        byUserId: caller.userId,
        byName: caller.name,
        byOrganisationId: caller.organisation.id,
        reason: a.reason,
        changes,
      });
    },
  );
}

/** An amendment as the API shows it: who with their organisation, the values as text. */
export function amendmentView(row: { at: Date; byName: string; byOrganisationId: string; reason: string | null; changes: StoredFieldChange[] }) {
  return {
    at: row.at,
    by: `${row.byName} (${organisation(row.byOrganisationId)?.name ?? row.byOrganisationId})`,
    reason: row.reason,
    changes: row.changes.map((c) => ({ field: c.field, before: shown(c.field, c.before), after: shown(c.field, c.after) })),
  };
}

/**
 * A coordinator of the receiving organisation assigns the request to a coordinator: to
 * themselves when no user id is given, else to the user id and name given (the hub has no
 * staff directory to check them against; the token of that user is what later lists "mine").
 */
export function assignReferral(ctx: PsychiatryContext, referralId: string, args: { coordinatorUserId?: string | null; coordinatorName?: string | null }) {
  mayTake(ctx.caller, 'assign');
  const userId = args.coordinatorUserId?.trim() ?? '';
  const name = args.coordinatorName?.trim() ?? '';
  if (args.coordinatorUserId === null || args.coordinatorUserId === undefined) {
    if (name !== '') throw badInput('coordinatorName', t`Give coordinatorName only together with coordinatorUserId.`);
    return takeStep(ctx, referralId, 'assign', () => ({ step: 'assign', to: { userId: ctx.caller.userId, name: ctx.caller.name } }));
  }
  const p = new FieldProblems();
  if (userId === '') p.add('coordinatorUserId', t`The coordinator's user id must be filled in.`);
  if (name === '') p.add('coordinatorName', t`Give the coordinator's name with their user id.`);
  else if (name.length > 200) p.add('coordinatorName', t`The coordinator's name is too long (at most 200 characters).`);
  p.throwIfAny();
  return takeStep(ctx, referralId, 'assign', () => ({ step: 'assign', to: { userId, name } }));
}
