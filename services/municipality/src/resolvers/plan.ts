/** JointCarePlan and its parts, as one caller sees them (the view was authorized by readPlan). */
import type {
  CarePlanDocumentResolvers,
  RemovedCarePlanDocumentResolvers,
  CarePlanEffortResolvers,
  CarePlanFollowUpResolvers,
  ContractCareOrderResolvers,
  IndividualSignatureMethod,
  IndividualStatementResolvers,
  JointCarePlanResolvers,
  JointCarePlanVersionResolvers,
  ParticipantResolvers,
  SignatureResolvers,
  WithdrawalReferralResolvers,
} from '../generated/resolvers.ts';
import * as plans from '../domain/plans.ts';
import { documentsOfPlan, removedDocumentsOfPlan } from '../domain/documents.ts';
import { listedDocumentFields, removedDocumentFields } from '../../../shared/src/documents.ts';
import { endedByText, sharingStopped } from '../domain/plan-rules.ts';
import { organisationOf, organisationOrNull } from '../domain/directory.ts';
import { messagesOfPlan } from '../domain/work.ts';

export const CarePlanDocument: CarePlanDocumentResolvers = listedDocumentFields<'SIGNED_PLAN' | 'WRITTEN_INFORMATION' | 'OTHER'>();

export const RemovedCarePlanDocument: RemovedCarePlanDocumentResolvers = removedDocumentFields<'SIGNED_PLAN' | 'WRITTEN_INFORMATION' | 'OTHER'>();

export const JointCarePlan: JointCarePlanResolvers = {
  __resolveReference: (ref, ctx) => plans.planById(ctx, ref.id),
  id: (v) => v.row.id,
  messages: (v, _, ctx) => messagesOfPlan(ctx, v),
  documents: (v, _, ctx) => documentsOfPlan(ctx, v.row.id),
  removedDocuments: (v, _, ctx) => removedDocumentsOfPlan(ctx, v.row.id),
  kind: (v) => v.row.kind,
  status: (v, _, ctx) => plans.planStatus(ctx, v),
  person: (v) => ({ id: v.row.personId }),
  version: (v) => v.version,
  goals: (v) => v.shown.goals,
  participants: (v) => v.shown.participants,
  efforts: (v, _, ctx) => plans.effortsUpTo(ctx, v.row.id, v.version),
  signatures: (v, _, ctx) => plans.signaturesOn(ctx, v.row.id, v.version),
  signedByIndividual: (v, _, ctx) => plans.signedByIndividual(ctx, v),
  missingSignatures: (v, _, ctx) => plans.planMissingSignatures(ctx, v),
  followUpOn: (v) => v.shown.followUpOn,
  consent: (v, _, ctx) => plans.planConsent(ctx, v),
  ownerOrganisation: (v) => organisationOf(v.row.ownerOrganisationId),
  withdrawalReferralId: (v) => v.row.withdrawalReferralId,
  contractCareOrderId: (v) => v.row.contractCareOrderId,
  versions: (v, _, ctx) => plans.planVersions(ctx, v),
  followUps: (v, _, ctx) => plans.planFollowUps(ctx, v),
  individualViews: (v, _, ctx) => plans.planVoices(ctx, v, 'VIEW'),
  endRequests: (v, _, ctx) => plans.planVoices(ctx, v, 'END_REQUEST'),
  followUpOverdue: (v, _, ctx) => plans.planFollowUpOverdue(ctx, v),
  endedAt: (v) => v.row.endedAt,
  endedBy: (v) => endedByText(v.row),
  endReason: (v) => v.row.endReason,
  sharingStopped: (v, _, ctx) => sharingStopped(v.row, v.consent, ctx.now),
  // the parent is the view readPlan authorized (its check and audit)
  fhirBundle: (v, _, ctx) => plans.planFhirBundle(ctx, v),
};

export const JointCarePlanVersion: JointCarePlanVersionResolvers = {
  efforts: (ver, _, ctx) => plans.effortsUpTo(ctx, ver.planId, ver.version),
  changedByOrganisation: (ver) => organisationOf(ver.changedByOrganisationId),
  signatures: (ver, _, ctx) => plans.signaturesOn(ctx, ver.planId, ver.version),
};

export const Participant: ParticipantResolvers = {
  organisation: (p) => organisationOrNull(p.organisationId),
  relation: (p) => p.relation ?? null,
};

export const Signature: SignatureResolvers = {
  organisation: (s) => organisationOrNull(s.organisationId),
  how: (s) => (s.how as IndividualSignatureMethod | null) ?? null,
  representativeName: (s) => s.representativeName ?? null,
  documentOnFile: (s) => s.documentId !== null,
  assertionOnFile: (s) => s.assertion !== null,
};

export const CarePlanEffort: CarePlanEffortResolvers = {
  organisation: (e) => organisationOf(e.organisationId),
};

export const IndividualStatement: IndividualStatementResolvers = {
  organisation: (s) => organisationOf(s.organisationId),
};

export const CarePlanFollowUp: CarePlanFollowUpResolvers = {
  organisation: (f) => organisationOf(f.organisationId),
};

/**
 * The plan of a withdrawal referral (psychiatry's) and of a contract-care order
 * (probation's). The other subgraph supplies the record's person (@requires,
 * trustworthy because the gateway signs); the plan must name the same record
 * and the same person, and the caller must have a basis to see it here,
 * whatever they may see there.
 */
export const WithdrawalReferral: WithdrawalReferralResolvers = {
  jointCarePlan: (r, _, ctx) => plans.planForReferral(ctx, r),
};

export const ContractCareOrder: ContractCareOrderResolvers = {
  carePlan: (o, _, ctx) => plans.planForOrder(ctx, o),
};
