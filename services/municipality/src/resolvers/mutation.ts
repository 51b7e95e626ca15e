/** Mutations of the municipality subgraph: thin calls into the domain layer. */
import type { MutationResolvers } from '../generated/resolvers.ts';
import { recordConsent, revokeConsent } from '../domain/consent.ts';
import { addEffort, createPlan, endPlan, recordFollowUp, recordVoice, signPlan, updatePlan } from '../domain/plans.ts';
import { addAgreement } from '../domain/councils.ts';
import * as work from '../domain/work.ts';
import { createPlanDocumentUpload, removePlanDocument } from '../domain/documents.ts';

export const Mutation: MutationResolvers = {
  markCarePlanWorkRead: (_, a, ctx) => work.markCarePlanWorkRead(ctx, a.ids),
  sendPlanMessage: (_, a, ctx) => work.sendPlanMessage(ctx, a.planId, a.text),
  markPlanMessagesRead: (_, a, ctx) => work.markPlanMessagesRead(ctx, a.planId),
  createPlanDocumentUpload: (_, a, ctx) => createPlanDocumentUpload(ctx, a),
  removePlanDocument: (_, a, ctx) => removePlanDocument(ctx, a),
  addCooperationAgreement: (_, a, ctx) => addAgreement(ctx, a.councilId, a.input),
  recordConsent: (_, a, ctx) => recordConsent(ctx, a.input),
  revokeConsent: (_, a, ctx) => revokeConsent(ctx, a.id),
  createJointCarePlan: (_, a, ctx) => createPlan(ctx, a.input),
  updateJointCarePlan: (_, a, ctx) => updatePlan(ctx, a.id, a.expectedVersion, a.goals, a.followUpOn),
  addCarePlanEffort: (_, a, ctx) => addEffort(ctx, a.planId, a.expectedVersion, a.input),
  signJointCarePlan: (_, a, ctx) => signPlan(ctx, a.id, a.version, a.signedBy, a.asIndividual, a.individualSignature),
  endJointCarePlan: (_, a, ctx) => endPlan(ctx, a.id, a.reason, a.completed ?? false),
  recordIndividualView: (_, a, ctx) => recordVoice(ctx, a.planId, 'VIEW', a.text),
  requestPlanEnd: (_, a, ctx) => recordVoice(ctx, a.planId, 'END_REQUEST', a.reason),
  recordCarePlanFollowUp: (_, a, ctx) => recordFollowUp(ctx, a.planId, a.heldOn, a.summary),
};
