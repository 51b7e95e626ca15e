/** Mutations of the psychiatry subgraph: thin calls into the domain layer. */
import type { MutationResolvers } from '../generated/resolvers.ts';
import * as referrals from '../domain/referrals.ts';
import * as meetings from '../domain/meetings.ts';
import * as documents from '../domain/documents.ts';
import * as work from '../domain/work.ts';

export const Mutation: MutationResolvers = {
  markWithdrawalWorkRead: (_, args, ctx) => work.markWithdrawalWorkRead(ctx, args.ids),
  sendReferralMessage: (_, args, ctx) => work.sendReferralMessage(ctx, args.referralId, args.text),
  markReferralMessagesRead: (_, args, ctx) => work.markReferralMessagesRead(ctx, args.referralId),
  createReferralDocumentUpload: (_, args, ctx) => documents.createReferralDocumentUpload(ctx, args),
  removeReferralDocument: (_, args, ctx) => documents.removeReferralDocument(ctx, args),
  submitWithdrawalReferral: (_, args, ctx) => referrals.submitReferral(ctx, args.input, args.newCycleOf ?? null),
  amendWithdrawalReferral: (_, args, ctx) => referrals.amendReferral(ctx, args.referralId, args.input),
  assignWithdrawalReferral: (_, args, ctx) => referrals.assignReferral(ctx, args.referralId, args),
  prepareTreatmentDecision: (_, args, ctx) => referrals.prepareTreatmentDecision(ctx, args.referralId, args),
  bookAssessmentMeeting: (_, args, ctx) => referrals.bookAssessmentMeeting(ctx, args.referralId, args),
  bookCarePlanningMeeting: (_, args, ctx) => meetings.bookCarePlanningMeeting(ctx, args.referralId, args),
  rescheduleMeeting: (_, args, ctx) => referrals.rescheduleMeeting(ctx, args.meetingId, args),
  answerMeetingInvitation: (_, args, ctx) => meetings.answerMeetingInvitation(ctx, args.meetingId, args),
  recordMeetingOutcome: (_, args, ctx) => meetings.recordMeetingOutcome(ctx, args.meetingId, args),
  recordTreatmentDecision: (_, args, ctx) => referrals.recordTreatmentDecision(ctx, args.referralId, args),
  offerPlace: (_, args, ctx) => referrals.offerPlace(ctx, args.referralId, args),
  recordAdmission: (_, args, ctx) => referrals.recordAdmission(ctx, args.referralId, args),
  moveOfferedPlace: (_, args, ctx) => referrals.moveOfferedPlace(ctx, args.referralId, args),
  recordRefusedAdmission: (_, args, ctx) => referrals.recordRefusedAdmission(ctx, args.referralId, args.reason, args.internalNote),
  changeExpectedDischarge: (_, args, ctx) => referrals.changeExpectedDischarge(ctx, args.referralId, args),
  recordDischarge: (_, args, ctx) => referrals.recordDischarge(ctx, args.referralId, args.internalNote),
  requestNewAssessment: (_, args, ctx) => referrals.requestNewAssessment(ctx, args.referralId),
  withdrawWithdrawalReferral: (_, args, ctx) => referrals.withdrawReferral(ctx, args.referralId, args.reason),
};
