/**
 * Input rules for consent and joint care plans, as pure functions: each
 * broken rule is a BAD_USER_INPUT naming the field, in plain words.
 */
import { badInput } from '../../../shared/src/errors.ts';
import { organisation, type Agency } from '../../../shared/src/directory.ts';
import { parseIdentityNumber, type IdentityNumber } from '../../../shared/src/personnummer.ts';
import { isCalendarDate, stockholmDate } from '../../../shared/src/time.ts';
import type { ParticipantRecord } from '../db/schema.ts';
import { t, type Wording } from '../../../shared/src/i18n.ts';

export function identity(field: string, personnummer: string, now: Date): IdentityNumber {
  const parsed = parseIdentityNumber(personnummer, now);
  if (!parsed.ok) throw badInput(field, t`The personnummer ${parsed.reason}.`);
  return parsed.value;
}

export function text(field: string, value: string, what: Wording, max = 4000): string {
  const v = value.trim();
  if (!v) throw badInput(field, t`${what} must not be empty.`);
  if (v.length > max) throw badInput(field, t`${what} must be at most ${max} characters.`);
  return v;
}

export function dateNotBefore(field: string, value: string, earliest: string, message: Wording): string {
  if (!isCalendarDate(value)) throw badInput(field, t`${value} is not a date; write it as YYYY-MM-DD.`);
  if (value < earliest) throw badInput(field, message);
  return value;
}

export function organisationIds(field: string, ids: string[], callerOrg: string): string[] {
  if (ids.length === 0) throw badInput(field, t`Name at least one organisation.`);
  ids.forEach((id, i) => {
    if (!organisation(id)) throw badInput(`${field}[${i}]`, t`${id} is not an organisation of the hub.`);
  });
  if (new Set(ids).size !== ids.length) throw badInput(field, t`Each organisation may be named only once.`);
  if (!ids.includes(callerOrg)) throw badInput(field, t`Your own organisation must be among the organisations named.`);
  return ids;
}

export interface ConsentInput {
  personnummer: string;
  purpose: string;
  organisationIds: string[];
  validUntil: string;
}

/** The same calendar day `years` years later (29 February becomes 28 February). */
export function addYears(date: string, years: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const last = new Date(Date.UTC(y + years, m, 0)).getUTCDate();
  return `${String(y + years).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(Math.min(d, last)).padStart(2, '0')}`;
}

/** A consent is valid from the day it is given (today) until `validUntil`: at least today, at most `maxYears` years on (HUB_CONSENT_MAX_YEARS). */
export function validateConsent(input: ConsentInput, callerOrg: string, now: Date, maxYears = 3) {
  const today = stockholmDate(now);
  const checked = {
    identity: identity('input.personnummer', input.personnummer, now),
    purpose: text('input.purpose', input.purpose, t`The purpose`),
    organisationIds: organisationIds('input.organisationIds', input.organisationIds, callerOrg),
    validUntil: dateNotBefore('input.validUntil', input.validUntil, today, t`A consent must be valid at least until today.`),
  };
  const latest = addYears(today, maxYears);
  if (checked.validUntil > latest) {
    throw badInput(
      'input.validUntil',
      maxYears === 1
        ? t`A consent may be valid for at most 1 year from the day it is given: ${latest} at the latest. Ask the individual again when it runs out.`
        : t`A consent may be valid for at most ${maxYears} years from the day it is given: ${latest} at the latest. Ask the individual again when it runs out.`,
    );
  }
  return checked;
}

export function goals(field: string, list: string[]): string[] {
  if (list.length === 0) throw badInput(field, t`A plan needs at least one goal.`);
  return list.map((g, i) => text(`${field}[${i}]`, g, t`A goal`, 1000));
}

export interface ParticipantInput {
  organisationId?: string | null;
  role: string;
  name: string;
  relation?: string | null;
}

/** The individual the plan is about, as a participant: the role "individual", no organisation. */
export const isIndividual = (p: { organisationId: string | null; role: string }) => p.organisationId === null && p.role.trim().toLowerCase() === 'individual';

export function participants(field: string, list: ParticipantInput[], callerOrg: string): ParticipantRecord[] {
  if (list.length === 0) throw badInput(field, t`A plan needs its participants.`);
  const records = list.map((p, i) => {
    const org = p.organisationId ?? null;
    if (org !== null && !organisation(org)) throw badInput(`${field}[${i}].organisationId`, t`${org} is not an organisation of the hub.`);
    const role = text(`${field}[${i}].role`, p.role, t`A participant's role`, 200);
    const name = text(`${field}[${i}].name`, p.name, t`A participant's name`, 200);
    if (p.relation === undefined || p.relation === null) return { organisationId: org, role, name };
    if (org !== null || role.toLowerCase() !== 'relative') {
      throw badInput(`${field}[${i}].relation`, t`Only a participant with the role "relative" and no organisation has a relation to the individual.`);
    }
    return { organisationId: org, role, name, relation: text(`${field}[${i}].relation`, p.relation, t`The relation`, 100) };
  });
  if (!records.some((r) => r.organisationId === callerOrg)) {
    throw badInput(field, t`Your own organisation must take part in the plan it draws up.`);
  }
  // the individual takes part in planning their own care (the Stockholm policy; SoL and HSL on SIP)
  if (!records.some(isIndividual)) {
    throw badInput(
      field,
      t`The individual takes part in the planning of their own care: name them as a participant with the role "individual" and no organisation.`,
    );
  }
  return records;
}

export type CarePlanKind = 'SIP' | 'WITHDRAWAL' | 'CONTRACT_CARE';

/** Contract care: the probation service, social services and the care provider draw up the plan together (docs/design/rules.md 8). */
export function kindRules(kind: CarePlanKind, orgIds: string[], withdrawalReferralId?: string | null, contractCareOrderId?: string | null): void {
  const agencies = new Set(orgIds.map((id) => organisation(id)!.agency));
  const has = (...a: Agency[]) => a.some((x) => agencies.has(x));
  if (kind === 'WITHDRAWAL') {
    if (!withdrawalReferralId) throw badInput('input.withdrawalReferralId', t`A withdrawal plan belongs to a withdrawal referral: give its id.`);
    if (!has('MUNICIPALITY') || !has('PSYCHIATRY'))
      throw badInput('input.participants', t`A withdrawal plan is drawn up by social services and psychiatry together: both must take part.`);
  } else if (withdrawalReferralId) {
    throw badInput('input.withdrawalReferralId', t`Only a WITHDRAWAL plan belongs to a withdrawal referral.`);
  }
  if (kind === 'CONTRACT_CARE') {
    if (!contractCareOrderId) throw badInput('input.contractCareOrderId', t`A contract-care plan belongs to a contract-care order: give its id.`);
    if (!has('PROBATION') || !has('MUNICIPALITY') || !has('PSYCHIATRY', 'CLINIC')) {
      throw badInput(
        'input.participants',
        t`A contract-care plan is drawn up by the probation service, social services and the care provider together: all three must take part.`,
      );
    }
  } else if (contractCareOrderId) {
    throw badInput('input.contractCareOrderId', t`Only a CONTRACT_CARE plan belongs to a contract-care order.`);
  }
}

export function effort(input: { description: string; responsible: string; startsOn?: string | null; endsOn?: string | null }) {
  const description = text('input.description', input.description, t`The description of the effort`);
  const responsible = text('input.responsible', input.responsible, t`Who is responsible`, 200);
  const startsOn = input.startsOn ?? null;
  const endsOn = input.endsOn ?? null;
  if (startsOn && endsOn && endsOn < startsOn) throw badInput('input.endsOn', t`An effort cannot end before it starts.`);
  return { description, responsible, startsOn, endsOn };
}
