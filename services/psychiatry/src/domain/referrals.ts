/**
 * Withdrawal referrals: submitting, reading (every read is audited with its
 * basis) and the coordinator's, physician's and caseworker's steps. Each step
 * is one transaction that locks the referral, checks the policy and the
 * state machine, changes the row, appends the timeline event (and an
 * internal note when given) and the audit event.
 */
import { randomUUID } from 'node:crypto';
import { and, asc, count, eq, gt, inArray, or, sql, type SQL } from 'drizzle-orm';
import { appendAudit } from '../../../shared/src/audit.ts';
import { requirePermission } from '../../../shared/src/access.ts';
import { badInput, conflict, forbidden, notFound } from '../../../shared/src/errors.ts';
import { requirePersonId } from '../../../shared/src/federation.ts';
import { paginate } from '../../../shared/src/pagination.ts';
import { isUuid } from '../../../shared/src/ids.ts';
import { isPseudonym } from '../../../shared/src/person-id.ts';
import { formatStockholm, stockholmDate } from '../../../shared/src/time.ts';
import { withdrawalInternalNote, withdrawalReferral, withdrawalReferralEvent, ward, type ReferralRow, type StoredCycle } from '../db/schema.ts';
import type { PsychiatryContext } from '../context.ts';
import * as deadlines from './deadlines.ts';
import type { ReferralStatus } from './deadlines.ts';
import { readBasis, receiverFor, requireStep, visibleTo, mayReadInternalNotes, BASIS_SENDER } from './policy.ts';
import { assertTransition, type Step } from './transitions.ts';
import {
  validateDecision,
  validateMeetingTime,
  validateNote,
  validatePlaceOffer,
  validateReferral,
  validateWithdrawalReason,
  type DecisionInput,
  type ReferralInput,
} from './validation.ts';
import type { Permission } from '../../../shared/src/access.ts';

const ENTITY = 'WithdrawalReferral';

export const isReferralId = isUuid;

function auditRead(ctx: PsychiatryContext, r: ReferralRow, basis: string, fields: string[] | null) {
  ctx.audit.read({ entity: ENTITY, entityId: r.id, personId: r.personId, fields, basis, owner: r.receivingOrganisationId });
}

/** The referrals the caller may see among `rows`, each read audited. */
function visibleAndAudited(ctx: PsychiatryContext, rows: ReferralRow[], fields: string[] | null): ReferralRow[] {
  const out: ReferralRow[] = [];
  for (const r of rows) {
    const basis = readBasis(ctx.caller, r);
    if (!basis) continue;
    auditRead(ctx, r, basis, fields);
    out.push(r);
  }
  return out;
}

// ------------------------------------------------------------------ reads

/** One referral; null when it does not exist or the caller may not see it (the same answer, on purpose). */
export async function referralById(ctx: PsychiatryContext, id: string, fields: string[] | null): Promise<ReferralRow | null> {
  if (!isReferralId(id)) return null;
  const row = await ctx.loaders.referral.load(id);
  if (!row) return null;
  return visibleAndAudited(ctx, [row], fields)[0] ?? null;
}

/** A referral reached as an entity from another subgraph: exactly what the direct query gives. */
export const referralByReference = (ctx: PsychiatryContext, id: string) => referralById(ctx, id, null);

/** The referrals of a person that the caller may see; empty for anyone else. */
export async function referralsOfPerson(ctx: PsychiatryContext, personId: string, fields: string[] | null): Promise<ReferralRow[]> {
  if (!isPseudonym(personId)) return [];
  return visibleAndAudited(ctx, await ctx.loaders.referralsOfPerson.load(personId), fields);
}

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

export interface ListArgs {
  status?: ReferralStatus[] | null;
  overdueOnly?: boolean | null;
  first?: number | null;
  after?: string | null;
  personId?: string | null;
}

/**
 * The coordinator's inbox (what the caller's psychiatry organisation
 * received) or a caseworker's sent requests, oldest received first.
 */
export async function listReferrals(ctx: PsychiatryContext, args: ListArgs, fields: string[] | null) {
  const visible = visibleTo(ctx.caller);
  if (!visible) requirePermission(ctx.caller, 'withdrawal.readReceived');
  const filters: SQL[] = [visible!];
  if (args.personId !== null && args.personId !== undefined) filters.push(eq(withdrawalReferral.personId, requirePersonId(args.personId, 'personId')));
  if (args.status && args.status.length > 0) filters.push(inArray(statusSql(ctx.now), args.status));
  if (args.overdueOnly) filters.push(overdueSql(ctx.now));
  const page = await paginate(args, {
    what: 'referrals',
    direction: 'asc',
    keys: [
      { column: withdrawalReferral.receivedAt, kind: 'instant', of: (r: ReferralRow) => r.receivedAt },
      { column: withdrawalReferral.id, kind: 'uuid', of: (r: ReferralRow) => r.id },
    ],
    where: filters,
    count: async (where) => (await ctx.db.select({ n: count() }).from(withdrawalReferral).where(where))[0]?.n ?? 0,
    rows: (where, limit) =>
      ctx.db.select().from(withdrawalReferral).where(where).orderBy(asc(withdrawalReferral.receivedAt), asc(withdrawalReferral.id)).limit(limit),
  });
  return { ...page, nodes: visibleAndAudited(ctx, page.nodes, fields) };
}

export async function eventsOf(ctx: PsychiatryContext, r: ReferralRow) {
  return ctx.loaders.events.load(r.id);
}

/** Internal notes: FORBIDDEN for anyone but the receiving psychiatry organisation's staff. */
export async function internalNotesOf(ctx: PsychiatryContext, r: ReferralRow) {
  if (!mayReadInternalNotes(ctx.caller, r))
    throw forbidden("Psychiatry's internal notes are for the staff of the psychiatry organisation that received the request.");
  ctx.audit.read({
    entity: 'WithdrawalInternalNote',
    entityId: r.id,
    personId: r.personId,
    fields: ['internalNotes'],
    basis: 'receiving psychiatry organisation',
    owner: r.receivingOrganisationId,
  });
  return ctx.loaders.internalNotes.load(r.id);
}

// ------------------------------------------------------------------ submit

export async function submitReferral(ctx: PsychiatryContext, input: ReferralInput): Promise<ReferralRow> {
  const { caller, now } = ctx;
  requirePermission(caller, 'withdrawal.submit');
  const valid = validateReferral(input, now);
  const receiver = receiverFor(caller.organisation);
  if (!receiver) throw conflict('No psychiatry organisation of your region takes requests for withdrawal treatment through the hub.');
  const personId = ctx.pseudonym(valid.personnummer);
  const id = randomUUID();

  const created = await ctx.db.transaction(async (tx) => {
    const inserted = await tx
      .insert(withdrawalReferral)
      .values({
        id,
        receivingOrganisationId: receiver.id,
        referringOrganisationId: caller.organisation.id,
        idempotencyKey: valid.idempotencyKey,
        personId,
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
        submittedBy: caller.userId,
        submittedByName: caller.name,
        receivedAt: now,
        stage: 'RECEIVED',
        cycle: 1,
        cycleStartedAt: now,
        assessmentDueBy: deadlines.assessmentDueBy(now),
        updatedAt: now,
      })
      // a retry (even a concurrent one) meets the unique constraint and inserts nothing
      .onConflictDoNothing({ target: [withdrawalReferral.referringOrganisationId, withdrawalReferral.idempotencyKey] })
      .returning();
    const row = inserted[0];
    if (!row) return null;
    await tx
      .insert(withdrawalReferralEvent)
      .values({ id: randomUUID(), referralId: id, at: now, kind: 'SUBMITTED', byName: caller.name, byOrganisationId: caller.organisation.id, note: null });
    await appendAudit(tx, caller, [
      { action: 'CREATE', entity: ENTITY, entityId: id, personId, fields: null, basis: BASIS_SENDER, owner: row.receivingOrganisationId },
    ]);
    return row;
  });
  if (created) return created;

  const [first] = await ctx.db
    .select()
    .from(withdrawalReferral)
    .where(and(eq(withdrawalReferral.referringOrganisationId, caller.organisation.id), eq(withdrawalReferral.idempotencyKey, valid.idempotencyKey!)));
  if (!first) throw conflict('The request could not be stored; please try again.');
  if (first.personnummer !== valid.personnummer) {
    throw badInput('input.idempotencyKey', 'This idempotency key was already used for a request about another person; use a new key for a new request.');
  }
  auditRead(ctx, first, `${BASIS_SENDER} (retried submission)`, null);
  return first;
}

// ------------------------------------------------------------------ steps

type Tx = Parameters<Parameters<PsychiatryContext['db']['transaction']>[0]>[0];

interface StepOutcome {
  set: Partial<typeof withdrawalReferral.$inferInsert>;
  kind: string;
  note: string | null;
  internalNote?: string | null;
}

const STEP_ACTION: Record<Step, { permission: Permission; side: 'receiver' | 'sender' }> = {
  bookMeeting: { permission: 'withdrawal.bookMeeting', side: 'receiver' },
  decide: { permission: 'withdrawal.decide', side: 'receiver' },
  offerPlace: { permission: 'withdrawal.offerPlace', side: 'receiver' },
  admit: { permission: 'withdrawal.admit', side: 'receiver' },
  discharge: { permission: 'withdrawal.admit', side: 'receiver' },
  requestNewAssessment: { permission: 'withdrawal.followUp', side: 'sender' },
  withdraw: { permission: 'withdrawal.followUp', side: 'sender' },
};

async function takeStep(
  ctx: PsychiatryContext,
  referralId: string,
  step: Step,
  change: (row: ReferralRow, tx: Tx) => Promise<StepOutcome> | StepOutcome,
): Promise<ReferralRow> {
  const { caller, now } = ctx;
  const { permission, side } = STEP_ACTION[step];
  requirePermission(caller, permission);
  if (!isReferralId(referralId)) throw notFound(`There is no withdrawal referral ${referralId} that you can see.`);
  return ctx.db.transaction(async (tx) => {
    const [row] = await tx.select().from(withdrawalReferral).where(eq(withdrawalReferral.id, referralId)).for('update');
    requireStep(caller, row, referralId, permission, side);
    const current = row as ReferralRow;
    assertTransition(step, deadlines.deriveStatus(current, now));
    const outcome = await change(current, tx);
    const [updated] = await tx
      .update(withdrawalReferral)
      .set({ ...outcome.set, updatedAt: now })
      .where(eq(withdrawalReferral.id, referralId))
      .returning();
    await tx.insert(withdrawalReferralEvent).values({
      id: randomUUID(),
      referralId,
      at: now,
      kind: outcome.kind,
      byName: caller.name,
      byOrganisationId: caller.organisation.id,
      note: outcome.note,
    });
    if (outcome.internalNote) {
      await tx
        .insert(withdrawalInternalNote)
        .values({ id: randomUUID(), referralId, at: now, kind: outcome.kind, byName: caller.name, text: outcome.internalNote });
    }
    const basis = readBasis(caller, current)!;
    await appendAudit(tx, caller, [
      {
        action: 'UPDATE',
        entity: ENTITY,
        entityId: referralId,
        personId: current.personId,
        fields: [outcome.kind, ...Object.keys(outcome.set)],
        basis,
        owner: current.receivingOrganisationId,
      },
    ]);
    return updated!;
  });
}

/** The role check comes before anything else, so a caller who may never take the step learns nothing from input errors. */
const mayTake = (ctx: PsychiatryContext, step: Step) => requirePermission(ctx.caller, STEP_ACTION[step].permission);

const localTime = (at: Date) => formatStockholm(at).slice(0, 16).replace('T', ' ');

export function bookAssessmentMeeting(ctx: PsychiatryContext, referralId: string, at: Date, internalNote?: string | null) {
  mayTake(ctx, 'bookMeeting');
  validateMeetingTime(at, ctx.now);
  const note = validateNote(internalNote, 'internalNote');
  return takeStep(ctx, referralId, 'bookMeeting', (r) => {
    // the mark is decided by the first meeting of the cycle: a rebooking of a meeting offered in time keeps it in time
    const firstOfCycle = r.assessmentMeetingAt === null;
    const late = deadlines.meetingMissesDeadline(at, r.assessmentDueBy);
    const missed = firstOfCycle ? late || stockholmDate(ctx.now) > r.assessmentDueBy : r.assessmentDeadlineMissed;
    return {
      set: { stage: 'ASSESSMENT_BOOKED', assessmentMeetingAt: at, assessmentDeadlineMissed: missed },
      kind: 'MEETING_BOOKED',
      note: `Assessment and planning meeting on ${localTime(at)}${late ? ` (after the due date ${r.assessmentDueBy})` : ''}.`,
      internalNote: note,
    };
  });
}

export function recordTreatmentDecision(ctx: PsychiatryContext, referralId: string, input: DecisionInput & { internalNote?: string | null }) {
  mayTake(ctx, 'decide');
  const d = validateDecision(input);
  const note = validateNote(input.internalNote, 'internalNote');
  return takeStep(ctx, referralId, 'decide', () => ({
    set: {
      stage: d.needed ? 'CARE_PLANNING' : 'NOT_NEEDED',
      decisionNeeded: d.needed,
      decisionSetting: d.setting,
      decisionRationale: d.rationale,
      decidedAt: ctx.now,
      decidedBy: ctx.caller.name,
    },
    kind: 'DECISION_RECORDED',
    note: d.needed
      ? `Withdrawal treatment is needed (${d.setting === 'INPATIENT' ? 'inpatient' : 'outpatient'}); a place is to be offered by ${deadlines.placeDueBy(ctx.now)}.`
      : `Withdrawal treatment is not needed: ${d.rationale}`,
    internalNote: note,
  }));
}

/** Locks the ward row (admissions and offers to one ward queue up here) and counts its places in use. */
async function lockWard(tx: Tx, wardId: string, organisationId: string) {
  const [w] = await tx.select().from(ward).where(eq(ward.id, wardId)).for('update');
  if (!w || w.organisationId !== organisationId) throw badInput('wardId', `Ward ${wardId} is not a ward of your organisation.`);
  const [{ n } = { n: 0 }] = await tx
    .select({ n: count() })
    .from(withdrawalReferral)
    .where(and(eq(withdrawalReferral.placeWardId, wardId), eq(withdrawalReferral.stage, 'ADMITTED')));
  return { ward: w, occupied: Number(n) };
}

export function offerPlace(
  ctx: PsychiatryContext,
  referralId: string,
  args: { wardId: string; startDate: string; reason?: string | null; internalNote?: string | null },
) {
  mayTake(ctx, 'offerPlace');
  const note = validateNote(args.internalNote, 'internalNote');
  return takeStep(ctx, referralId, 'offerPlace', async (r, tx) => {
    const dueBy = deadlines.placeDueBy(r.decidedAt!);
    const { reason } = validatePlaceOffer(args, dueBy, ctx.now);
    const { ward: w, occupied } = await lockWard(tx, args.wardId, r.receivingOrganisationId);
    if (occupied >= w.places) throw conflict(`${w.name} is full (${occupied} of ${w.places} places taken); offer a place when one is free.`);
    const lapses = deadlines.lapsesOn(args.startDate);
    return {
      set: {
        stage: 'PLACE_OFFERED',
        placeWardId: w.id,
        placeOfferedAt: ctx.now,
        placeDueBy: dueBy,
        placeStartDate: args.startDate,
        placeLapsesOn: lapses,
        placeReason: reason,
      },
      kind: 'PLACE_OFFERED',
      note: `Place on ${w.name} from ${args.startDate}; it lapses if not used by ${lapses}.${reason ? ` Start after the due date ${dueBy}: ${reason}` : ''}`,
      internalNote: note,
    };
  });
}

export function recordAdmission(ctx: PsychiatryContext, referralId: string, internalNote?: string | null) {
  mayTake(ctx, 'admit');
  const note = validateNote(internalNote, 'internalNote');
  return takeStep(ctx, referralId, 'admit', async (r, tx) => {
    const { ward: w, occupied } = await lockWard(tx, r.placeWardId!, r.receivingOrganisationId);
    if (occupied >= w.places)
      throw conflict(`${w.name} is full (${occupied} of ${w.places} places taken); the admission cannot be recorded until a place is free.`);
    return { set: { stage: 'ADMITTED', admittedAt: ctx.now }, kind: 'ADMITTED', note: `Admitted to ${w.name}.`, internalNote: note };
  });
}

export function recordDischarge(ctx: PsychiatryContext, referralId: string, internalNote?: string | null) {
  mayTake(ctx, 'discharge');
  const note = validateNote(internalNote, 'internalNote');
  return takeStep(ctx, referralId, 'discharge', () => ({
    set: { stage: 'COMPLETED', completedAt: ctx.now },
    kind: 'DISCHARGED',
    note: 'Withdrawal treatment completed; discharged from the ward.',
    internalNote: note,
  }));
}

/** The cycle that ends with a lapse, kept on the referral as history. */
function closedCycle(r: ReferralRow, now: Date): StoredCycle {
  return {
    cycle: r.cycle,
    startedAt: r.cycleStartedAt.toISOString(),
    assessmentDueBy: r.assessmentDueBy,
    assessmentMeetingAt: r.assessmentMeetingAt?.toISOString() ?? null,
    assessmentDeadlineMissed: r.assessmentDeadlineMissed,
    decision: r.decidedAt
      ? { needed: r.decisionNeeded!, setting: r.decisionSetting, decidedAt: r.decidedAt.toISOString(), decidedBy: r.decidedBy!, rationale: r.decisionRationale }
      : null,
    placeOffer: r.placeOfferedAt
      ? {
          wardId: r.placeWardId!,
          offeredAt: r.placeOfferedAt.toISOString(),
          dueBy: r.placeDueBy!,
          startDate: r.placeStartDate!,
          lapsesOn: r.placeLapsesOn!,
          reason: r.placeReason,
        }
      : null,
    outcome: 'LAPSED',
    closedAt: now.toISOString(),
  };
}

export function requestNewAssessment(ctx: PsychiatryContext, referralId: string) {
  return takeStep(ctx, referralId, 'requestNewAssessment', (r) => {
    const dueBy = deadlines.assessmentDueBy(ctx.now);
    return {
      set: {
        earlierCycles: [...r.earlierCycles, closedCycle(r, ctx.now)],
        stage: 'RECEIVED',
        cycle: r.cycle + 1,
        cycleStartedAt: ctx.now,
        assessmentDueBy: dueBy,
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
      },
      kind: 'NEW_ASSESSMENT_REQUESTED',
      note: `The place offered from ${r.placeStartDate} lapsed after ${r.placeLapsesOn}; the need remains. New assessment meeting due by ${dueBy}.`,
    };
  });
}

export function withdrawReferral(ctx: PsychiatryContext, referralId: string, reason: string) {
  mayTake(ctx, 'withdraw');
  const why = validateWithdrawalReason(reason);
  return takeStep(ctx, referralId, 'withdraw', () => ({
    set: { stage: 'WITHDRAWN', withdrawnAt: ctx.now, withdrawalReason: why },
    kind: 'WITHDRAWN',
    note: why,
  }));
}
