/**
 * Joint care plans and consents as FHIR R4 (docs/design/rules.md, "A map to
 * FHIR R4"): a plan as CarePlan (status, author the owner, contributors the
 * participating organisations, an activity per effort, its goals as Goal) with
 * its CareTeam, each signature on the shown version as Provenance, and the
 * consent as Consent (scope, the organisations as provision actors, the
 * period, the purpose, the policy). Built from the view the caller was allowed
 * to read (readPlan's check and audit); the Patient carries only the
 * pseudonymous id, as the plan shows no personnummer or name.
 */
import {
  collectionBundle,
  fhirDateTime,
  fhirId,
  HUB_STATUS_SYSTEM,
  organizationResource,
  patientResource,
  recordIdentifier,
  ref,
  type FhirResource,
} from '../../../shared/src/fhir.ts';
import { stockholmDate } from '../../../shared/src/time.ts';
import type { ConsentRow, EffortRow, SignatureRow } from '../db/schema.ts';
import type { CarePlanStatus } from './plan-rules.ts';
import type { PlanView } from './plans.ts';
import { organisationOf } from './directory.ts';
import { consentActive } from './policy.ts';

/** CarePlan.status of a plan's status. */
export const CARE_PLAN_STATUS: Record<CarePlanStatus, 'draft' | 'active' | 'completed' | 'revoked'> = {
  DRAFT: 'draft',
  ACTIVE: 'active',
  COMPLETED: 'completed',
  ENDED: 'revoked',
};

const KIND_TEXT: Record<PlanView['row']['kind'], string> = {
  SIP: 'Samordnad individuell plan (SIP)',
  WITHDRAWAL: 'Vårdplan, planerad abstinensbehandling (withdrawal plan)',
  CONTRACT_CARE: 'Behandlingsplan, kontraktsvård (contract-care plan)',
};

/** An effort's activity status: by the plan's status and the effort's dates (Stockholm). */
export function effortStatus(
  plan: CarePlanStatus,
  e: Pick<EffortRow, 'startsOn' | 'endsOn'>,
  today: string,
): 'not-started' | 'scheduled' | 'in-progress' | 'completed' | 'cancelled' {
  if (plan === 'ENDED') return 'cancelled';
  if (plan === 'COMPLETED') return 'completed';
  if (plan === 'DRAFT') return 'not-started';
  if (e.startsOn && e.startsOn > today) return 'scheduled';
  if (e.endsOn && e.endsOn < today) return 'completed';
  return 'in-progress';
}

const organizationOf = (id: string) => organizationResource(organisationOf(id));

/** A consent as Consent: active while valid and not revoked, inactive after. */
export function consentResource(c: ConsentRow, patient: FhirResource, now: Date): FhirResource {
  const recorder = organizationOf(c.recordedByOrganisationId);
  return {
    resourceType: 'Consent',
    id: fhirId('Consent', c.id),
    identifier: [recordIdentifier('Consent', c.id)],
    status: consentActive(c, now) ? 'active' : 'inactive',
    scope: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/consentscope', code: 'patient-privacy', display: 'Privacy Consent' }] },
    category: [{ coding: [{ system: 'http://loinc.org', code: '59284-0', display: 'Patient Consent' }] }, { text: c.purpose }],
    patient: ref(patient),
    dateTime: fhirDateTime(c.givenAt),
    performer: [ref(patient)],
    organization: [ref(recorder, String(recorder.name))],
    policyRule: {
      coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'OPTIN', display: 'opt-in' }],
      text: 'Samtycke (OSL 25 kap. 1 §, 26 kap. 1 §): specific to the coordination, limited in time, revocable',
    },
    provision: {
      type: 'permit',
      // the last valid day is the Stockholm date validUntil; a revocation ends the period on its day
      period: { start: fhirDateTime(c.givenAt), end: c.revokedAt ? fhirDateTime(c.revokedAt) : c.validUntil },
      actor: c.organisationIds.map((id) => {
        const org = organizationOf(id);
        return {
          role: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ParticipationType', code: 'IRCP', display: 'information recipient' }] },
          reference: ref(org, String(org.name)),
        };
      }),
      purpose: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ActReason', code: 'CAREMGT', display: 'care management' }],
    },
  };
}

/** The consent alone, as a bundle with its Patient and organisations. */
export function consentBundle(c: ConsentRow, now: Date): FhirResource {
  const patient = patientResource(c.personId);
  const orgs = [c.recordedByOrganisationId, ...c.organisationIds].map(organizationOf);
  return collectionBundle(`Consent|${c.id}`, now, [consentResource(c, patient, now), patient, ...orgs]);
}

export interface PlanParts {
  status: CarePlanStatus;
  efforts: EffortRow[];
  signatures: SignatureRow[];
  /** the consent, when the caller may see it (as JointCarePlan.consent) */
  consent: ConsentRow | null;
}

/** The bundle of one plan, in the version the view shows. */
export function planBundle(v: PlanView, parts: PlanParts, now: Date): FhirResource {
  const { row } = v;
  const patient = patientResource(row.personId);
  const owner = organizationOf(row.ownerOrganisationId);
  const participantOrgIds = [...new Set(v.shown.participants.flatMap((p) => (p.organisationId ? [p.organisationId] : [])))];
  const participantOrgs = participantOrgIds.map(organizationOf);
  const effortOrgs = parts.efforts.map((e) => organizationOf(e.organisationId));
  const ended = parts.status === 'ENDED' || parts.status === 'COMPLETED';
  const today = stockholmDate(now);

  const goals: FhirResource[] = v.shown.goals.map((text, i) => ({
    resourceType: 'Goal',
    id: fhirId('Goal', `${row.id}|${v.version}|${i}`),
    lifecycleStatus: parts.status === 'ENDED' ? 'cancelled' : parts.status === 'COMPLETED' ? 'completed' : parts.status === 'DRAFT' ? 'proposed' : 'active',
    description: { text },
    subject: ref(patient),
    target: [{ dueDate: v.shown.followUpOn }],
  }));

  const careTeam: FhirResource = {
    resourceType: 'CareTeam',
    id: fhirId('CareTeam', row.id),
    identifier: [recordIdentifier('JointCarePlan', row.id)],
    status: ended ? 'inactive' : 'active',
    name: KIND_TEXT[row.kind],
    subject: ref(patient),
    period: { start: fhirDateTime(row.createdAt), ...(row.endedAt ? { end: fhirDateTime(row.endedAt) } : {}) },
    participant: v.shown.participants.map((p) => {
      const role = [{ text: p.role }];
      if (p.role === 'individual') return { role, member: ref(patient, p.name) };
      if (!p.organisationId) return { role, member: { display: p.name } };
      const org = organizationOf(p.organisationId);
      return { role, member: { display: p.name }, onBehalfOf: ref(org, String(org.name)) };
    }),
    managingOrganization: [ref(owner, String(owner.name))],
  };

  const carePlan: FhirResource = {
    resourceType: 'CarePlan',
    id: fhirId('CarePlan', row.id),
    identifier: [recordIdentifier('JointCarePlan', row.id)],
    ...(row.withdrawalReferralId ? { basedOn: [{ identifier: recordIdentifier('WithdrawalReferral', row.withdrawalReferralId) }] } : {}),
    ...(row.contractCareOrderId ? { supportingInfo: [{ identifier: recordIdentifier('ContractCareOrder', row.contractCareOrderId) }] } : {}),
    status: CARE_PLAN_STATUS[parts.status],
    intent: 'plan',
    category: [{ coding: [{ system: `${HUB_STATUS_SYSTEM}:CarePlanKind`, code: row.kind }], text: KIND_TEXT[row.kind] }],
    title: `${KIND_TEXT[row.kind]}, version ${v.version}`,
    subject: ref(patient),
    period: { start: fhirDateTime(row.createdAt), ...(row.endedAt ? { end: fhirDateTime(row.endedAt) } : {}) },
    created: fhirDateTime(row.createdAt),
    author: ref(owner, String(owner.name)),
    contributor: participantOrgs.map((o) => ref(o, String(o.name))),
    careTeam: [ref(careTeam)],
    goal: goals.map((g) => ref(g)),
    ...(parts.efforts.length > 0
      ? {
          activity: parts.efforts.map((e, i) => ({
            detail: {
              code: { text: e.description },
              status: effortStatus(parts.status, e, today),
              ...(e.startsOn || e.endsOn ? { scheduledPeriod: { ...(e.startsOn ? { start: e.startsOn } : {}), ...(e.endsOn ? { end: e.endsOn } : {}) } } : {}),
              performer: [ref(effortOrgs[i]!, String(effortOrgs[i]!.name)), { display: e.responsible }],
              description: e.description,
            },
          })),
        }
      : {}),
    ...(row.endReason ? { note: [{ text: `Ended: ${row.endReason}` }] } : {}),
  };

  const provenances: FhirResource[] = parts.signatures.map((s) => {
    const org = s.organisationId ? organizationOf(s.organisationId) : null;
    const who = s.asIndividual ? ref(patient, s.signedBy) : { display: s.signedBy };
    return {
      resourceType: 'Provenance',
      id: fhirId('Provenance', s.id),
      target: [ref(carePlan)],
      recorded: fhirDateTime(s.signedAt),
      activity: {
        coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-DataOperation', code: 'UPDATE', display: 'revise' }],
        text: `signed version ${s.version}`,
      },
      agent: [{ who, ...(org ? { onBehalfOf: ref(org, String(org.name)) } : {}) }],
      signature: [
        {
          type: [
            {
              system: 'urn:iso-astm:E1762-95:2013',
              code: s.asIndividual ? '1.2.840.10065.1.12.1.7' : '1.2.840.10065.1.12.1.1',
              display: s.asIndividual ? 'Consent Signature' : "Author's Signature",
            },
          ],
          when: fhirDateTime(s.signedAt),
          who,
        },
      ],
    };
  });

  const consent = parts.consent ? consentResource(parts.consent, patient, now) : null;
  const consentOrgs = parts.consent ? [parts.consent.recordedByOrganisationId, ...parts.consent.organisationIds].map(organizationOf) : [];
  return collectionBundle(`JointCarePlan|${row.id}|${v.version}`, now, [
    carePlan,
    careTeam,
    ...goals,
    ...provenances,
    ...(consent ? [consent] : []),
    patient,
    owner,
    ...participantOrgs,
    ...effortOrgs,
    ...consentOrgs,
  ]);
}
