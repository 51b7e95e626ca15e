/** Mutations of the municipality subgraph: thin calls into the domain layer. */
import type { MunicipalityContext } from '../context.ts';
import { recordConsent, revokeConsent } from '../domain/consent.ts';
import { addEffort, createPlan, endPlan, recordFollowUp, signPlan, updatePlan, type CreateInput } from '../domain/plans.ts';
import type { ConsentInput } from '../domain/validation.ts';
import { addAgreement } from '../domain/councils.ts';

type Ctx = MunicipalityContext;

export const Mutation = {
  addCooperationAgreement: (_: unknown, a: { councilId: string; input: Parameters<typeof addAgreement>[2] }, ctx: Ctx) =>
    addAgreement(ctx, a.councilId, a.input),
  recordConsent: (_: unknown, a: { input: ConsentInput }, ctx: Ctx) => recordConsent(ctx, a.input),
  revokeConsent: (_: unknown, a: { id: string }, ctx: Ctx) => revokeConsent(ctx, a.id),
  createJointCarePlan: (_: unknown, a: { input: CreateInput }, ctx: Ctx) => createPlan(ctx, a.input),
  updateJointCarePlan: (_: unknown, a: { id: string; expectedVersion: number; goals?: string[] | null; followUpOn?: string | null }, ctx: Ctx) =>
    updatePlan(ctx, a.id, a.expectedVersion, a.goals, a.followUpOn),
  addCarePlanEffort: (_: unknown, a: { planId: string; expectedVersion: number; input: Parameters<typeof addEffort>[3] }, ctx: Ctx) =>
    addEffort(ctx, a.planId, a.expectedVersion, a.input),
  signJointCarePlan: (_: unknown, a: { id: string; version: number; signedBy: string; asIndividual: boolean }, ctx: Ctx) =>
    signPlan(ctx, a.id, a.version, a.signedBy, a.asIndividual),
  endJointCarePlan: (_: unknown, a: { id: string; reason: string; completed?: boolean | null }, ctx: Ctx) => endPlan(ctx, a.id, a.reason, a.completed ?? false),
  recordCarePlanFollowUp: (_: unknown, a: { planId: string; heldOn: string; summary: string }, ctx: Ctx) => recordFollowUp(ctx, a.planId, a.heldOn, a.summary),
};
