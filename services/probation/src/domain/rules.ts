/**
 * The rules of contract care as pure functions of the stored rows and the
 * request's clock: the status, the evaluation schedule, the validation of
 * every input (each refusal a BAD_USER_INPUT naming the field), and the
 * rows each step writes (the mutations and the demo seed build them here,
 * so the two cannot drift apart).
 */
import { randomUUID } from 'node:crypto';
import type { Caller } from '../../../shared/src/caller.ts';
import { badInput, conflict } from '../../../shared/src/errors.ts';
import { organisation, type Organisation } from '../../../shared/src/directory.ts';
import { parseIdentityNumber } from '../../../shared/src/personnummer.ts';
import { addDays, daysBetween, stockholmDate } from '../../../shared/src/time.ts';
import type { DeviationRow, EvaluationRow, OrderRow } from '../db/schema.ts';
import { t, type Wording } from '../../../shared/src/i18n.ts';

export type ContractCareStatus = 'ACTIVE' | 'COMPLETED' | 'BREACHED';

/** Evaluations are due every 90 days: counted from the court decision, then from the latest evaluation held. */
export const EVALUATION_INTERVAL_DAYS = 90;

const MAX_TEXT = 10_000;
const MAX_NAME = 200;

/** BREACHED once a breach is recorded, else COMPLETED when today (Stockholm) is after endsOn, else ACTIVE. */
export function deriveStatus(o: Pick<OrderRow, 'breachedAt' | 'endsOn'>, now: Date): ContractCareStatus {
  if (o.breachedAt) return 'BREACHED';
  if (stockholmDate(now) > o.endsOn) return 'COMPLETED';
  return 'ACTIVE';
}

type Held = Pick<EvaluationRow, 'id' | 'heldOn' | 'seq'>;

/** Evaluations in the order they were held (ties: the order they were recorded). */
function chronological<T extends Held>(evaluations: readonly T[]): T[] {
  return [...evaluations].sort((a, b) => (a.heldOn < b.heldOn ? -1 : a.heldOn > b.heldOn ? 1 : a.seq - b.seq));
}

/** An evaluation with the due date that applied when it was held, and whether it kept it. */
export type HeldEvaluation = EvaluationRow & { dueBy: string; heldByDueDate: boolean };

/** The evaluations with their due dates, newest first (the order the schema lists them in). */
export function withDueDates(courtDecisionOn: string, evaluations: readonly EvaluationRow[]): HeldEvaluation[] {
  const held: HeldEvaluation[] = [];
  let from = courtDecisionOn;
  for (const e of chronological(evaluations)) {
    const dueBy = addDays(from, EVALUATION_INTERVAL_DAYS);
    held.push({ ...e, dueBy, heldByDueDate: e.heldOn <= dueBy });
    from = e.heldOn;
  }
  return held.reverse();
}

/** When the next evaluation is due; null when the order is not ACTIVE. */
export function nextEvaluationDueBy(o: Pick<OrderRow, 'breachedAt' | 'endsOn' | 'courtDecisionOn'>, evaluations: readonly Held[], now: Date): string | null {
  if (deriveStatus(o, now) !== 'ACTIVE') return null;
  const latest = evaluations.reduce<string | null>((max, e) => (max === null || e.heldOn > max ? e.heldOn : max), null);
  return addDays(latest ?? o.courtDecisionOn, EVALUATION_INTERVAL_DAYS);
}

/** Whole Stockholm calendar days from the day it happened to the day it was reported. */
export function daysToReport(occurredOn: string, reportedAt: Date): number {
  return daysBetween(occurredOn, stockholmDate(reportedAt));
}

/** The breach the office recorded on an order, as the schema shows it. */
export interface Breach {
  recordedAt: Date;
  reason: string;
  recordedBy: string;
}

/** The order's breach; null unless one was recorded (the three columns are written together). */
export function breachOf(o: Pick<OrderRow, 'breachedAt' | 'breachReason' | 'breachRecordedByName'>): Breach | null {
  if (!o.breachedAt || o.breachReason === null || o.breachRecordedByName === null) return null;
  return { recordedAt: o.breachedAt, reason: o.breachReason, recordedBy: o.breachRecordedByName };
}

// ------------------------------------------------------------------ validation

export function requiredText(value: string, field: string, what: Wording, max = MAX_TEXT): string {
  const v = value.trim();
  if (v.length === 0) throw badInput(field, t`${what} must be filled in.`);
  if (v.length > max) throw badInput(field, t`${what} is too long (at most ${max} characters).`);
  return v;
}

function notInFuture(date: string, field: string, what: Wording, now: Date) {
  const today = stockholmDate(now);
  if (date > today) throw badInput(field, t`${what} (${date}) cannot be in the future; today is ${today}.`);
}

export interface OrderInput {
  personnummer: string;
  name: string;
  courtDecisionOn: string;
  endsOn: string;
  partnerOrganisationIds: string[];
}

export interface ValidOrder {
  personnummer: string;
  name: string;
  courtDecisionOn: string;
  endsOn: string;
  partners: Organisation[];
}

export function validateOrder(input: OrderInput, now: Date): ValidOrder {
  const parsed = parseIdentityNumber(input.personnummer, now);
  if (!parsed.ok) throw badInput('input.personnummer', t`The personnummer ${parsed.reason}.`);
  const name = requiredText(input.name, 'input.name', t`The client's name`, MAX_NAME);
  notInFuture(input.courtDecisionOn, 'input.courtDecisionOn', t`The court's decision date`, now);
  if (input.endsOn <= input.courtDecisionOn) {
    throw badInput('input.endsOn', t`The contract care must end after the court decision (${input.courtDecisionOn}); ${input.endsOn} is not.`);
  }
  const field = 'input.partnerOrganisationIds';
  const seen = new Set<string>();
  const partners: Organisation[] = [];
  for (const id of input.partnerOrganisationIds) {
    if (seen.has(id)) throw badInput(field, t`${id} is named twice; name each partner organisation once.`);
    seen.add(id);
    const org = organisation(id);
    if (!org) throw badInput(field, t`${id} is not an organisation of the hub; see the organisations query for their ids.`);
    if (org.agency === 'PROBATION') throw badInput(field, t`${org.name} is a probation office; the partners are social services and the care provider.`);
    partners.push(org);
  }
  if (!partners.some((p) => p.agency === 'MUNICIPALITY')) {
    throw badInput(field, t`Name the social services (a municipality) that take part in the contract care.`);
  }
  if (!partners.some((p) => p.agency === 'PSYCHIATRY' || p.agency === 'CLINIC')) {
    throw badInput(field, t`Name the care provider (psychiatry or a local integrated clinic) that gives the treatment.`);
  }
  return { personnummer: parsed.value.normalised, name, courtDecisionOn: input.courtDecisionOn, endsOn: input.endsOn, partners };
}

/** A deviation's text and date, before the order is known. */
export function validateDeviationInput(occurredOn: string, description: string, now: Date): string {
  notInFuture(occurredOn, 'occurredOn', t`The day of the deviation`, now);
  return requiredText(description, 'description', t`The description of what happened`);
}

/** A deviation belongs to the contract care's period. */
export function validateDeviationDate(o: Pick<OrderRow, 'courtDecisionOn' | 'endsOn'>, occurredOn: string) {
  if (occurredOn < o.courtDecisionOn) {
    throw badInput('occurredOn', t`The deviation (${occurredOn}) cannot be before the court decision (${o.courtDecisionOn}).`);
  }
  if (occurredOn > o.endsOn) {
    throw badInput('occurredOn', t`The deviation (${occurredOn}) is after the contract care ended (${o.endsOn}).`);
  }
}

export function validateEvaluationInput(heldOn: string, summary: string, now: Date): string {
  notInFuture(heldOn, 'heldOn', t`The day of the evaluation`, now);
  return requiredText(summary, 'summary', t`The summary of the evaluation`);
}

export function validateEvaluationDate(o: Pick<OrderRow, 'courtDecisionOn'>, heldOn: string) {
  if (heldOn < o.courtDecisionOn) {
    throw badInput('heldOn', t`The evaluation (${heldOn}) cannot be before the court decision (${o.courtDecisionOn}).`);
  }
}

// ------------------------------------------------------------------ the rows each step writes

/** A validated order as registered by `by` at `now`; `pseudonym` gives the person's shared id. */
export function newOrder(input: OrderInput, by: Caller, now: Date, pseudonym: (normalised: string) => string): OrderRow {
  const valid = validateOrder(input, now);
  return {
    id: randomUUID(),
    probationOfficeId: by.organisation.id,
    personId: pseudonym(valid.personnummer),
    personnummer: valid.personnummer,
    name: valid.name,
    courtDecisionOn: valid.courtDecisionOn,
    endsOn: valid.endsOn,
    partnerOrganisationIds: valid.partners.map((p) => p.id),
    registeredAt: now,
    registeredBy: by.userId,
    registeredByName: by.name,
    breachedAt: null,
    breachReason: null,
    breachRecordedByName: null,
  };
}

/** A deviation on `order`, reported by `by` at `now` (its insertion order is the database's). */
export function newDeviation(
  order: Pick<OrderRow, 'id' | 'courtDecisionOn' | 'endsOn'>,
  occurredOn: string,
  description: string,
  by: Caller,
  now: Date,
): Omit<DeviationRow, 'seq'> {
  const text = validateDeviationInput(occurredOn, description, now);
  validateDeviationDate(order, occurredOn);
  return {
    id: randomUUID(),
    orderId: order.id,
    occurredOn,
    reportedAt: now,
    description: text,
    reportedByOrganisationId: by.organisation.id,
    reportedBy: by.userId,
    reportedByName: by.name,
  };
}

/** An evaluation of `order`, held on `heldOn`, recorded by `by` at `now`. */
export function newEvaluation(
  order: Pick<OrderRow, 'id' | 'courtDecisionOn'>,
  heldOn: string,
  summary: string,
  by: Caller,
  now: Date,
): Omit<EvaluationRow, 'seq'> {
  const text = validateEvaluationInput(heldOn, summary, now);
  validateEvaluationDate(order, heldOn);
  return { id: randomUUID(), orderId: order.id, heldOn, summary: text, recordedAt: now, recordedBy: by.userId, recordedByName: by.name };
}

/** The columns a breach sets on an ACTIVE order (CONFLICT when it is already BREACHED or COMPLETED). */
export function newBreach(
  order: Pick<OrderRow, 'breachedAt' | 'endsOn'>,
  reason: string,
  by: Caller,
  now: Date,
): Pick<OrderRow, 'breachedAt' | 'breachReason' | 'breachRecordedByName'> {
  const why = requiredText(reason, 'reason', t`The reason for the breach`);
  if (order.breachedAt) throw conflict(t`A breach of this order was already recorded on ${stockholmDate(order.breachedAt)}.`);
  if (deriveStatus(order, now) === 'COMPLETED')
    throw conflict(t`The contract care ended on ${order.endsOn}; a breach can only be recorded while it is active.`);
  return { breachedAt: now, breachReason: why, breachRecordedByName: by.name };
}
