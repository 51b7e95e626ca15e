/**
 * graphql-codegen settings of the psychiatry subgraph (read by the root codegen.ts):
 * which TypeScript type a resolver receives as parent for each GraphQL type
 * (the drizzle row, or the key a reference carries). Paths are relative to
 * src/generated/resolvers.ts.
 */
import { commonMappers } from '../shared/codegen.ts';

export const mappers: Record<string, string> = {
  ...commonMappers,
  WithdrawalReferral: '../db/schema.ts#ReferralRow',
  Ward: '../db/schema.ts#WardRow',
  ReferralEvent: '../db/schema.ts#ReferralEventRow',
  InternalNote: '../db/schema.ts#InternalNoteRow',
  PlaceOffer: '../domain/views.ts#PlaceOfferView',
  TreatmentOffer: '../domain/views.ts#TreatmentOfferView',
  OrderedPlace: '../db/schema.ts#ReferralRow',
  TreatmentDecision: '../domain/views.ts#DecisionView',
  AssessmentCycle: '../domain/views.ts#CycleView',
  JointCarePlan: '../domain/views.ts#JointCarePlanReference',
  WithdrawalMeeting: '../domain/meetings.ts#MeetingView',
  MeetingParticipant: '../db/schema.ts#StoredParticipant',
  MeetingInvitation: '../db/schema.ts#StoredInvitation',
  InvitedMeeting: '../domain/meetings.ts#InvitedMeetingView',
  ExpectedDischargeChange: '../db/schema.ts#StoredDischargeChange',
  ReferralDocument: '../../../shared/src/documents.ts#ListedDocument',
  WithdrawalWorkItem: '../domain/work.ts#WithdrawalWorkItemView',
  Message: '../../../shared/src/messages.ts#MessageView',
  MessageReceipt: '../../../shared/src/messages.ts#MessageReceiptView',
  Viewer: '../../../shared/src/messages.ts#ViewerKey',
  RemovedReferralDocument: '../../../shared/src/documents.ts#DocumentMeta',
};
export const contextType = '../context.ts#PsychiatryContext';
