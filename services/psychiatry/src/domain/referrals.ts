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
import { and, eq, inArray, sql, type SQL } from 'drizzle-orm';
import { appendAudit } from '../../../shared/src/audit.ts';
import type { Caller } from '../../../shared/src/caller.ts';
import { badInput, conflict } from '../../../shared/src/errors.ts';
import { paginateTable, personListFilters, thenById, type PersonListArgs } from '../../../shared/src/pagination.ts';
import { isUuid } from '../../../shared/src/ids.ts';
import { addDays, stockholmDate } from '../../../shared/src/time.ts';
import { withdrawalInternalNote, withdrawalReferral, withdrawalReferralEvent, ward, type ReferralRow, type WardRow } from '../db/schema.ts';
import type { PsychiatryContext } from '../context.ts';
import * as capacity from './capacity.ts';
import * as deadlines from './deadlines.ts';
import type { ReferralStatus } from './deadlines.ts';
import {
  listScope,
  mayTake,
  notVisible,
  referralAccess,
  requireInternalNotes,
  requireOfferableWard,
  requireStoredWard,
  requireStep,
  requireReceiver,
  requireSubmit,
  BASIS_SENDER,
} from './policy.ts';
import { applyTransition, assertTransition, placeDueOf, submittedReferral, type Actor, type Step, type StepInput } from './transitions.ts';
import {
  validateDecision,
  validateMeetingTime,
  validateNote,
  validateExpectedDischarge,
  validatePlaceMove,
  validatePlaceOffer,
  validateReferral,
  validateRefusalReason,
  validateWithdrawalReason,
  type DecisionInput,
  type ReferralInput,
} from './validation.ts';
import type { JointCarePlanReference } from './views.ts';
import { holdsOnWard } from './wards.ts';

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
  const t = withdrawalReferral;
  return sql<string>`case
    when ${t.stage} = 'ASSESSMENT_BOOKED' and ${t.assessmentMeetingAt} <= ${now.toISOString()}::timestamptz then 'AWAITING_DECISION'
    when ${t.stage} = 'PLACE_OFFERED' and ${t.placeLapsesOn} < ${stockholmDate(now)}::date then 'LAPSED'
    else ${t.stage} end`;
}

function overdueSql(now: Date): SQL {
  return sql`(${withdrawalReferral.stage} = 'RECEIVED' and ${withdrawalReferral.assessmentDueBy} < ${stockholmDate(now)}::date)`;
}

export interface ListArgs extends PersonListArgs {
  status?: ReferralStatus[] | null;
  overdueOnly?: boolean | null;
}

/**
 * The coordinator's inbox (what the caller's psychiatry organisation
 * received) or a caseworker's sent requests, oldest received first.
 */
export async function listReferrals(ctx: PsychiatryContext, args: ListArgs, fields: string[] | null) {
  const filters = personListFilters(listScope(ctx.caller), withdrawalReferral.personId, args);
  if (args.status && args.status.length > 0) filters.push(inArray(statusSql(ctx.now), args.status));
  if (args.overdueOnly) filters.push(overdueSql(ctx.now));
  const page = await paginateTable(args, ctx.db, withdrawalReferral, {
    what: 'referrals',
    direction: 'asc',
    keys: thenById(withdrawalReferral, 'receivedAt', 'instant'),
    where: filters,
  });
  return { ...page, nodes: referralAccess.see(ctx, page.nodes, fields) };
}

export async function eventsOf(ctx: PsychiatryContext, r: ReferralRow) {
  return ctx.loaders.events.load(r.id);
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

export async function submitReferral(ctx: PsychiatryContext, input: ReferralInput): Promise<ReferralRow> {
  const { caller, now } = ctx;
  requireSubmit(caller);
  const valid = validateReferral(input, now);
  const receiver = requireReceiver(caller);
  const { row, event } = submittedReferral(
    valid,
    actorOf(caller),
    { id: randomUUID(), personId: ctx.pseudonym(valid.personnummer), receivingOrganisationId: receiver.id },
    now,
  );

  const created = await ctx.db.transaction(async (tx) => {
    const inserted = await tx
      .insert(withdrawalReferral)
      .values(row)
      // a retry (even a concurrent one) meets the unique constraint and inserts nothing
      .onConflictDoNothing({ target: [withdrawalReferral.referringOrganisationId, withdrawalReferral.idempotencyKey] })
      .returning();
    const stored = inserted[0];
    if (!stored) return null;
    await tx.insert(withdrawalReferralEvent).values({ id: randomUUID(), ...event });
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
  if (valid.idempotencyKey === null) throw conflict('The request could not be stored; please try again.');

  const [first] = await ctx.db
    .select()
    .from(withdrawalReferral)
    .where(and(eq(withdrawalReferral.referringOrganisationId, caller.organisation.id), eq(withdrawalReferral.idempotencyKey, valid.idempotencyKey)));
  if (!first) throw conflict('The request could not be stored; please try again.');
  if (first.personnummer !== valid.personnummer) {
    throw badInput('input.idempotencyKey', 'This idempotency key was already used for a request about another person; use a new key for a new request.');
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
    await tx.insert(withdrawalReferralEvent).values({ id: randomUUID(), ...next.event });
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

export function bookAssessmentMeeting(ctx: PsychiatryContext, referralId: string, at: Date, internalNote?: string | null) {
  mayTake(ctx.caller, 'bookMeeting');
  validateMeetingTime(at, ctx.now);
  const note = validateNote(internalNote, 'internalNote');
  return takeStep(ctx, referralId, 'bookMeeting', () => ({ step: 'bookMeeting', at }), note);
}

export function recordTreatmentDecision(ctx: PsychiatryContext, referralId: string, input: DecisionInput & { internalNote?: string | null }) {
  mayTake(ctx.caller, 'decide');
  const d = validateDecision(input);
  const note = validateNote(input.internalNote, 'internalNote');
  return takeStep(ctx, referralId, 'decide', () => ({ step: 'decide', ...d }), note);
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
async function requireBeds(tx: Tx, ctx: PsychiatryContext, w: WardRow, referralId: string, from: string, until: string, what: string): Promise<void> {
  const holds = await holdsOnWard(tx, w.id, stockholmDate(ctx.now), referralId);
  const short = capacity.shortage(w.places, holds, from, until);
  if (!short) return;
  throw conflict(
    `${w.name} has no free place on ${short.firstFullDay} (${short.taken} of ${w.places} places taken or offered); ` +
      (short.nextFreeDate ? `the first date from which a place is free for the whole ${what} is ${short.nextFreeDate}.` : 'the ward has no places.'),
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
        if (args.wardId) throw badInput('wardId', 'The decision is outpatient treatment, which takes no ward place; leave wardId out.');
        if (args.fromOtherProvider) throw badInput('fromOtherProvider', 'Outpatient treatment is not ordered from another care provider through the hub.');
        return { step: 'offerPlace', ward: null, startDate: args.startDate, reason };
      }
      if (!args.wardId) throw badInput('wardId', 'The decision is inpatient treatment: name the ward of the place.');
      const w = requireOfferableWard(await lockWard(tx, args.wardId), args.wardId, r.receivingOrganisationId, args.fromOtherProvider === true);
      await requireBeds(tx, ctx, w, r.id, args.startDate, deadlines.lapsesOn(args.startDate), 'offer (start date to lapse date)');
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
        throw badInput('startDate', `The place already starts on ${args.startDate}; give a new start date.`);
      }
      if (!r.placeWardId) return { step: 'movePlace', ward: null, startDate: args.startDate, reason };
      const w = requireStoredWard(await lockWard(tx, r.placeWardId), r.placeWardId);
      await requireBeds(tx, ctx, w, r.id, args.startDate, deadlines.lapsesOn(args.startDate), 'offer (start date to lapse date)');
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
      await requireBeds(tx, ctx, w, r.id, today, addDays(expected, -1), 'stay (admission to expected discharge)');
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

export function requestNewAssessment(ctx: PsychiatryContext, referralId: string) {
  return takeStep(ctx, referralId, 'requestNewAssessment', () => ({ step: 'requestNewAssessment' }));
}

export function withdrawReferral(ctx: PsychiatryContext, referralId: string, reason: string) {
  mayTake(ctx.caller, 'withdraw');
  const why = validateWithdrawalReason(reason);
  return takeStep(ctx, referralId, 'withdraw', () => ({ step: 'withdraw', reason: why }));
}
