/**
 * A withdrawal referral as FHIR R4 (docs/design/rules.md, "A map to FHIR R4"):
 * the request as ServiceRequest (requester the caseworker, performer the
 * coordinator or the receiving unit, the AUDIT/DUDIT/ASI results as
 * supportingInfo), the coordinator's handling as Task (status and
 * businessStatus, the next due date as restriction.period, the decision as
 * output), with the Patient, the organisations and the staff. Built from the
 * row the caller was allowed to read (the referral's own check and audit), and
 * from the same fields the record shows that caller.
 */
import {
  collectionBundle,
  fhirDateTime,
  fhirId,
  HUB_STATUS_SYSTEM,
  organizationResource,
  patientResource,
  practitionerRoleResource,
  recordIdentifier,
  ref,
  type FhirResource,
} from '../../../shared/src/fhir.ts';
import type { ReferralRow } from '../db/schema.ts';
import * as deadlines from './deadlines.ts';
import { decisionOf, storedOrganisation, treatmentOfferOf } from './views.ts';

type Status = deadlines.ReferralStatus;

/** ServiceRequest.status: open until the request is carried out, withdrawn or found not needed. */
export const SERVICE_REQUEST_STATUS: Record<Status, 'active' | 'completed' | 'revoked'> = {
  RECEIVED: 'active',
  ASSESSMENT_BOOKED: 'active',
  AWAITING_DECISION: 'active',
  CARE_PLANNING: 'active',
  PLACE_OFFERED: 'active',
  ADMISSION_REFUSED: 'active',
  ADMITTED: 'active',
  LAPSED: 'active',
  COMPLETED: 'completed',
  NOT_NEEDED: 'completed',
  WITHDRAWN: 'revoked',
};

/** Task.status of the coordinator's handling; businessStatus carries the hub's own status. */
export const TASK_STATUS: Record<Status, 'received' | 'accepted' | 'in-progress' | 'on-hold' | 'failed' | 'completed' | 'cancelled'> = {
  RECEIVED: 'received',
  ASSESSMENT_BOOKED: 'accepted',
  AWAITING_DECISION: 'in-progress',
  CARE_PLANNING: 'in-progress',
  PLACE_OFFERED: 'in-progress',
  ADMISSION_REFUSED: 'on-hold',
  ADMITTED: 'in-progress',
  LAPSED: 'failed',
  COMPLETED: 'completed',
  NOT_NEEDED: 'completed',
  WITHDRAWN: 'cancelled',
};

const WITHDRAWAL_TREATMENT = { text: 'Planerad abstinensbehandling (planned withdrawal treatment)' };

/** The bundle of one referral, as the caller may see it now. */
export function referralBundle(r: ReferralRow, now: Date): FhirResource {
  const status = deadlines.deriveStatus(r, now);
  const patient = patientResource(r.personId, { identityNumber: r.personnummer, name: r.name });
  const referring = organizationResource(storedOrganisation(r.referringOrganisationId));
  const receiving = organizationResource(storedOrganisation(r.receivingOrganisationId));
  const caseworker = practitionerRoleResource(
    `${r.id}|caseworker`,
    { name: r.caseworkerName, phone: r.caseworkerPhone, email: r.caseworkerEmail, role: 'caseworker' },
    referring,
  );
  const coordinator =
    r.assignedToUserId && r.assignedToName
      ? practitionerRoleResource(`${r.id}|coordinator`, { name: r.assignedToName, userId: r.assignedToUserId, role: 'coordinator' }, receiving)
      : null;
  const performer = coordinator ? ref(coordinator, r.assignedToName ?? undefined) : ref(receiving, String(receiving.name));
  const offer = treatmentOfferOf(r);
  const decision = decisionOf(r);

  const serviceRequest: FhirResource = {
    resourceType: 'ServiceRequest',
    id: fhirId('ServiceRequest', r.id),
    identifier: [recordIdentifier('WithdrawalReferral', r.id)],
    status: SERVICE_REQUEST_STATUS[status],
    intent: 'order',
    code: WITHDRAWAL_TREATMENT,
    subject: ref(patient),
    authoredOn: fhirDateTime(r.receivedAt),
    requester: ref(caseworker, r.caseworkerName),
    performer: [performer],
    reasonCode: [{ text: r.currentProblems }],
    ...(r.assessments.length > 0
      ? {
          supportingInfo: r.assessments.map((a) => ({
            display: [a.instrument, a.performedOn, a.score === null || a.score === undefined ? null : `score ${a.score}`, a.summary].filter(Boolean).join(', '),
          })),
        }
      : {}),
    note: [{ text: `Substances: ${r.substances.join(', ')}` }, { text: `After the treatment: ${r.postTreatmentPlan}` }],
    ...(offer ? { occurrencePeriod: { start: offer.startDate } } : {}),
  };

  const due = deadlines.nextDueBy(r);
  const output = decision
    ? [
        {
          type: { text: 'treatment decision' },
          valueCodeableConcept: {
            coding: [{ system: `${HUB_STATUS_SYSTEM}:decision`, code: decision.needed ? (decision.setting ?? 'NEEDED') : 'NOT_NEEDED' }],
            text: decision.rationale ?? (decision.needed ? 'treatment needed' : 'treatment not needed'),
          },
        },
      ]
    : [];
  if (offer)
    output.push({
      type: { text: 'treatment offer' },
      valueCodeableConcept: {
        coding: [{ system: `${HUB_STATUS_SYSTEM}:offer`, code: offer.setting }],
        text: `from ${offer.startDate}, lapses ${offer.lapsesOn}`,
      },
    });
  const ended = r.completedAt ?? r.withdrawnAt;
  const task: FhirResource = {
    resourceType: 'Task',
    id: fhirId('Task', r.id),
    identifier: [recordIdentifier('WithdrawalReferral', r.id)],
    basedOn: [ref(serviceRequest)],
    status: TASK_STATUS[status],
    businessStatus: { coding: [{ system: `${HUB_STATUS_SYSTEM}:ReferralStatus`, code: status }], text: status },
    intent: 'order',
    code: WITHDRAWAL_TREATMENT,
    focus: ref(serviceRequest),
    for: ref(patient),
    authoredOn: fhirDateTime(r.receivedAt),
    executionPeriod: { start: fhirDateTime(r.cycleStartedAt), ...(ended ? { end: fhirDateTime(ended) } : {}) },
    requester: ref(caseworker, r.caseworkerName),
    owner: performer,
    ...(due === deadlines.NO_DEADLINE ? {} : { restriction: { period: { end: due } } }),
    ...(output.length > 0 ? { output } : {}),
  };

  return collectionBundle(`WithdrawalReferral|${r.id}`, now, [
    serviceRequest,
    task,
    patient,
    referring,
    receiving,
    caseworker,
    ...(coordinator ? [coordinator] : []),
  ]);
}
