/** Building blocks for tests of consent and joint care plans. */
import { expect } from 'vitest';
import { gql, type As } from './hub.ts';
import { addDays, stockholmDate } from '../../services/shared/src/time.ts';

export const caseworkerSthlm: As = { org: 'municipality:0180', roles: ['CASEWORKER'], sub: 'cw-sthlm', name: 'Cecilia Handläggare' };
export const clinicStaff: As = { org: 'clinic:0180-sodermalm', roles: ['CLINIC_STAFF'], sub: 'lim-sod', name: 'Lina Mottagning' };

export const PLAN_FIELDS = `id kind status version goals followUpOn signedByIndividual missingSignatures followUpOverdue sharingStopped
  person { id } ownerOrganisation { id } participants { organisation { id } role name }
  efforts { organisation { id } description responsible addedInVersion }
  signatures { signedBy asIndividual organisation { id } version }
  consent { id active }`;

/** A plan's participants: the individual by name, then each organisation's member as [organisationId, role, name]. */
export function participants(individual: string, ...members: Array<[organisationId: string, role: string, name: string]>) {
  return [{ role: 'individual', name: individual }, ...members.map(([organisationId, role, name]) => ({ organisationId, role, name }))];
}

/** Documents a consent; valid (by default) for three years (1095 days) from the day it is given, `clock`'s day when given (at most HUB_CONSENT_MAX_YEARS, 3). */
export async function recordConsent(as: As, personnummer: string, organisationIds: string[], validUntil?: string, clock?: string) {
  validUntil ??= addDays(stockholmDate(clock ? new Date(clock) : new Date()), 1095);
  const res = await gql(
    `mutation($i: ConsentInput!) { recordConsent(input: $i) { id active person { id } } }`,
    { i: { personnummer, purpose: 'Samordnad individuell plan', organisationIds, validUntil } },
    { as, ...(clock ? { clock } : {}) },
  );
  expect(res.errors).toBeUndefined();
  return res.data!.recordConsent as { id: string; active: boolean; person: { id: string } };
}

export async function createPlan(as: As, input: Record<string, unknown>, clock?: string) {
  return gql(`mutation($i: JointCarePlanInput!) { createJointCarePlan(input: $i) { ${PLAN_FIELDS} } }`, { i: input }, { as, ...(clock ? { clock } : {}) });
}

export function sip(personnummer: string, consentId: string, extra: Record<string, unknown> = {}) {
  return {
    kind: 'SIP',
    personnummer,
    consentId,
    goals: ['Stabilt boende', 'Minskat alkoholbruk'],
    participants: participants('Kim Klient', ['municipality:0180', 'caseworker', 'Cecilia Handläggare'], ['clinic:0180-sodermalm', 'nurse', 'Lina Mottagning']),
    followUpOn: '2099-06-01',
    ...extra,
  };
}

/** A contract-care plan for an order: its goals and participants, the individual first. */
export function contractCarePlan(
  on: { personnummer: string; consentId: string; orderId: string },
  goals: string[],
  individual: string,
  ...members: Array<[organisationId: string, role: string, name: string]>
) {
  return {
    kind: 'CONTRACT_CARE',
    personnummer: on.personnummer,
    consentId: on.consentId,
    goals,
    participants: participants(individual, ...members),
    followUpOn: '2099-01-01',
    contractCareOrderId: on.orderId,
  };
}

export const PLAN = `query($id: ID!) { jointCarePlan(id: $id) { ${PLAN_FIELDS} } }`;
