/**
 * The rules of contract care as pure functions of the stored rows and the
 * request's clock: the status, the evaluation schedule, the validation of
 * every input (each refusal a BAD_USER_INPUT naming the field).
 */
import { badInput } from '../../../shared/src/errors.ts';
import { organisation, type Organisation } from '../../../shared/src/directory.ts';
import { parseIdentityNumber } from '../../../shared/src/personnummer.ts';
import { addDays, daysBetween, stockholmDate } from '../../../shared/src/time.ts';
import type { EvaluationRow, OrderRow } from '../db/schema.ts';

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

/** The due date that applied to each evaluation when it was held: 90 days after the one before it (or the court decision). */
export function dueDates(courtDecisionOn: string, evaluations: readonly Held[]): Map<string, string> {
  const out = new Map<string, string>();
  let from = courtDecisionOn;
  for (const e of chronological(evaluations)) {
    out.set(e.id, addDays(from, EVALUATION_INTERVAL_DAYS));
    from = e.heldOn;
  }
  return out;
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

// ------------------------------------------------------------------ validation

export function requiredText(value: string, field: string, what: string, max = MAX_TEXT): string {
  const v = value.trim();
  if (v.length === 0) throw badInput(field, `${what} must be filled in.`);
  if (v.length > max) throw badInput(field, `${what} is too long (at most ${max} characters).`);
  return v;
}

function notInFuture(date: string, field: string, what: string, now: Date) {
  const today = stockholmDate(now);
  if (date > today) throw badInput(field, `${what} (${date}) cannot be in the future; today is ${today}.`);
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
  if (!parsed.ok) throw badInput('input.personnummer', `The personnummer ${parsed.reason}.`);
  const name = requiredText(input.name, 'input.name', "The client's name", MAX_NAME);
  notInFuture(input.courtDecisionOn, 'input.courtDecisionOn', "The court's decision date", now);
  if (input.endsOn <= input.courtDecisionOn) {
    throw badInput('input.endsOn', `The contract care must end after the court decision (${input.courtDecisionOn}); ${input.endsOn} is not.`);
  }
  const field = 'input.partnerOrganisationIds';
  const seen = new Set<string>();
  const partners: Organisation[] = [];
  for (const id of input.partnerOrganisationIds) {
    if (seen.has(id)) throw badInput(field, `${id} is named twice; name each partner organisation once.`);
    seen.add(id);
    const org = organisation(id);
    if (!org) throw badInput(field, `${id} is not an organisation of the hub; see the organisations query for their ids.`);
    if (org.agency === 'PROBATION') throw badInput(field, `${org.name} is a probation office; the partners are social services and the care provider.`);
    partners.push(org);
  }
  if (!partners.some((p) => p.agency === 'MUNICIPALITY')) {
    throw badInput(field, 'Name the social services (a municipality) that take part in the contract care.');
  }
  if (!partners.some((p) => p.agency === 'PSYCHIATRY' || p.agency === 'CLINIC')) {
    throw badInput(field, 'Name the care provider (psychiatry or a local integrated clinic) that gives the treatment.');
  }
  return { personnummer: parsed.value.normalised, name, courtDecisionOn: input.courtDecisionOn, endsOn: input.endsOn, partners };
}

/** A deviation's text and date, before the order is known. */
export function validateDeviationInput(occurredOn: string, description: string, now: Date): string {
  notInFuture(occurredOn, 'occurredOn', 'The day of the deviation', now);
  return requiredText(description, 'description', 'The description of what happened');
}

/** A deviation belongs to the contract care's period. */
export function validateDeviationDate(o: Pick<OrderRow, 'courtDecisionOn' | 'endsOn'>, occurredOn: string) {
  if (occurredOn < o.courtDecisionOn) {
    throw badInput('occurredOn', `The deviation (${occurredOn}) cannot be before the court decision (${o.courtDecisionOn}).`);
  }
  if (occurredOn > o.endsOn) {
    throw badInput('occurredOn', `The deviation (${occurredOn}) is after the contract care ended (${o.endsOn}).`);
  }
}

export function validateEvaluationInput(heldOn: string, summary: string, now: Date): string {
  notInFuture(heldOn, 'heldOn', 'The day of the evaluation', now);
  return requiredText(summary, 'summary', 'The summary of the evaluation');
}

export function validateEvaluationDate(o: Pick<OrderRow, 'courtDecisionOn'>, heldOn: string) {
  if (heldOn < o.courtDecisionOn) {
    throw badInput('heldOn', `The evaluation (${heldOn}) cannot be before the court decision (${o.courtDecisionOn}).`);
  }
}
