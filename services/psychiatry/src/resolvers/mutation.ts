/** Mutations of the psychiatry subgraph: thin calls into the domain layer. */
import type { PsychiatryContext } from '../context.ts';
import * as referrals from '../domain/referrals.ts';
import type { DecisionInput, ReferralInput } from '../domain/validation.ts';

type Id = { referralId: string };
type Note = { internalNote?: string | null };

export const Mutation = {
  submitWithdrawalReferral: (_: unknown, args: { input: ReferralInput }, ctx: PsychiatryContext) => referrals.submitReferral(ctx, args.input),
  bookAssessmentMeeting: (_: unknown, args: Id & Note & { at: Date }, ctx: PsychiatryContext) =>
    referrals.bookAssessmentMeeting(ctx, args.referralId, args.at, args.internalNote),
  recordTreatmentDecision: (_: unknown, args: Id & Note & DecisionInput, ctx: PsychiatryContext) =>
    referrals.recordTreatmentDecision(ctx, args.referralId, args),
  offerPlace: (_: unknown, args: Id & Note & { wardId: string; startDate: string; reason?: string | null }, ctx: PsychiatryContext) =>
    referrals.offerPlace(ctx, args.referralId, args),
  recordAdmission: (_: unknown, args: Id & Note, ctx: PsychiatryContext) => referrals.recordAdmission(ctx, args.referralId, args.internalNote),
  recordDischarge: (_: unknown, args: Id & Note, ctx: PsychiatryContext) => referrals.recordDischarge(ctx, args.referralId, args.internalNote),
  requestNewAssessment: (_: unknown, args: Id, ctx: PsychiatryContext) => referrals.requestNewAssessment(ctx, args.referralId),
  withdrawWithdrawalReferral: (_: unknown, args: Id & { reason: string }, ctx: PsychiatryContext) =>
    referrals.withdrawReferral(ctx, args.referralId, args.reason),
};
